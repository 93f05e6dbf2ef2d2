//! Idempotent requests (a kernel): a creating request sent twice — a double tap, a retry after a
//! lost answer — is done once, and the repeat gets the first answer. A request names itself with
//! a key (the API's `Idempotency-Key` header, a UI form's one-time `_once` field rendered with the
//! form); the key is kept per signed-in user with the request's fingerprint (method, path, body
//! hash) and, once done, its answer. docs/API.md "Idempotent requests".

use chrono::{DateTime, Utc};

/// Longest key accepted (characters); keys are 1 to this many visible ASCII characters.
pub const MAX_KEY_LEN: usize = 255;

/// How long a done key answers its repeats (hours): the hourly `idempotency.sweep` forgets
/// older keys, so the same key may then start a new request.
pub const KEEP_HOURS: i64 = 24;

/// A claim still in flight after this many seconds belongs to a request that died with its
/// node: a repeat takes the claim over and runs.
pub const STALE_IN_FLIGHT_SECS: i64 = 300;

/// Whether `key` is an acceptable key: 1–255 visible ASCII characters (`!`..=`~`).
pub fn valid_key(key: &str) -> bool {
    (1..=MAX_KEY_LEN).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// The answer of a done request, as kept for its repeats: the status, the headers a client
/// needs (`Location`, `Content-Type`), the body bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// HTTP status (2xx or 3xx: failures are not kept).
    pub status: u16,
    /// (lower-case name, value) pairs.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Where a key stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyState {
    /// The first request is running (since `since`).
    InFlight { since: DateTime<Utc> },
    /// Done with the kept answer; `None` when the answer held a secret shown only once (a new
    /// API token, a device's ingest secret) and was not kept.
    Done(Option<StoredResponse>),
}

/// A key already claimed: the fingerprint of the request that claimed it and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    /// Hex SHA-256 of the first request's method, path and body.
    pub fingerprint: String,
    pub state: KeyState,
}

//! [`IdempotencyService`]: a request carrying a key (an API call's `Idempotency-Key`, a UI
//! form's one-time token) is claimed before it runs; the first one runs, its answer is kept
//! (2xx/3xx only) and each repeat with the same fingerprint gets it back. A different request
//! under the same key is refused (`idempotency_key_reused`, 422), a repeat while the first still
//! runs too (`idempotency_in_flight`, 409), and the repeat of an answer that held a secret shown
//! once (`idempotency_secret_shown`, 409). A failed first request releases its key.

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Principal;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::idempotency::{valid_key, KeyState, StoredResponse, KEEP_HOURS, STALE_IN_FLIGHT_SECS};
use sha2::{Digest, Sha256};

use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};

/// Idempotent requests.
#[derive(Clone)]
pub struct IdempotencyService {
    pub(crate) ctx: Ctx,
}

/// A claimed key: hand it back to [`IdempotencyService::complete`] or
/// [`IdempotencyService::release`] when the request is done.
#[derive(Debug, Clone)]
pub struct Ticket {
    key: String,
}

/// What to do with a request that carries a key.
#[derive(Debug, Clone)]
pub enum Begin {
    /// The key is claimed for this request: run it.
    Run(Ticket),
    /// A repeat of a done request: answer with what it answered.
    Replay(StoredResponse),
}

/// Hex SHA-256 of a request's method, path (with its query) and body: what makes two requests
/// "the same".
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    h.update([0]);
    h.update(body);
    hex::encode(h.finalize())
}

impl IdempotencyService {
    pub fn new(ctx: Ctx) -> IdempotencyService {
        IdempotencyService { ctx }
    }

    /// Claims `key` of `who` for the request `fingerprint` (see [`fingerprint`]).
    ///
    /// Errors: `validation_failed` (400) for a key that is not 1–255 visible ASCII characters;
    /// `idempotency_key_reused` (422): the key came with another request;
    /// `idempotency_in_flight` (409, `Retry-After: 1`): the first request still runs;
    /// `idempotency_secret_shown` (409): it is done, its answer held a secret shown once.
    #[tracing::instrument(skip_all, fields(user = %who.user_id))]
    pub async fn begin(&self, who: &Principal, key: &str, fingerprint: &str) -> ServiceResult<Begin> {
        if !valid_key(key) {
            return Err(ServiceError::invalid(
                "幂等键（Idempotency-Key）须为 1–255 个可见 ASCII 字符",
            ));
        }
        let scoped = scoped_key(&who.user_id, key);
        let now = Utc::now();
        let stale_before = now - Duration::seconds(STALE_IN_FLIGHT_SECS);
        let found = self
            .ctx
            .store
            .claim_idempotency_key(&scoped, fingerprint, stale_before, now)
            .await?;
        let Some(record) = found else {
            return Ok(Begin::Run(Ticket { key: scoped }));
        };
        if record.fingerprint != fingerprint {
            return Err(ServiceError::code(ErrorCode::IdempotencyKeyReused));
        }
        match record.state {
            KeyState::Done(Some(response)) => Ok(Begin::Replay(response)),
            KeyState::Done(None) => Err(ServiceError::code(ErrorCode::IdempotencySecretShown)),
            KeyState::InFlight { .. } => {
                let mut e = DomainError::new(ErrorCode::IdempotencyInFlight);
                e.retry_after = Some(1);
                Err(e.into())
            }
        }
    }

    /// Keeps the answer of the request of `ticket` for its repeats (`None`: the answer held a
    /// secret shown once; repeats are refused with `idempotency_secret_shown`).
    pub async fn complete(&self, ticket: &Ticket, response: Option<&StoredResponse>) -> ServiceResult<()> {
        Ok(self
            .ctx
            .store
            .complete_idempotency_key(&ticket.key, response, Utc::now())
            .await?)
    }

    /// Gives the key of a failed request back: a corrected repeat runs.
    pub async fn release(&self, ticket: &Ticket) -> ServiceResult<()> {
        Ok(self.ctx.store.release_idempotency_key(&ticket.key).await?)
    }

    /// Forgets the keys claimed more than a day before `now`; returns how many.
    pub async fn sweep(&self, now: DateTime<Utc>) -> ServiceResult<u64> {
        Ok(self
            .ctx
            .store
            .sweep_idempotency_keys(now - Duration::hours(KEEP_HOURS))
            .await?)
    }
}

/// The stored key: hex SHA-256 of the user id and the client's key (one user's keys never meet
/// another's; the client's text is not stored).
fn scoped_key(user_id: &str, key: &str) -> String {
    let mut h = Sha256::new();
    h.update(user_id.as_bytes());
    h.update([0]);
    h.update(key.as_bytes());
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_fingerprints() {
        assert_ne!(scoped_key("u1", "k"), scoped_key("u2", "k"));
        assert_eq!(fingerprint("POST", "/a", b"x"), fingerprint("POST", "/a", b"x"));
        assert_ne!(fingerprint("POST", "/a", b"x"), fingerprint("POST", "/a", b"y"));
        assert_ne!(fingerprint("POST", "/a", b"x"), fingerprint("POST", "/ax", b""));
    }
}

//! Opaque, time-ordered identifiers (UUIDv7, docs/DESIGN.md §4) and random tokens.

/// A new time-ordered id as a hyphenated lower-case UUIDv7 string.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// SHA-256 of a secret token, hex-encoded: what the database stores for API tokens, session
/// tokens and device ingest tokens.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}

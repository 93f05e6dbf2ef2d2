//! Random tokens and their constant-time comparison. Security-sensitive.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;

/// 32 random bytes, URL-safe base64: API tokens, session tokens, CSRF tokens, ingest tokens.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// A password made by the server for a person to type once and then change (account recovery,
/// a new account, a reset): `Nb-` and 20 URL-safe random characters (≈120 bits; passes the
/// password policy).
pub fn temporary_password() -> String {
    format!("Nb-{}", &random_token()[..20])
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_long_and_distinct() {
        let (a, b) = (super::random_token(), super::random_token());
        assert!(a.len() >= 43 && a != b);
        assert!(super::constant_eq(a.as_bytes(), a.as_bytes()) && !super::constant_eq(a.as_bytes(), b.as_bytes()));
    }
}

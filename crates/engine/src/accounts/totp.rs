//! TOTP second factor (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of clock skew
//! either way), with the `totp-rs` crate. Each step is accepted once per user (replay guard in
//! the store). Security-sensitive.

use totp_rs::{Algorithm, Secret, TOTP};

use super::secrets::constant_eq;

/// Issuer shown in authenticator apps.
pub const ISSUER: &str = "neibao 智慧内保";

fn totp(secret_b32: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_string()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some(ISSUER.into()),
        account.replace(':', "_"),
    )
    .ok()
}

/// A new random 160-bit secret, base32 (RFC 4648, no padding).
pub fn new_secret() -> String {
    use rand::RngCore;
    let mut b = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut b);
    match Secret::Raw(b.to_vec()).to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => unreachable!("to_encoded returns Encoded"),
    }
}

/// `otpauth://totp/…` URL for authenticator apps.
pub fn otpauth_url(secret_b32: &str, account: &str) -> String {
    totp(secret_b32, account).map(|t| t.get_url()).unwrap_or_default()
}

/// The code for the step containing `unix_secs` (tests and the CLI).
pub fn code_at(secret_b32: &str, unix_secs: u64) -> String {
    totp(secret_b32, "x").map(|t| t.generate(unix_secs)).unwrap_or_default()
}

/// The time step (unix seconds / 30) whose code is `code`, within one step of `unix_secs`.
pub fn matching_step(secret_b32: &str, code: &str, unix_secs: u64) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret_b32, "x")?;
    let step = unix_secs / 30;
    [step.saturating_sub(1), step, step + 1]
        .into_iter()
        .find(|s| constant_eq(t.generate(s * 30).as_bytes(), code.as_bytes()))
        .map(|s| s as i64)
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_match_their_step_only() {
        let s = super::new_secret();
        let now = 1_790_000_000;
        let code = super::code_at(&s, now);
        assert_eq!(super::matching_step(&s, &code, now), Some((now / 30) as i64));
        assert_eq!(super::matching_step(&s, &code, now + 30), Some((now / 30) as i64));
        assert_eq!(super::matching_step(&s, &code, now + 300), None);
        assert_eq!(super::matching_step(&s, "12345", now), None);
        assert!(super::otpauth_url(&s, "zhang").starts_with("otpauth://totp/"));
    }
}

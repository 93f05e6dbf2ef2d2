//! Field-encryption key rotation.

use serde::Serialize;

/// What `neibao keys rotate` re-encrypted, per table column.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReencryptReport {
    pub key_id: String,
    pub persons: u64,
    pub events: u64,
    pub images: u64,
    pub totp_secrets: u64,
    /// Sealed free texts (`<column>_sealed`, docs/SECURITY.md) re-encrypted.
    pub free_texts: u64,
    /// Rows of the security staff capability (security body phone; member phone and ID number).
    pub security_staff: u64,
    /// Notification channel configurations (their webhook secrets).
    pub channels: u64,
    /// Evidence files (attachments: photos, PDFs), including files stored before they were
    /// encrypted.
    pub attachments: u64,
    /// Kept answers of idempotent requests (at most a day old).
    pub replies: u64,
    /// Values still under an older key after the run (0 when the old keys may be retired).
    pub remaining: u64,
}

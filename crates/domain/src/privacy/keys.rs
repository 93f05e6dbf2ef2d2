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
    /// Values still under an older key after the run (0 when the old keys may be retired).
    pub remaining: u64,
}

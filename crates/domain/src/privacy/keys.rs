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

impl ReencryptReport {
    /// What was re-encrypted, as one zh-CN sentence (`neibao keys rotate` prints it).
    pub fn summary_zh(&self) -> String {
        format!(
            "重新加密 负责人 {} 条、事件 {} 条、图片 {} 张、动态口令密钥 {} 个、自由文本 {} 项、保卫人员信息 {} 项、\
             通知渠道 {} 个、佐证材料 {} 份、重复请求应答 {} 条",
            self.persons,
            self.events,
            self.images,
            self.totp_secrets,
            self.free_texts,
            self.security_staff,
            self.channels,
            self.attachments,
            self.replies
        )
    }
}

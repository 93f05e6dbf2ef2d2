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
    /// Emergency plan versions (their encrypted contact lists, docs/EMERGENCY-PLANS.md).
    pub emergency_plans: u64,
    /// Reports' encrypted values (people involved; a public reporter's contact; each value
    /// counts once, docs/REPORTS.md).
    pub reports: u64,
    /// Liaison points (the liaison officer's phone, docs/LIAISON.md).
    pub liaison: u64,
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
             应急预案联系人 {} 份、报告涉事人员和联系方式 {} 项、警企联系点电话 {} 项、通知渠道 {} 个、佐证材料 {} 份、重复请求应答 {} 条",
            self.persons,
            self.events,
            self.images,
            self.totp_secrets,
            self.free_texts,
            self.security_staff,
            self.emergency_plans,
            self.reports,
            self.liaison,
            self.channels,
            self.attachments,
            self.replies
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_names_each_category() {
        let r = ReencryptReport {
            security_staff: 2,
            emergency_plans: 3,
            reports: 4,
            liaison: 5,
            ..Default::default()
        };
        let s = r.summary_zh();
        assert!(s.contains("保卫人员信息 2 项"), "{s}");
        assert!(s.contains("应急预案联系人 3 份"), "{s}");
        assert!(s.contains("报告涉事人员和联系方式 4 项"), "{s}");
        assert!(s.contains("警企联系点电话 5 项"), "{s}");
    }
}

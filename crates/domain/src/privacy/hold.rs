//! What a legal hold and a retention change must satisfy before they are stored.

use crate::error::{DomainError, ErrorCode};

fn invalid(message: impl Into<String>) -> DomainError {
    DomainError::with_message(ErrorCode::ValidationFailed, message)
}

use super::retention::DataClass;

/// Longest retention a policy may set (days: about a hundred years).
pub const MAX_RETENTION_DAYS: i64 = 36_500;

/// A legal hold as requested: the unit named by its id or its USCC.
#[derive(Debug, Clone, Default)]
pub struct LegalHoldDraft {
    /// Case number (案件编号), 1–64 characters.
    pub case_no: String,
    /// The unit's id, or its USCC (18 characters).
    pub unit: String,
    /// Only this class; all classes when absent.
    pub data_class: Option<DataClass>,
    /// 1–500 characters.
    pub reason: String,
}

impl LegalHoldDraft {
    /// Trims the texts and checks their lengths.
    ///
    /// Errors: `validation_failed` (400) naming the field.
    pub fn validated(mut self) -> Result<LegalHoldDraft, DomainError> {
        self.case_no = self.case_no.trim().to_string();
        self.reason = self.reason.trim().to_string();
        self.unit = self.unit.trim().to_string();
        if self.case_no.is_empty() || self.case_no.chars().count() > 64 {
            return Err(invalid("案件编号须为 1–64 个字"));
        }
        if self.reason.is_empty() || self.reason.chars().count() > 500 {
            return Err(invalid("保全理由须为 1–500 个字"));
        }
        if self.unit.is_empty() {
            return Err(invalid("请填写单位的统一社会信用代码或单位编号"));
        }
        Ok(self)
    }
}

impl DataClass {
    /// Checks a maximum retention for this class: not below the rules' general minimum (the
    /// counter-terror minimum is applied per unit on top), not above [`MAX_RETENTION_DAYS`].
    ///
    /// Errors: `validation_failed` (400).
    pub fn check_max_days(self, max_days: i64) -> Result<(), DomainError> {
        if max_days < self.min_days(false) || max_days > MAX_RETENTION_DAYS {
            return Err(invalid(format!(
                "「{}」的保存期限不得少于 {} 天（法定最低），且不超过 {MAX_RETENTION_DAYS} 天",
                self.label_zh(),
                self.min_days(false)
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_and_policies_are_checked() {
        let d = LegalHoldDraft {
            case_no: " 案1 ".into(),
            unit: "u".into(),
            data_class: None,
            reason: "理由".into(),
        };
        assert_eq!(d.clone().validated().unwrap().case_no, "案1");
        assert!(LegalHoldDraft {
            case_no: String::new(),
            ..d.clone()
        }
        .validated()
        .is_err());
        assert!(LegalHoldDraft {
            reason: "x".repeat(501),
            ..d
        }
        .validated()
        .is_err());
        assert!(DataClass::Events.check_max_days(7).is_err());
        assert!(DataClass::Events.check_max_days(30).is_ok());
        assert!(DataClass::Logs.check_max_days(36_501).is_err());
    }
}

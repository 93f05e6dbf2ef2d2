//! The stated purpose of a purpose-logged read (an unmasked person, a look-up by ID number, a raw
//! device payload): required, kept short, and free of plaintext numbers before it is logged.
//! Source: docs/REQUIREMENTS.md R53 (register every retrieval with its reason).

use crate::error::{DomainError, ErrorCode};

/// Shortest and longest purpose accepted (characters, after trimming).
pub const PURPOSE_CHARS: std::ops::RangeInclusive<usize> = 4..=200;

/// Checks a stated purpose: 4 to 200 characters after trimming; control characters are dropped
/// and anything that looks like an ID or phone number is masked, so the result may be logged.
///
/// Errors: `purpose_required` (400).
pub fn check_purpose(purpose: Option<&str>) -> Result<String, DomainError> {
    let p = purpose.unwrap_or("").trim();
    if !PURPOSE_CHARS.contains(&p.chars().count()) {
        return Err(DomainError::with_message(
            ErrorCode::PurposeRequired,
            "查看完整个人信息须填写查询事由（4–200 个字）",
        ));
    }
    // Personal data (ID numbers, mobile numbers, plates) masked first, then any other long run
    // of digits: a purpose is logged in the hash-chained audit log, so nothing is sealed here.
    Ok(crate::sensitive::redact_numbers(&super::free_text::mask_personal_data(
        &crate::events::clean_device_text(p, 200),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_are_required_and_masked() {
        assert_eq!(check_purpose(None).unwrap_err().code, ErrorCode::PurposeRequired);
        assert!(check_purpose(Some(" 核查 ")).is_err());
        assert_eq!(
            check_purpose(Some("核查线索，联系13812345678")).unwrap(),
            "核查线索，联系138****5678"
        );
        assert_eq!(check_purpose(Some("核查车辆浙A12345")).unwrap(), "核查车辆浙A***45");
    }
}

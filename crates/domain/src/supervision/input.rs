//! Checks of what people type into supervision: free text (length, no control or invisible
//! characters), the inspection record (R22) and item results against their checklist. Each
//! refusal is `validation_failed` with a zh-CN message naming the field.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};

use super::inspection::{ChecklistVersion, InspectionRecord, ItemOutcome};
use crate::error::{DomainError, ErrorCode};

/// `validation_failed` (400) with a zh-CN message.
pub fn invalid(message: impl Into<String>) -> DomainError {
    DomainError::with_message(ErrorCode::ValidationFailed, message)
}

/// A text field, trimmed: at most `max` characters, clean (no control or invisible characters),
/// not empty when `required`.
pub fn check_text(label: &str, s: &str, max: usize, required: bool) -> Result<String, DomainError> {
    let t = s.trim();
    if required && t.is_empty() {
        return Err(invalid(format!("{label}不能为空")));
    }
    if t.chars().count() > max || !crate::text::text_is_clean(t) {
        return Err(invalid(format!("{label}不超过{max}字，且不能含控制字符或不可见字符")));
    }
    Ok(t.to_string())
}

/// The inspection record as it may be stored: every field checked and trimmed, blank list
/// entries dropped, times within the last 30 days and not in the future.
pub fn check_record(r: &InspectionRecord, now: DateTime<Utc>) -> Result<InspectionRecord, DomainError> {
    let mut r = r.clone();
    r.place = check_text("检查地点", &r.place, 200, false)?;
    r.location = check_text("定位", &r.location, 100, false)?;
    r.accompanying_person = check_text("陪同人员", &r.accompanying_person, 50, false)?;
    r.witness = check_text("见证人", &r.witness, 50, false)?;
    r.witness_absent_reason = check_text("见证人空缺原因", &r.witness_absent_reason, 200, false)?;
    r.purpose = check_text("检查事由", &r.purpose, 500, false)?;
    r.inspection_type = check_text("检查类型", &r.inspection_type, 50, false)?;
    r.notes = check_text("检查情况", &r.notes, 5000, false)?;
    if r.officers.len() > 20 || r.methods.len() > 10 || r.signatures.len() > 20 {
        return Err(invalid("检查人员、检查方式或签名过多"));
    }
    // Checked, trimmed, blanks dropped.
    let list = |label: &str, xs: &[String], max: usize| -> Result<Vec<String>, DomainError> {
        let checked = xs
            .iter()
            .map(|x| check_text(label, x, max, false))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(checked.into_iter().filter(|x| !x.is_empty()).collect())
    };
    r.officers = list("检查人员", &r.officers, 50)?;
    r.methods = list("检查方式", &r.methods, 20)?;
    for s in &mut r.signatures {
        s.name = check_text("签名", &s.name, 50, true)?;
        s.role = check_text("签名人身份", &s.role, 30, false)?;
    }
    if let (Some(a), Some(b)) = (r.started_at, r.ended_at) {
        if b < a {
            return Err(invalid("检查结束时间不能早于开始时间"));
        }
    }
    // Times of the record and the signatures: within the last 30 days and not in the future.
    let times = r
        .started_at
        .iter()
        .chain(r.ended_at.iter())
        .chain(r.signatures.iter().map(|s| &s.at));
    for t in times {
        if *t > now + Duration::minutes(10) || *t < now - Duration::days(30) {
            return Err(invalid("检查时间和签名时间须在最近30日内，且不能晚于当前时间"));
        }
    }
    Ok(r)
}

/// Item results against their checklist: known items, each once, notes checked; with
/// `complete`, every item of the checklist needs a result.
pub fn check_results(
    checklist: &ChecklistVersion,
    results: &[ItemOutcome],
    complete: bool,
) -> Result<Vec<ItemOutcome>, DomainError> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(results.len());
    for r in results {
        if !checklist.items.iter().any(|i| i.code == r.code) {
            return Err(invalid(format!(
                "检查表中没有检查项「{}」",
                r.code.chars().take(20).collect::<String>()
            )));
        }
        if !seen.insert(r.code.clone()) {
            return Err(invalid(format!("检查项「{}」重复", r.code)));
        }
        out.push(ItemOutcome {
            code: r.code.clone(),
            result: r.result,
            note: check_text("检查项说明", &r.note, 500, false)?,
        });
    }
    if complete {
        if let Some(missing) = checklist.items.iter().find(|i| !seen.contains(&i.code)) {
            return Err(invalid(format!(
                "检查项「{} {}」尚未填写结果",
                missing.code, missing.title
            )));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_bounded_and_clean() {
        assert_eq!(check_text("名称", "  西湖  ", 10, true).unwrap(), "西湖");
        assert!(check_text("名称", "  ", 10, true)
            .unwrap_err()
            .message
            .contains("名称不能为空"));
        assert!(check_text("名称", "abc\u{202e}", 10, false).is_err());
        assert!(check_text("名称", &"字".repeat(11), 10, false).is_err());
        assert_eq!(check_text("名称", "", 10, false).unwrap(), "");
    }

    #[test]
    fn record_times_are_recent() {
        let now = Utc::now();
        let r = InspectionRecord {
            started_at: Some(now - Duration::days(31)),
            officers: vec![" 张三 ".into(), "".into()],
            ..Default::default()
        };
        assert!(check_record(&r, now).is_err());
        let r = InspectionRecord {
            started_at: Some(now - Duration::hours(1)),
            ..r
        };
        assert_eq!(check_record(&r, now).unwrap().officers, ["张三"]);
    }
}

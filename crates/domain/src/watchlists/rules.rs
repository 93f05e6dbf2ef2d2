//! The pure rules of watchlists and PIAs, with their sources (docs/REQUIREMENTS.md).

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::error::{DomainError, ErrorCode};

use super::records::{ListKind, Pia, PiaPurpose, PiaStatus, Watchlist};

/// Lowest and highest similarity threshold a list may set (percent). Below 60 a face "match" is
/// mostly noise; the human check stays in any case.
pub const MIN_THRESHOLD: u8 = 60;
pub const MAX_THRESHOLD: u8 = 100;
/// Default threshold of a new face list.
pub const DEFAULT_THRESHOLD: u8 = 85;
/// Most candidates kept and shown with a hit (top-K).
pub const TOP_K: usize = 5;
/// Most entries one list holds.
pub const MAX_ENTRIES: i64 = 200_000;
/// Longest a list may run before it must be renewed (days).
pub const MAX_LIST_DAYS: i64 = 366;
/// A PIA report is kept at least this many years (PIPL Art 56 ¶2; R69).
pub const PIA_KEEP_YEARS: i64 = 3;
/// Largest template or photo stored (bytes).
pub const MAX_BIOMETRIC_BYTES: usize = 512 * 1024;

fn invalid(m: impl Into<String>) -> DomainError {
    DomainError::with_message(ErrorCode::ValidationFailed, m.into())
}

/// A plate as the index keys it: upper case, without spaces, dots (`·`, `•`, `.`) and dashes, so
/// that `浙a·12345`, `浙A 12345` and `浙A-12345` are one plate. `None` when nothing is left.
pub fn normalize_plate(raw: &str) -> Option<String> {
    let p: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '·' | '•' | '.' | '-' | '_' | '・'))
        .flat_map(char::to_uppercase)
        .collect();
    (!p.is_empty() && p.chars().count() <= 12).then_some(p)
}

/// A face subject key as the index keys it (external id or name): trimmed, lower case.
pub fn subject_key(raw: &str) -> Option<String> {
    let k = raw.trim().to_lowercase();
    (!k.is_empty()).then_some(k)
}

/// A plate typed for a plate list: normalised, 7–8 characters, at least one digit.
pub fn checked_plate(raw: &str) -> Result<String, DomainError> {
    let p = normalize_plate(raw).ok_or_else(|| invalid("车牌号不能为空"))?;
    let n = p.chars().count();
    if !(6..=8).contains(&n) || !p.chars().any(|c| c.is_ascii_digit()) {
        return Err(invalid(format!("车牌号格式不正确：{p}")));
    }
    Ok(p)
}

/// A threshold typed for a list.
pub fn checked_threshold(t: i64) -> Result<u8, DomainError> {
    if !(MIN_THRESHOLD as i64..=MAX_THRESHOLD as i64).contains(&t) {
        return Err(invalid(format!(
            "比中阈值应在 {MIN_THRESHOLD} 到 {MAX_THRESHOLD} 之间（相似度百分比）"
        )));
    }
    Ok(t as u8)
}

/// An expiry date for a list created or changed `today`: not in the past, at most
/// [`MAX_LIST_DAYS`] ahead (a list is renewed, not kept forever: R61 necessity, R66).
pub fn checked_expiry(expires_on: NaiveDate, today: NaiveDate) -> Result<NaiveDate, DomainError> {
    if expires_on < today {
        return Err(invalid("有效期不能早于今天"));
    }
    if expires_on > today + Duration::days(MAX_LIST_DAYS) {
        return Err(invalid(format!("布控有效期最长 {MAX_LIST_DAYS} 天，到期后需重新审批")));
    }
    Ok(expires_on)
}

/// The PIA purpose a list of this kind needs.
pub fn pia_purpose_for(kind: ListKind) -> PiaPurpose {
    match kind {
        ListKind::Face => PiaPurpose::FaceWatchlist,
        ListKind::Plate => PiaPurpose::PlateWatchlist,
    }
}

/// Whether `list` may be switched on under `pia`: a face list needs an approved PIA of the same
/// owner for face watchlists (PIPL Art 55(1): sensitive personal information; R69: the PIA blocks
/// activation until approved). Plate lists need none (they may name one). Refused with
/// `pia_not_approved` (409).
pub fn check_activation(list: &Watchlist, pia: Option<&Pia>, today: NaiveDate) -> Result<(), DomainError> {
    if list.expires_on < today {
        return Err(DomainError::with_message(
            ErrorCode::InvalidTransition,
            "布控已过有效期，请先延长有效期再启用",
        ));
    }
    if list.kind != ListKind::Face {
        return Ok(());
    }
    let ok = pia.is_some_and(|p| {
        p.status == PiaStatus::Approved && p.owner == list.owner && p.purpose == PiaPurpose::FaceWatchlist
    });
    if ok {
        Ok(())
    } else {
        Err(DomainError::new(ErrorCode::PiaNotApproved))
    }
}

/// When a PIA changed at `at` may be deleted: [`PIA_KEEP_YEARS`] years later.
pub fn pia_keep_until(at: DateTime<Utc>) -> DateTime<Utc> {
    at + Duration::days(365 * PIA_KEEP_YEARS + 1)
}

/// Refuses to delete a PIA before its keeping period ends (PIPL Art 56 ¶2: PIA reports are kept at
/// least three years).
pub fn check_pia_deletion(pia: &Pia, now: DateTime<Utc>) -> Result<(), DomainError> {
    if now < pia.keep_until {
        return Err(DomainError::with_message(
            ErrorCode::InvalidTransition,
            format!(
                "个人信息保护影响评估报告须至少保存三年（《个人信息保护法》第五十六条），{} 前不能删除",
                (pia.keep_until + Duration::hours(8)).format("%Y-%m-%d")
            ),
        ));
    }
    Ok(())
}

/// A similarity as devices send it, in percent: values in 0–1 are fractions (Frigate,
/// CompreFace), 1–100 percent (Hikvision, Dahua); anything else is not a similarity.
pub fn similarity_percent(raw: f64) -> Option<f32> {
    if !raw.is_finite() || raw < 0.0 {
        return None;
    }
    if raw <= 1.0 {
        Some((raw * 100.0) as f32)
    } else if raw <= 100.0 {
        Some(raw as f32)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::watchlists::records::Owner;

    #[test]
    fn plates_normalise_to_one_key() {
        for raw in ["浙a·12345", "浙A 12345", " 浙A-12345 ", "浙A12345"] {
            assert_eq!(normalize_plate(raw).as_deref(), Some("浙A12345"), "{raw}");
        }
        assert!(checked_plate("浙A").is_err());
        assert!(checked_plate("浙ABCDEF").is_err());
        assert_eq!(checked_plate("浙AD12345").unwrap(), "浙AD12345");
    }

    #[test]
    fn similarities_are_percent() {
        assert_eq!(similarity_percent(0.93), Some(93.0));
        assert_eq!(similarity_percent(87.5), Some(87.5));
        assert_eq!(similarity_percent(180.0), None);
        assert_eq!(similarity_percent(f64::NAN), None);
    }

    fn list(kind: ListKind) -> Watchlist {
        let now = Utc::now();
        Watchlist {
            id: "w".into(),
            kind,
            name: "n".into(),
            owner: Owner::Unit("u".into()),
            owner_name: "单位".into(),
            area_prefix: String::new(),
            legal_basis: "b".into(),
            expires_on: NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
            threshold: 85,
            active: false,
            pia_id: None,
            entry_count: 0,
            created_by: "x".into(),
            created_at: now,
            updated_at: now,
        }
    }

    fn pia(status: PiaStatus, owner: Owner) -> Pia {
        let now = Utc::now();
        Pia {
            id: "p".into(),
            owner,
            owner_name: "单位".into(),
            purpose: PiaPurpose::FaceWatchlist,
            title: "t".into(),
            necessity: "n".into(),
            risks: "r".into(),
            safeguards: "s".into(),
            status,
            drafted_by: "a".into(),
            drafted_by_name: "a".into(),
            approved_by_name: None,
            approved_at: None,
            keep_until: pia_keep_until(now),
            created_at: now,
        }
    }

    #[test]
    fn a_face_list_needs_an_approved_pia_of_its_owner() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let l = list(ListKind::Face);
        let e = check_activation(&l, None, today).unwrap_err();
        assert_eq!(e.code, ErrorCode::PiaNotApproved);
        let draft = pia(PiaStatus::Draft, Owner::Unit("u".into()));
        assert_eq!(
            check_activation(&l, Some(&draft), today).unwrap_err().code,
            ErrorCode::PiaNotApproved
        );
        let other = pia(PiaStatus::Approved, Owner::Unit("v".into()));
        assert_eq!(
            check_activation(&l, Some(&other), today).unwrap_err().code,
            ErrorCode::PiaNotApproved
        );
        let ok = pia(PiaStatus::Approved, Owner::Unit("u".into()));
        assert!(check_activation(&l, Some(&ok), today).is_ok());
        assert!(check_activation(&list(ListKind::Plate), None, today).is_ok());
    }

    #[test]
    fn a_pia_is_kept_three_years() {
        let p = pia(PiaStatus::Approved, Owner::Unit("u".into()));
        assert!(check_pia_deletion(&p, p.created_at + Duration::days(365 * 3 - 1)).is_err());
        assert!(check_pia_deletion(&p, p.created_at + Duration::days(365 * 3 + 2)).is_ok());
    }
}

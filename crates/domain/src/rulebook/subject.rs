//! The nine subjects of Decree 421 Art 8 (《企业事业单位内部治安保卫条例》第八条第一至九项),
//! docs/REQUIREMENTS.md R9, and the pure rules over them: which are covered, when a version is
//! due for review.

use chrono::{Days, NaiveDate};

use crate::error::{DomainError, ErrorCode};

/// How many subjects a unit's rules cover (Decree 421 Art 8 items 1–9).
pub const SUBJECTS: i64 = 9;

/// The subject a unit may mark 不适用: rules for dangerous goods, pathogen strains, weapons and
/// ammunition apply only to units that keep them (Art 8 item 8: "存放有……的单位，还应当有").
pub const OPTIONAL_SUBJECT: i64 = 8;

/// Days after publication a version may stay unreviewed: older is 待复审 (R9 "[Proposed] An
/// annual review reminder").
pub const REVIEW_AFTER_DAYS: u64 = 365;

/// The zh-CN title of subject `n` (1–9) as Art 8 words it; `None` outside 1–9.
pub fn subject_label(n: i64) -> Option<&'static str> {
    Some(match n {
        1 => "门卫、值班、巡查制度",
        2 => "工作、生产、经营、教学、科研等场所的安全管理制度",
        3 => "现金、票据、印鉴、有价证券等重要物品使用、保管、储存、运输的安全管理制度",
        4 => "单位内部的消防、交通安全管理制度",
        5 => "治安防范教育培训制度",
        6 => "单位内部发生治安案件、涉嫌刑事犯罪案件的报告制度",
        7 => "治安保卫工作检查、考核及奖惩制度",
        8 => "存放有爆炸性、易燃性、放射性、毒害性、传染性、腐蚀性等危险物品和传染性菌种、毒种以及武器弹药的单位，还应当有相应的安全管理制度",
        9 => "其他有关的治安保卫制度",
        _ => return None,
    })
}

/// Checks a subject number taken from a request: 1–9, else `validation_failed` (400).
pub fn checked_subject(n: i64) -> Result<i64, DomainError> {
    if subject_label(n).is_some() {
        Ok(n)
    } else {
        Err(DomainError::with_message(
            ErrorCode::ValidationFailed,
            "制度类别应为 1 至 9（《企业事业单位内部治安保卫条例》第八条第一至九项）",
        ))
    }
}

/// The first day a version published on `published_on` is 待复审 (publication + 366 days).
pub fn review_due_on(published_on: NaiveDate) -> NaiveDate {
    published_on
        .checked_add_days(Days::new(REVIEW_AFTER_DAYS + 1))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether a version published on `published_on` is 待复审 on `today` (older than 365 days).
pub fn review_due(published_on: NaiveDate, today: NaiveDate) -> bool {
    today >= review_due_on(published_on)
}

/// The state of one subject of a unit's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubjectState {
    /// 缺失: no version, and not marked 不适用.
    Missing,
    /// 现行: a current version, reviewed within a year.
    Current,
    /// 待复审: a current version published more than 365 days ago.
    ReviewDue,
    /// 不适用: subject 8 marked not applicable by the unit (with a reason).
    NotApplicable,
}

impl SubjectState {
    /// What a person reads.
    pub fn label_zh(self) -> &'static str {
        match self {
            SubjectState::Missing => "缺失",
            SubjectState::Current => "现行",
            SubjectState::ReviewDue => "待复审",
            SubjectState::NotApplicable => "不适用",
        }
    }

    /// Whether the subject counts as covered in the completeness view (a current version, due for
    /// review or not, or 不适用).
    pub fn covered(self) -> bool {
        self != SubjectState::Missing
    }

    /// The state from what is stored: marked 不适用 wins, then the current version's age.
    pub fn of(not_applicable: bool, current_published_on: Option<NaiveDate>, today: NaiveDate) -> SubjectState {
        if not_applicable {
            SubjectState::NotApplicable
        } else {
            match current_published_on {
                None => SubjectState::Missing,
                Some(p) if review_due(p, today) => SubjectState::ReviewDue,
                Some(_) => SubjectState::Current,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn nine_subjects_and_nothing_else() {
        assert!((1..=9).all(|n| subject_label(n).is_some()));
        assert!(subject_label(0).is_none() && subject_label(10).is_none());
        assert!(checked_subject(10).is_err());
        assert_eq!(checked_subject(8).unwrap(), 8);
    }

    #[test]
    fn a_version_is_due_for_review_after_365_days() {
        let p = d("2025-01-01");
        assert!(!review_due(p, d("2026-01-01"))); // 365 days
        assert!(review_due(p, d("2026-01-02"))); // 366 days
        assert_eq!(review_due_on(p), d("2026-01-02"));
    }

    #[test]
    fn states() {
        let today = d("2026-12-07");
        assert_eq!(SubjectState::of(true, None, today), SubjectState::NotApplicable);
        assert_eq!(SubjectState::of(false, None, today), SubjectState::Missing);
        assert_eq!(
            SubjectState::of(false, Some(d("2026-01-01")), today),
            SubjectState::Current
        );
        assert_eq!(
            SubjectState::of(false, Some(d("2025-12-06")), today),
            SubjectState::ReviewDue
        );
        assert!(!SubjectState::Missing.covered() && SubjectState::NotApplicable.covered());
    }
}

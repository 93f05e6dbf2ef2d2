//! 平安单位 (safe unit) titles and the honours block (docs/HONOURS.md; the Zhejiang Opinions
//! Part 5: units are encouraged through 平安单位 creation; S10 浙江省社会治安综合治理条例 Art 29,
//! docs/REQUIREMENTS.md R29: while a unit is under 挂牌督办 it cannot receive comprehensive
//! honours for 6 months from the listing, 1 year from the deadline when the target is missed,
//! 1 year from an especially severe event).
//!
//! A unit's security manager applies for the title for a year; county-level and higher police
//! decide on the unit's record: the honours block computed from the ladder
//! ([`crate::supervision::ladder::Case::honours_bar_until`]), no open listed-supervision case, no
//! major case in the year before (the officer confirms it with the facts shown), and a passing
//! safety assessment signed in the last two years (R32, [`crate::assessment`]). A granted title is valid for the year
//! applied for and is revoked on a major case.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::supervision::ladder::{Case, Rung};

/// Longest statement of an application or reasons of a decision (characters).
pub const MAX_TEXT_CHARS: usize = 2000;

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TitleState {
    /// 待审核.
    Applied,
    /// 已授予.
    Granted,
    /// 未授予.
    Refused,
    /// 已撤销.
    Revoked,
}

impl TitleState {
    pub const ALL: [TitleState; 4] = [
        TitleState::Applied,
        TitleState::Granted,
        TitleState::Refused,
        TitleState::Revoked,
    ];
    pub fn code(self) -> &'static str {
        match self {
            TitleState::Applied => "applied",
            TitleState::Granted => "granted",
            TitleState::Refused => "refused",
            TitleState::Revoked => "revoked",
        }
    }
    pub fn from_code(s: &str) -> Option<TitleState> {
        TitleState::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            TitleState::Applied => "待审核",
            TitleState::Granted => "已授予",
            TitleState::Refused => "未授予",
            TitleState::Revoked => "已撤销",
        }
    }
}

/// An application for, and the decision on, the 平安单位 title of one year.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SafeUnitTitle {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    /// The year the title is for.
    pub year: i32,
    pub state: TitleState,
    pub state_label: String,
    /// The unit's statement (申请说明).
    pub statement: String,
    pub applied_by_name: String,
    pub applied_at: DateTime<Utc>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Reasons of the grant, refusal or revocation.
    pub decision_reason: String,
    /// Granted: first and last day of validity (Beijing dates).
    #[schema(value_type = Option<String>)]
    pub valid_from: Option<NaiveDate>,
    #[schema(value_type = Option<String>)]
    pub valid_until: Option<NaiveDate>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoke_reason: String,
}

/// The honours block of a unit (S10 Art 29): until when, and from which listed-supervision case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct HonoursBlock {
    /// The first instant the unit may receive honours again.
    pub until: DateTime<Utc>,
    /// The hazard case whose listing (or missed deadline) sets the block.
    pub hazard_id: String,
    pub hazard_title: String,
    /// When the case was listed for supervision (挂牌督办).
    pub listed_at: Option<DateTime<Utc>>,
    /// The rule as a person reads it.
    pub rule_zh: String,
}

/// A listed-supervision case of the unit as the block reads it.
#[derive(Debug, Clone)]
pub struct CaseView<'a> {
    pub hazard_id: &'a str,
    pub hazard_title: &'a str,
    pub case: &'a Case,
}

/// The block in force at `now`: the latest `honours_bar_until` after `now` of the unit's cases
/// (set by the ladder: 6 months from the listing, 1 year from a missed listed-supervision
/// deadline or from an especially severe event). `None`: no block.
pub fn block_at(cases: &[CaseView<'_>], now: DateTime<Utc>) -> Option<HonoursBlock> {
    cases
        .iter()
        .filter_map(|c| c.case.honours_bar_until.filter(|u| *u > now).map(|u| (u, c)))
        .max_by_key(|(u, _)| *u)
        .map(|(until, c)| HonoursBlock {
            until,
            hazard_id: c.hazard_id.to_string(),
            hazard_title: c.hazard_title.to_string(),
            listed_at: c.case.listed_at,
            rule_zh: rule_of(c.case, until).to_string(),
        })
}

/// Which rule of S10 Art 29 set the bar `until` of `case`.
fn rule_of(case: &Case, until: DateTime<Utc>) -> &'static str {
    let six_months = case
        .listed_at
        .and_then(|l| l.checked_add_months(chrono::Months::new(6)));
    if six_months == Some(until) {
        "挂牌督办期间，自挂牌之日起六个月内不得授予综合性荣誉（浙江省社会治安综合治理条例第二十九条）"
    } else if case.phase == crate::supervision::ladder::Phase::Overdue
        && case.rungs.last() == Some(&Rung::ListedSupervision)
    {
        "挂牌督办整改期限届满未达标，自期限届满之日起一年内不得授予综合性荣誉（浙江省社会治安综合治理条例第二十九条）"
    } else {
        "挂牌督办的特别严重事件，自事件发生之日起一年内不得授予综合性荣誉（浙江省社会治安综合治理条例第二十九条）"
    }
}

/// Whether a case is an open listed-supervision case: listed (挂牌督办) and not ended.
pub fn is_open_listing(case: &Case) -> bool {
    case.rungs.contains(&Rung::ListedSupervision) && !case.phase.is_end()
}

/// The first and last day of a title granted on `today` for `year`: from the later of 1 January
/// and today, through 31 December. `None` when the year is over.
pub fn validity(year: i32, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1)?;
    let last = NaiveDate::from_ymd_opt(year, 12, 31)?;
    if today > last {
        return None;
    }
    Some((first.max(today), last))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn the_latest_bar_in_force_blocks() {
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 0, 0, 0).unwrap();
        let mut listed = Case::new();
        listed.rungs.push(Rung::ListedSupervision);
        let listed_at = now - Duration::days(30);
        listed.listed_at = Some(listed_at);
        listed.honours_bar_until = listed_at.checked_add_months(chrono::Months::new(6));
        let mut old = Case::new();
        old.honours_bar_until = Some(now - Duration::days(1));
        let cases = [
            CaseView {
                hazard_id: "h1",
                hazard_title: "甲",
                case: &old,
            },
            CaseView {
                hazard_id: "h2",
                hazard_title: "乙",
                case: &listed,
            },
        ];
        let b = block_at(&cases, now).unwrap();
        assert_eq!(b.hazard_id, "h2");
        assert!(b.rule_zh.contains("六个月"));
        assert!(block_at(&cases[..1], now).is_none());
        assert!(is_open_listing(&listed));
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(
            validity(2027, today).unwrap().0,
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
        assert_eq!(validity(2026, today).unwrap().0, today);
        assert!(validity(2025, today).is_none());
    }
}

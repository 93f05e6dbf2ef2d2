//! Credit records (诚信管理, docs/REQUIREMENTS.md R30) and the credit grade A–D that sets how often a
//! unit is due for inspection.
//!
//! The rule is data ([`CreditRule`], stored per bureau; this is the documented default): every
//! unit starts at 100 points; each entry that has not expired deducts its points; the grade is
//! A from 90, B from 75, C from 60, D below. The grade sets the inspection interval: A 365 days,
//! B 180, C 90, D 30. Entries are written by the ladder (a fine, a criminal transfer, listed
//! supervision, an interview, a circular, a referral, an overdue deadline) with the ladder's
//! legal basis and an expiry.

use serde::{Deserialize, Serialize};

/// Credit grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Grade {
    A,
    B,
    C,
    D,
}

impl Grade {
    pub const ALL: [Grade; 4] = [Grade::A, Grade::B, Grade::C, Grade::D];
    pub fn code(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
        }
    }
    pub fn from_code(s: &str) -> Option<Grade> {
        Grade::ALL.into_iter().find(|g| g.code().eq_ignore_ascii_case(s))
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Grade::A => "A（守信）",
            Grade::B => "B（基本守信）",
            Grade::C => "C（失信风险）",
            Grade::D => "D（严重失信）",
        }
    }
}

/// What a credit entry records. Each has default points and a default validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Overdue,
    Circular,
    Interview,
    ListedSupervision,
    Referral,
    Fine,
    CriminalTransfer,
    /// 其他违法违规行为: entered by hand by the police (docs/CREDIT.md).
    OtherViolation,
}

impl EntryKind {
    pub const ALL: [EntryKind; 8] = [
        EntryKind::Overdue,
        EntryKind::Circular,
        EntryKind::Interview,
        EntryKind::ListedSupervision,
        EntryKind::Referral,
        EntryKind::Fine,
        EntryKind::CriminalTransfer,
        EntryKind::OtherViolation,
    ];
    pub fn code(self) -> &'static str {
        match self {
            EntryKind::Overdue => "overdue",
            EntryKind::Circular => "circular",
            EntryKind::Interview => "interview",
            EntryKind::ListedSupervision => "listed_supervision",
            EntryKind::Referral => "referral",
            EntryKind::Fine => "fine",
            EntryKind::CriminalTransfer => "criminal_transfer",
            EntryKind::OtherViolation => "other_violation",
        }
    }
    pub fn from_code(s: &str) -> Option<EntryKind> {
        EntryKind::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            EntryKind::Overdue => "逾期未整改",
            EntryKind::Circular => "被通报",
            EntryKind::Interview => "被约谈",
            EntryKind::ListedSupervision => "被挂牌督办",
            EntryKind::Referral => "问题抄告主管部门",
            EntryKind::Fine => "受到罚款处罚",
            EntryKind::CriminalTransfer => "移送司法机关",
            EntryKind::OtherViolation => "其他违法违规行为",
        }
    }
}

/// Points and validity of one entry kind.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EntryRule {
    pub kind: EntryKind,
    /// Points deducted, 0–100.
    #[schema(minimum = 0, maximum = 100)]
    pub points: i64,
    /// Days the entry counts, 1–3650.
    #[schema(minimum = 1, maximum = 3650)]
    pub valid_days: i64,
}

/// The scoring rule, configurable per bureau.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreditRule {
    #[schema(max_items = 50)]
    pub entries: Vec<EntryRule>,
    /// Lowest score of grades A, B, C (D is below C).
    pub thresholds: [i64; 3],
    /// Inspection interval in days for grades A, B, C, D.
    pub interval_days: [i64; 4],
}

impl Default for CreditRule {
    fn default() -> Self {
        use EntryKind::*;
        let e = |kind, points, valid_days| EntryRule {
            kind,
            points,
            valid_days,
        };
        CreditRule {
            entries: vec![
                e(Overdue, 5, 365),
                e(Circular, 10, 730),
                e(Interview, 10, 730),
                e(ListedSupervision, 25, 730),
                e(Referral, 10, 730),
                e(Fine, 40, 1095),
                e(CriminalTransfer, 60, 1825),
                e(OtherViolation, 10, 365),
            ],
            thresholds: [90, 75, 60],
            interval_days: [365, 180, 90, 30],
        }
    }
}

impl CreditRule {
    /// The rule of an entry kind (a kind missing from a stored rule deducts nothing, valid 1 year).
    pub fn entry(&self, kind: EntryKind) -> EntryRule {
        self.entries
            .iter()
            .copied()
            .find(|e| e.kind == kind)
            .unwrap_or(EntryRule {
                kind,
                points: 0,
                valid_days: 365,
            })
    }
    /// Score from the points of the entries in force: 100 minus their sum, at least 0.
    pub fn score(&self, deductions: impl IntoIterator<Item = i64>) -> i64 {
        (100 - deductions.into_iter().sum::<i64>()).max(0)
    }
    pub fn grade(&self, score: i64) -> Grade {
        let [a, b, c] = self.thresholds;
        if score >= a {
            Grade::A
        } else if score >= b {
            Grade::B
        } else if score >= c {
            Grade::C
        } else {
            Grade::D
        }
    }
    /// Days between inspections for a grade.
    pub fn interval_days(&self, grade: Grade) -> i64 {
        self.interval_days[grade as usize]
    }
    /// Checks a rule before it is stored: points 0–100, validity 1–3650 days, thresholds
    /// descending within 0–100, intervals 1–1095 days.
    pub fn validate(&self) -> Result<(), String> {
        for e in &self.entries {
            if !(0..=100).contains(&e.points) || !(1..=3650).contains(&e.valid_days) {
                return Err(format!(
                    "「{}」的扣分须在0至100之间，有效期1至3650日",
                    e.kind.label_zh()
                ));
            }
        }
        let [a, b, c] = self.thresholds;
        if !(a > b && b > c && c >= 0 && a <= 100) {
            return Err("等级分数线须满足 100 ≥ A > B > C ≥ 0".into());
        }
        if self.interval_days.iter().any(|d| !(1..=1095).contains(d)) {
            return Err("检查周期须在1至1095日之间".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_follow_the_default_rule() {
        let r = CreditRule::default();
        r.validate().unwrap();
        assert_eq!(r.grade(r.score([])), Grade::A);
        assert_eq!(r.grade(r.score([10, 5])), Grade::B);
        assert_eq!(r.grade(r.score([25, 10])), Grade::C);
        assert_eq!(r.grade(r.score([40, 25])), Grade::D);
        assert_eq!(r.score([60, 60]), 0);
        assert_eq!(r.interval_days(Grade::D), 30);
        let mut bad = r.clone();
        bad.thresholds = [50, 60, 10];
        assert!(bad.validate().is_err());
    }
}

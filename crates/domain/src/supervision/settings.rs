//! A bureau's supervision settings: document prefix, deadlines, ladder steps.

use serde::{Deserialize, Serialize};

use super::ladder::{HazardClass, Rung};

/// Default rectification deadlines in days per hazard class and kind of fix
/// (docs/REQUIREMENTS.md §b.3 [Proposed]: 7 days for paperwork or rules, 30 for equipment, up to 90 for
/// building works; a major hazard gets the equipment default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeadlineDefaults {
    /// Days for a general hazard, 1 to `max_days`.
    #[schema(minimum = 1, maximum = 365)]
    pub general_days: i64,
    /// Days for a major hazard, 1 to `max_days`.
    #[schema(minimum = 1, maximum = 365)]
    pub major_days: i64,
    /// The longest deadline an order may set, 1–365 days.
    #[schema(minimum = 1, maximum = 365)]
    pub max_days: i64,
}

impl Default for DeadlineDefaults {
    fn default() -> Self {
        DeadlineDefaults {
            general_days: 7,
            major_days: 30,
            max_days: 90,
        }
    }
}

impl DeadlineDefaults {
    pub fn days_for(&self, class: HazardClass) -> i64 {
        match class {
            HazardClass::General => self.general_days,
            HazardClass::Major => self.major_days,
        }
    }
}

/// A bureau's supervision settings (stored per issuing organisation; defaults otherwise).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SupervisionSettings {
    /// Number prefix, e.g. 西公; empty means [`default_prefix`] of the organisation's name.
    #[serde(default)]
    #[schema(max_length = 10)]
    pub doc_prefix: String,
    /// Department in the number, e.g. 内保.
    #[schema(max_length = 10)]
    pub doc_department: String,
    pub deadlines: DeadlineDefaults,
    /// Reminders before a deadline, in days (docs/REQUIREMENTS.md §b.3: D-7, D-3, D-1): at most 5,
    /// each 1–60 and different.
    #[schema(max_items = 5)]
    pub reminder_days: Vec<i64>,
    /// The ladder order (S10 Art 28 lets the committee use any rung; default 通报 → 约谈 →
    /// 挂牌督办 → 问题抄告, rungs may be skipped forward but not taken backwards).
    pub ladder: Vec<Rung>,
    pub credit: super::credit::CreditRule,
}

impl Default for SupervisionSettings {
    fn default() -> Self {
        SupervisionSettings {
            doc_prefix: String::new(),
            doc_department: "内保".into(),
            deadlines: DeadlineDefaults::default(),
            reminder_days: vec![7, 3, 1],
            ladder: Rung::DEFAULT_ORDER.to_vec(),
            credit: Default::default(),
        }
    }
}

impl SupervisionSettings {
    /// Checks settings before they are stored; the message is zh-CN.
    pub fn validate(&self) -> Result<(), String> {
        let short = |s: &str, n: usize| s.chars().count() <= n && crate::text::text_is_clean(s) && !s.contains('\n');
        if !short(&self.doc_prefix, 10) || !short(&self.doc_department, 10) {
            return Err("文号前缀和部门简称不超过10字".into());
        }
        let d = &self.deadlines;
        if !(1..=365).contains(&d.max_days) || !(1..=d.max_days).contains(&d.general_days) {
            return Err("整改期限须在1日至最长期限之间，最长期限不超过365日".into());
        }
        if !(1..=d.max_days).contains(&d.major_days) {
            return Err("整改期限须在1日至最长期限之间，最长期限不超过365日".into());
        }
        let mut days = std::collections::HashSet::new();
        if self.reminder_days.len() > 5
            || self
                .reminder_days
                .iter()
                .any(|x| !(1..=60).contains(x) || !days.insert(*x))
        {
            return Err("到期提醒最多5个，每个1至60日且不能重复".into());
        }
        let mut seen = std::collections::HashSet::new();
        if self.ladder.is_empty() || !self.ladder.iter().all(|r| seen.insert(*r)) {
            return Err("督办顺序不能为空且不能重复".into());
        }
        self.credit.validate()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_defaults_are_valid() {
        super::SupervisionSettings::default().validate().unwrap();
    }
}

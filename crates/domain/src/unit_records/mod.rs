//! A unit's own records as evidence beside inspection checklist items (issue 13: "the inspector
//! sees the evidence instead of ticking blind"). Each capability that keeps a unit's records
//! (rules, security staff, patrols, filings, video systems …) summarises them as
//! [`RecordLine`]s naming the checklist items they bear on by code (the stable codes of the
//! seeded checklists, `supervision::checklist::seed_items`: `Z6` rules, `P6` patrols …).
//! docs/SUPERVISION.md, "单位台账".

use serde::{Deserialize, Serialize};

/// One line of a unit's records, as the inspector reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecordLine {
    /// Codes of the checklist items it bears on (`Z6`, `P6` …); a checklist without those
    /// codes shows the line under 其他单位台账.
    pub items: Vec<String>,
    /// Which records (zh-CN: 治安保卫制度, 巡查记录 …).
    pub source: String,
    /// What they say, in one sentence (zh-CN), as of now.
    pub text: String,
    /// The page that shows the records themselves.
    pub href: String,
    /// Something the inspector should look at: a gap, an expiry, an overdue filing.
    pub attention: bool,
}

impl RecordLine {
    /// A line bearing on `items`.
    pub fn new(items: &[&str], source: &str, text: String, href: String, attention: bool) -> RecordLine {
        RecordLine {
            items: items.iter().map(|s| s.to_string()).collect(),
            source: source.to_string(),
            text,
            href,
            attention,
        }
    }

    /// Whether the line bears on checklist item `code`.
    pub fn bears_on(&self, code: &str) -> bool {
        self.items.iter().any(|c| c == code)
    }
}

/// A unit's records: every capability's lines, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitRecords {
    pub unit_id: String,
    pub lines: Vec<RecordLine>,
}

impl UnitRecords {
    /// The lines bearing on checklist item `code`.
    pub fn for_item(&self, code: &str) -> Vec<&RecordLine> {
        self.lines.iter().filter(|l| l.bears_on(code)).collect()
    }

    /// The lines bearing on none of `codes` (shown together after the checklist).
    pub fn unmatched<'a>(&'a self, codes: &[&str]) -> Vec<&'a RecordLine> {
        self.lines
            .iter()
            .filter(|l| !codes.iter().any(|c| l.bears_on(c)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_found_by_item_code() {
        let r = UnitRecords {
            unit_id: "u".into(),
            lines: vec![
                RecordLine::new(&["Z6"], "治安保卫制度", "9 项已覆盖 7 项".into(), "/x".into(), true),
                RecordLine::new(&["P6", "P5"], "巡查记录", "近30日巡查 12 次".into(), "/y".into(), false),
            ],
        };
        assert_eq!(r.for_item("Z6").len(), 1);
        assert_eq!(r.for_item("P5")[0].source, "巡查记录");
        assert!(r.for_item("T1").is_empty());
        assert_eq!(r.unmatched(&["Z6"]).len(), 1);
        assert!(r.unmatched(&["Z6", "P6"]).is_empty());
    }
}

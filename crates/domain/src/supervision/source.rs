//! The codes and names of [`HazardSource`] (where a hazard came from; docs/REQUIREMENTS.md §b.1
//! "sources"), apart from the ladder itself.

use super::ladder::HazardSource;

impl HazardSource {
    pub fn code(self) -> &'static str {
        match self {
            HazardSource::Inspection => "inspection",
            HazardSource::Alert => "alert",
            HazardSource::Assessment => "assessment",
            HazardSource::Report => "report",
            HazardSource::Drill => "drill",
        }
    }
    pub fn from_code(s: &str) -> Option<HazardSource> {
        [
            Self::Inspection,
            Self::Alert,
            Self::Assessment,
            Self::Report,
            Self::Drill,
        ]
        .into_iter()
        .find(|v| v.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            HazardSource::Inspection => "检查发现",
            HazardSource::Alert => "预警告警",
            HazardSource::Assessment => "安全评估",
            HazardSource::Report => "报告",
            HazardSource::Drill => "应急演练",
        }
    }
}

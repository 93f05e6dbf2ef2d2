//! What the drills capability stores and answers: drills, expected actions, steps, the
//! evaluation, the default actions of a scenario, masked names (docs/DRILLS.md; R18).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::emergency::Scenario;

/// One expected action of a drill, with its target time in minutes from the start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExpectedAction {
    /// 1, 2, … in the order planned.
    pub seq: i64,
    /// 动作名称 (1–30 characters), e.g. 报警、保安到场.
    pub label: String,
    /// 目标用时 (minutes from the start, 0–600).
    pub target_minutes: i64,
}

/// One step recorded while the drill ran (the server's time).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DrillStep {
    pub id: String,
    /// The expected action's `seq`.
    pub seq: i64,
    pub label: String,
    pub at: DateTime<Utc>,
    pub recorded_by: String,
    /// A photo of the step (attachment id), if any.
    pub photo_id: Option<String>,
}

/// A drill's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DrillState {
    /// 已计划.
    Planned,
    /// 进行中.
    Running,
    /// 已结束 (not yet evaluated).
    Finished,
    /// 已评估.
    Evaluated,
}

impl DrillState {
    pub fn code(self) -> &'static str {
        match self {
            DrillState::Planned => "planned",
            DrillState::Running => "running",
            DrillState::Finished => "finished",
            DrillState::Evaluated => "evaluated",
        }
    }
    pub fn from_code(s: &str) -> Option<DrillState> {
        [Self::Planned, Self::Running, Self::Finished, Self::Evaluated]
            .into_iter()
            .find(|x| x.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            DrillState::Planned => "已计划",
            DrillState::Running => "进行中",
            DrillState::Finished => "已结束待评估",
            DrillState::Evaluated => "已评估",
        }
    }
}

/// The score of one expected action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ActionScore {
    pub seq: i64,
    pub label: String,
    pub target_minutes: i64,
    /// Measured minutes from the start (one decimal); `None` when the step was not recorded.
    pub measured_minutes: Option<f64>,
    /// 0–100.
    pub score: i64,
}

/// A shortfall found in the evaluation, and the hazard opened for it (once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Shortfall {
    /// 1, 2, … in the order written.
    pub seq: i64,
    pub text: String,
    /// The hazard opened for it through the supervision capability, if any.
    pub hazard_id: Option<String>,
}

/// A drill's evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Evaluation {
    pub scores: Vec<ActionScore>,
    /// The mean of the action scores (0–100).
    pub overall: i64,
    pub strengths: Vec<String>,
    pub shortfalls: Vec<Shortfall>,
    pub evaluated_by: String,
    pub evaluated_at: DateTime<Utc>,
}

/// The people of a drill (encrypted at rest: names of people involved).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DrillPeople {
    /// 参演人员姓名.
    #[serde(default)]
    pub participants: Vec<String>,
    /// 观摩/评估人员.
    #[serde(default)]
    pub observers: Vec<String>,
    /// 参演民警 (the officer's name), when the police take part.
    #[serde(default)]
    pub police_officer: String,
}

/// A drill of a unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Drill {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub scenario: Scenario,
    /// The emergency plan it drills (an id of the plans capability), if any.
    pub plan_id: Option<String>,
    pub title: String,
    pub planned_at: DateTime<Utc>,
    pub participants_count: i64,
    /// Names masked (张*) for callers who do not manage the unit's drills.
    pub people: DrillPeople,
    /// The police station taking part (name), "" when the police do not take part.
    pub police_station: String,
    pub expected: Vec<ExpectedAction>,
    pub state: DrillState,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub steps: Vec<DrillStep>,
    pub evaluation: Option<Evaluation>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// Changes with every write.
    pub version: i64,
}

/// A drill to store (validated).
#[derive(Debug, Clone)]
pub struct NewDrill {
    pub id: String,
    pub unit_id: String,
    pub scenario: Scenario,
    pub plan_id: Option<String>,
    pub title: String,
    pub planned_at: DateTime<Utc>,
    pub participants_count: i64,
    pub people: DrillPeople,
    pub police_station: String,
    pub expected: Vec<ExpectedAction>,
    pub created_by: String,
    pub at: DateTime<Utc>,
}

/// The default expected actions of a scenario (labels, target minutes from the start).
pub fn default_actions(s: Scenario) -> Vec<ExpectedAction> {
    let rows: &[(&str, i64)] = match s {
        Scenario::Fire => &[
            ("报警", 1),
            ("保安到场", 3),
            ("初期灭火", 5),
            ("报告公安/消防", 3),
            ("疏散完成", 8),
        ],
        Scenario::PublicHealth => &[("报告", 2), ("隔离现场", 10), ("报告卫生部门", 15), ("疏散完成", 20)],
        Scenario::ExtremeWeather => &[("发布预警", 5), ("保安到岗", 15), ("转移人员", 30), ("检查完毕", 60)],
        _ => &[
            ("报警", 1),
            ("保安到场", 3),
            ("封控现场", 5),
            ("报告公安", 3),
            ("疏散完成", 10),
        ],
    };
    rows.iter()
        .enumerate()
        .map(|(i, (l, m))| ExpectedAction {
            seq: i as i64 + 1,
            label: l.to_string(),
            target_minutes: *m,
        })
        .collect()
}

/// Masks a person's name for display: the first character, then `*` for each other one.
pub fn mask_person(name: &str) -> String {
    let mut cs = name.chars();
    match cs.next() {
        Some(first) => std::iter::once(first).chain(cs.map(|_| '*')).collect(),
        None => String::new(),
    }
}

impl DrillPeople {
    /// The same people with every name masked.
    pub fn masked(&self) -> DrillPeople {
        DrillPeople {
            participants: self.participants.iter().map(|n| mask_person(n)).collect(),
            observers: self.observers.iter().map(|n| mask_person(n)).collect(),
            police_officer: mask_person(&self.police_officer),
        }
    }
}

/// A drill as listed for the police (recent drills in the jurisdiction).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DrillRow {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub scenario: Scenario,
    pub title: String,
    pub state: DrillState,
    pub planned_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub overall: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_masks() {
        for s in Scenario::ALL {
            let a = default_actions(s);
            assert!(!a.is_empty());
            assert_eq!(a[0].seq, 1);
        }
        assert_eq!(mask_person("张三丰"), "张**");
        assert_eq!(mask_person(""), "");
        for s in [
            DrillState::Planned,
            DrillState::Running,
            DrillState::Finished,
            DrillState::Evaluated,
        ] {
            assert_eq!(DrillState::from_code(s.code()), Some(s));
        }
    }
}

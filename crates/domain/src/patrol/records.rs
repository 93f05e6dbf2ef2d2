//! What the patrol capability stores and answers: routes, checkpoints, rounds, visits, and the
//! summary the inspection checklist shows (docs/PATROL.md; R12(3)).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::registry::ArmedPeriod;

/// One checkpoint of a route, in walking order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Checkpoint {
    pub id: String,
    pub route_id: String,
    /// Walking order, 1, 2, … within the route.
    pub seq: i64,
    /// 巡查点名称 (1–50 characters), e.g. 东门岗亭.
    pub name: String,
    /// 位置说明 (at most 100 characters), e.g. 一号楼北侧配电房门口.
    pub location: String,
    /// The id written on the checkpoint's NFC or QR tag (1–64 characters of letters, digits,
    /// `-`, `_`, `.`, `:`), unique within the unit.
    pub tag: String,
}

/// A patrol route of a unit with its checkpoints and weekly schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PatrolRoute {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    /// 路线名称 (1–50 characters).
    pub name: String,
    /// 说明 (at most 500 characters): the key areas it covers, what to look at.
    pub note: String,
    /// The rounds: each period is the allowed start window (Beijing time) of one round on the
    /// listed weekdays; empty: rounds walked when needed, none expected.
    pub schedule: Vec<ArmedPeriod>,
    /// 单次最长用时 (minutes, 5–720): a round finished later is marked 超时.
    pub max_minutes: i64,
    /// Changes with every update (stale → 409).
    pub version: i64,
    pub checkpoints: Vec<Checkpoint>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A checkpoint as typed in a route form (`id` keeps an existing checkpoint's id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CheckpointDraft {
    /// The id of an existing checkpoint of the route to keep; absent for a new one.
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub location: String,
    pub tag: String,
}

/// A route to store (validated by the service).
#[derive(Debug, Clone)]
pub struct NewRoute {
    pub id: String,
    pub unit_id: String,
    pub name: String,
    pub note: String,
    pub schedule: Vec<ArmedPeriod>,
    pub max_minutes: i64,
    /// In walking order; ids filled in (kept or new).
    pub checkpoints: Vec<CheckpointDraft>,
    pub at: DateTime<Utc>,
}

/// A checkpoint expected in a round (copied from the route when the round starts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExpectedCheckpoint {
    pub id: String,
    pub seq: i64,
    pub name: String,
    pub tag: String,
}

/// One checkpoint visited in a round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Visit {
    pub id: String,
    pub round_id: String,
    pub checkpoint_id: String,
    pub checkpoint_name: String,
    pub visited_at: DateTime<Utc>,
    /// `scan` (the tag id was read or typed) or `tap` (the guard tapped the checkpoint).
    pub method: String,
    /// A photo taken there (attachment id), if any.
    pub photo_id: Option<String>,
}

/// A round's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundState {
    /// 进行中.
    InProgress,
    /// 已完成.
    Finished,
}

impl RoundState {
    /// Stable code, as stored in `patrol_rounds.state` and in the API.
    pub fn code(self) -> &'static str {
        match self {
            RoundState::InProgress => "in_progress",
            RoundState::Finished => "finished",
        }
    }
    /// Parses [`RoundState::code`]; `None` for anything else.
    pub fn from_code(s: &str) -> Option<RoundState> {
        match s {
            "in_progress" => Some(RoundState::InProgress),
            "finished" => Some(RoundState::Finished),
            _ => None,
        }
    }
    /// What a person reads: 进行中 / 已完成.
    pub fn label_zh(self) -> &'static str {
        match self {
            RoundState::InProgress => "进行中",
            RoundState::Finished => "已完成",
        }
    }
}

/// One round of a route walked by a guard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PatrolRound {
    pub id: String,
    pub route_id: String,
    pub unit_id: String,
    pub route_name: String,
    /// The account that walked it and its display name.
    pub guard_id: String,
    pub guard_name: String,
    pub state: RoundState,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The route's checkpoints when the round started, in walking order.
    pub expected: Vec<ExpectedCheckpoint>,
    /// The visits, in the order they were recorded.
    pub visits: Vec<Visit>,
    /// The route's longest allowed time (minutes) when the round started.
    pub max_minutes: i64,
}

impl PatrolRound {
    /// The expected checkpoints not visited (in walking order).
    pub fn missed(&self) -> Vec<&ExpectedCheckpoint> {
        self.expected
            .iter()
            .filter(|c| !self.visits.iter().any(|v| v.checkpoint_id == c.id))
            .collect()
    }

    /// Whether the round took (or, unfinished, has taken by `now`) longer than allowed.
    pub fn overtime(&self, now: DateTime<Utc>) -> bool {
        let end = self.finished_at.unwrap_or(now);
        (end - self.started_at).num_minutes() > self.max_minutes
    }
}

/// A round to store.
#[derive(Debug, Clone)]
pub struct NewRound {
    pub id: String,
    pub route_id: String,
    pub guard_id: String,
    pub guard_name: String,
    pub at: DateTime<Utc>,
}

/// A visit to store.
#[derive(Debug, Clone)]
pub struct NewVisit {
    pub id: String,
    pub round_id: String,
    pub checkpoint_id: String,
    pub method: String,
    pub photo_id: Option<String>,
    pub at: DateTime<Utc>,
}

/// A unit's patrol record for the inspection checklist: its routes, the rounds of the last 30
/// days, how many were complete, and the misses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PatrolSummary {
    pub unit_id: String,
    pub routes: i64,
    pub checkpoints: i64,
    /// Rounds started in the last 30 days.
    pub rounds: i64,
    /// Of those, finished with every checkpoint visited.
    pub complete_rounds: i64,
    /// `complete_rounds / rounds` in percent (0–100); `None` without rounds.
    pub completion_percent: Option<i64>,
    /// Checkpoints missed in finished rounds of the last 30 days.
    pub missed_checkpoints: i64,
    /// Scheduled rounds not started in their window in the last 30 days.
    pub late_rounds: i64,
    /// The last round started, if any.
    pub last_round_at: Option<DateTime<Utc>>,
}

/// How many days the summary looks back.
pub const SUMMARY_DAYS: i64 = 30;

/// A miss: a checkpoint not visited in a finished round, or a scheduled round not started in its
/// window. Recorded once per `key` (a replayed finish or a job run again records nothing new).
#[derive(Debug, Clone, PartialEq)]
pub struct PatrolMiss {
    /// `checkpoint:<round id>:<checkpoint id>` or `late:<route id>:<window start ms>`.
    pub key: String,
    pub unit_id: String,
    pub route_id: String,
    pub round_id: Option<String>,
    /// `checkpoint_missed` or `round_late`.
    pub kind: &'static str,
    pub at: DateTime<Utc>,
    /// What a person reads (zh-CN), e.g. 东门岗亭（12-07 08:00 开始的巡查）.
    pub detail: String,
}

/// The kinds of [`PatrolMiss`].
pub const MISS_CHECKPOINT: &str = "checkpoint_missed";
pub const MISS_LATE: &str = "round_late";

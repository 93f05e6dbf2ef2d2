//! Scheduled work (the durable scheduler's rows): deadlines, reminders, escalations, sweeps.

use chrono::{DateTime, Utc};

/// Scheduled work to do at `due_at` (a deadline, a reminder, an escalation step).
#[derive(Debug, Clone)]
pub struct NewJob {
    /// What to do, e.g. `rectification_deadline`.
    pub kind: String,
    /// What it is about (a hazard id, an alert id).
    pub subject_id: String,
    pub due_at: DateTime<Utc>,
    pub payload: serde_json::Value,
}

/// A claimed job.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub subject_id: String,
    pub due_at: DateTime<Utc>,
    pub payload: serde_json::Value,
    /// How many times it was claimed (more than 1 after a node died holding it).
    pub attempts: i64,
}

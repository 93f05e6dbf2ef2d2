//! Scheduled work (the durable scheduler's rows): deadlines, reminders, escalations, sweeps.
//! A shared kernel: every kind of job is one [`JobKind`], written by the store and handled by the
//! engine (each capability registers the handlers of its kinds).

use chrono::{DateTime, Utc};

/// Every kind of scheduled job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// A hazard's rectification deadline (payload `{"deadline": ms}`).
    HazardDeadline,
    /// A reminder before a hazard's deadline (payload `{"deadline": ms, "days": n}`).
    HazardReminder,
    /// The next step of an unacknowledged alert up the police tree (payload `{"level": n}`).
    AlertEscalate,
    /// Fan-out of a new or escalated alert to the inbox and the notification channels.
    AlertNotify,
    /// The daily retention sweep.
    RetentionSweep,
    /// The hourly sweep of idempotency keys older than a day (`crate::idempotency`).
    IdempotencySweep,
    /// Delivery of a document just issued to its addressee: the inbox of the unit's (or the
    /// competent department's) accounts and their own notification channels (written with the
    /// document, in its transaction; subject: the document id).
    DocumentNotify,
    /// The annual review reminder of one rules version (docs/RULEBOOK.md): due on the day the
    /// version becomes 待复审 (publication + 366 days); sends the unit one notice if it is still
    /// the current version (subject: the version id).
    RulebookReview,
    /// The end of one scheduled patrol round's start window (docs/PATROL.md; R12(3)): if no round
    /// of the route started in the window, a `patrol.round_late` event enters the pipeline; the
    /// next window's check is scheduled (subject: the route id; payload `{"start": ms}`).
    PatrolWindow,
    /// A round's longest time passed (docs/PATROL.md; R12(3)): due `max_minutes` after the round
    /// started; if it is still in progress, a `patrol.round_late` event (overtime) enters the
    /// pipeline (subject: the round id).
    PatrolOvertime,
    /// The expiry reminder of a training certificate (docs/SECURITY-STAFF.md, R58): due 30 days
    /// before the certificate expires; sends the unit one notice if the record's member is still
    /// on the roster (subject: the training record id).
    CertificateExpiry,
    /// The reminder of a filing due in [`crate::filings::REMIND_DAYS_BEFORE`] days
    /// (docs/FILINGS.md): sends the unit one notice if the filing is not yet submitted
    /// (subject: the filing id).
    FilingReminder,
    /// A filing's due date passed (due at 00:00 Beijing time on the day after the due date):
    /// if it is still not submitted, the unit gets an overdue notice; it is on the police
    /// overdue list (subject: the filing id).
    FilingOverdue,
    /// A protective-equipment item reached its expiry date (docs/EQUIPMENT.md, R35): due at 00:00
    /// Beijing time on the day after it; the item's post is flagged and the unit gets one notice
    /// (subject: the item id; payload `{"expires_on": "YYYY-MM-DD"}`).
    EquipmentExpiry,
    /// The reminder of a drill obligation (docs/DRILLS.md): due 30 days before a period ends;
    /// sends each obligated unit without a drill in the period one notice (subject: the rule
    /// code; payload `{"start": date, "end": date}`).
    DrillReminder,
    /// A drill obligation's period ended (due 00:00 Beijing time the day after): each obligated
    /// unit without a drill in the period is recorded overdue (the police list) and notified; the
    /// next period's jobs are scheduled (subject: the rule code; payload as the reminder).
    DrillOverdue,
    /// The planned end of a protection-level order (docs/PROTECTION-LEVELS.md; R46 ¶4): ends the
    /// order if it is still active and its planned end is still this one (payload
    /// `{"ends_at": ms}`; an extension schedules its own; subject: the order id).
    ProtectionLevelEnd,
    /// A bulletin's acknowledgement deadline (docs/BULLETINS.md; the Opinions Part 3): each
    /// recipient unit that has not acknowledged gets one reminder and is listed as overdue
    /// (subject: the bulletin id).
    BulletinDeadline,
    /// A private-enterprise request's response deadline (docs/ENTERPRISE-REQUESTS.md; seed
    /// highlight 6): due at the deadline; marks the request overdue if it is still open and tells
    /// the station (subject: the request id).
    EnterpriseRequestDeadline,
    /// A credit objection's review deadline (docs/CREDIT.md; R30): due at the deadline; marks
    /// the objection overdue if it is still pending and reminds the reviewing police (subject:
    /// the objection id).
    CreditObjectionDeadline,
}

impl JobKind {
    pub const ALL: [JobKind; 20] = [
        JobKind::HazardDeadline,
        JobKind::HazardReminder,
        JobKind::AlertEscalate,
        JobKind::AlertNotify,
        JobKind::RetentionSweep,
        JobKind::IdempotencySweep,
        JobKind::DocumentNotify,
        JobKind::RulebookReview,
        JobKind::PatrolWindow,
        JobKind::PatrolOvertime,
        JobKind::CertificateExpiry,
        JobKind::FilingReminder,
        JobKind::FilingOverdue,
        JobKind::EquipmentExpiry,
        JobKind::DrillReminder,
        JobKind::DrillOverdue,
        JobKind::ProtectionLevelEnd,
        JobKind::BulletinDeadline,
        JobKind::EnterpriseRequestDeadline,
        JobKind::CreditObjectionDeadline,
    ];

    /// Stable code, as stored in `scheduled_jobs.kind`.
    pub fn code(self) -> &'static str {
        match self {
            JobKind::HazardDeadline => "hazard.deadline",
            JobKind::HazardReminder => "hazard.reminder",
            JobKind::AlertEscalate => "alert.escalate",
            JobKind::AlertNotify => "alert.notify",
            JobKind::RetentionSweep => "retention.sweep",
            JobKind::IdempotencySweep => "idempotency.sweep",
            JobKind::DocumentNotify => "document.notify",
            JobKind::RulebookReview => "rulebook.review",
            JobKind::PatrolWindow => "patrol.window",
            JobKind::PatrolOvertime => "patrol.overtime",
            JobKind::CertificateExpiry => "security_staff.certificate_expiry",
            JobKind::FilingReminder => "filing.reminder",
            JobKind::FilingOverdue => "filing.overdue",
            JobKind::EquipmentExpiry => "equipment.expiry",
            JobKind::DrillReminder => "drill.reminder",
            JobKind::DrillOverdue => "drill.overdue",
            JobKind::ProtectionLevelEnd => "protection_level.end",
            JobKind::BulletinDeadline => "bulletin.deadline",
            JobKind::EnterpriseRequestDeadline => "enterprise_request.deadline",
            JobKind::CreditObjectionDeadline => "credit_objection.deadline",
        }
    }

    pub fn from_code(s: &str) -> Option<JobKind> {
        JobKind::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// Scheduled work to do at `due_at` (a deadline, a reminder, an escalation step).
#[derive(Debug, Clone)]
pub struct NewJob {
    /// What to do.
    pub kind: JobKind,
    /// What it is about (a hazard id, an alert id).
    pub subject_id: String,
    pub due_at: DateTime<Utc>,
    pub payload: serde_json::Value,
}

/// A claimed job.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: String,
    pub kind: JobKind,
    pub subject_id: String,
    pub due_at: DateTime<Utc>,
    pub payload: serde_json::Value,
    /// How many times it was claimed (more than 1 after a node died holding it).
    pub attempts: i64,
}

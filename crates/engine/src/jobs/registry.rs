//! Which capability handles which kind of job: one line per capability. A kind without a handler
//! here fails the engine's test below and the application's test of the wired scheduler.

use neibao_domain::jobs::JobKind;

use super::scheduler::{Handler, Scheduler};
use crate::services::Services;

/// Every job handler of every capability.
pub fn handlers(services: &Services) -> Vec<(JobKind, Handler)> {
    let store = services.store().clone();
    let public_url = services.notifications.ctx.config.public_url.clone();
    vec![
        (JobKind::AlertEscalate, services.alerts.escalation_handler()),
        (JobKind::AlertNotify, services.notifications.fanout_handler()),
        (
            JobKind::RetentionSweep,
            crate::privacy::jobs::retention_handler(services.privacy.clone()),
        ),
        (
            JobKind::HazardDeadline,
            crate::supervision::deadlines::deadline_handler(store.clone()),
        ),
        (
            JobKind::HazardReminder,
            crate::supervision::deadlines::reminder_handler(store.clone(), public_url.clone()),
        ),
        (
            JobKind::DocumentNotify,
            crate::documents::delivery::handler(store.clone(), public_url.clone()),
        ),
        (
            JobKind::FilingReminder,
            crate::filings::deadlines::reminder_handler(store.clone(), public_url.clone()),
        ),
        (
            JobKind::FilingOverdue,
            crate::filings::deadlines::overdue_handler(store.clone(), public_url.clone()),
        ),
        (
            JobKind::DrillReminder,
            crate::drills::obligations::reminder_handler(store.clone(), public_url.clone()),
        ),
        (
            JobKind::DrillOverdue,
            crate::drills::obligations::overdue_handler(store.clone(), public_url.clone()),
        ),
        (
            JobKind::RulebookReview,
            crate::rulebook::review::review_handler(store, public_url),
        ),
        (
            JobKind::IdempotencySweep,
            crate::idempotency::jobs::sweep_handler(services.idempotency.clone()),
        ),
        (
            JobKind::PatrolWindow,
            crate::patrol::misses::window_handler(services.patrol.ctx.clone()),
        ),
        (
            JobKind::PatrolOvertime,
            crate::patrol::misses::overtime_handler(services.patrol.ctx.clone()),
        ),
        (
            JobKind::EquipmentExpiry,
            crate::equipment::flags::expiry_handler(
                services.store().clone(),
                services.notifications.ctx.config.public_url.clone(),
            ),
        ),
        (
            JobKind::CertificateExpiry,
            crate::security_staff::expiry::expiry_handler(
                services.store().clone(),
                services.notifications.ctx.config.public_url.clone(),
            ),
        ),
        (
            JobKind::ProtectionLevelEnd,
            crate::protection_levels::end::end_handler(services.protection_levels.ctx.clone()),
        ),
        (
            JobKind::BulletinDeadline,
            crate::bulletins::deadline::deadline_handler(services.bulletins.ctx.clone()),
        ),
        (
            JobKind::EnterpriseRequestDeadline,
            crate::enterprise_requests::deadline::deadline_handler(services.enterprise_requests.ctx.clone()),
        ),
        (
            JobKind::CreditObjectionDeadline,
            crate::credit::deadline::deadline_handler(services.credit.ctx.clone()),
        ),
    ]
}

/// A scheduler for `node` with every handler registered; `lease` is how long a claim holds.
pub fn scheduler(services: &Services, node: &str, lease: chrono::Duration) -> Scheduler {
    handlers(services)
        .into_iter()
        .fold(Scheduler::new(services.store().clone(), node, lease), |s, (kind, h)| {
            s.handle(kind, h)
        })
}

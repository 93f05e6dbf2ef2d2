//! [`AlertService`]: Alerts: lists, lifecycle, statistics, escalation policy, built-in rule settings.

use crate::context::Ctx;

/// Alerts: lists, lifecycle, statistics, escalation policy, built-in rule settings.
#[derive(Clone)]
pub struct AlertService {
    #[allow(dead_code)] // until the capability's handlers move here
    pub(crate) ctx: Ctx,
}

impl AlertService {
    pub fn new(ctx: Ctx) -> AlertService {
        AlertService { ctx }
    }
}

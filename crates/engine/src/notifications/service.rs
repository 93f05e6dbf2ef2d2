//! [`NotificationService`]: Notification channels, deliveries and the in-app inbox.

use crate::context::Ctx;

/// Notification channels, deliveries and the in-app inbox.
#[derive(Clone)]
pub struct NotificationService {
    #[allow(dead_code)] // until the capability's handlers move here
    pub(crate) ctx: Ctx,
}

impl NotificationService {
    pub fn new(ctx: Ctx) -> NotificationService {
        NotificationService { ctx }
    }
}

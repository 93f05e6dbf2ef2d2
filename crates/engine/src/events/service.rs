//! [`EventService`]: Events as stored: lists, details, the purpose-logged raw payload.

use crate::context::Ctx;

/// Events as stored: lists, details, the purpose-logged raw payload.
#[derive(Clone)]
pub struct EventService {
    #[allow(dead_code)] // until the capability's handlers move here
    pub(crate) ctx: Ctx,
}

impl EventService {
    pub fn new(ctx: Ctx) -> EventService {
        EventService { ctx }
    }
}

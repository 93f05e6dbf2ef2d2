//! [`IntakeService`]: The one device intake path: HTTP push, MQTT and pull streams all end here.

use crate::context::Ctx;

/// The one device intake path: HTTP push, MQTT and pull streams all end here.
#[derive(Clone)]
pub struct IntakeService {
    #[allow(dead_code)] // until the capability's handlers move here
    pub(crate) ctx: Ctx,
}

impl IntakeService {
    pub fn new(ctx: Ctx) -> IntakeService {
        IntakeService { ctx }
    }
}

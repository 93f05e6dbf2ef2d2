//! [`DeviceService`]: Devices: registration, ingest tokens, health.

use crate::context::Ctx;

/// Devices: registration, ingest tokens, health.
#[derive(Clone)]
pub struct DeviceService {
    #[allow(dead_code)] // until the capability's handlers move here
    pub(crate) ctx: Ctx,
}

impl DeviceService {
    pub fn new(ctx: Ctx) -> DeviceService {
        DeviceService { ctx }
    }
}

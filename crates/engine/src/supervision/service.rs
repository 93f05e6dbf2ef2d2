//! [`SupervisionService`]: Supervision: checklists, campaigns, inspections, hazards and the ladder, credit.

use crate::context::Ctx;

/// Supervision: checklists, campaigns, inspections, hazards and the ladder, credit.
#[derive(Clone)]
pub struct SupervisionService {
    #[allow(dead_code)] // until the capability's handlers move here
    pub(crate) ctx: Ctx,
}

impl SupervisionService {
    pub fn new(ctx: Ctx) -> SupervisionService {
        SupervisionService { ctx }
    }
}

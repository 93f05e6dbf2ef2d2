//! [`WarningService`]: Early warning as data: rules, backtests, suppression windows.

use crate::context::Ctx;

/// Early warning as data: rules, backtests, suppression windows.
#[derive(Clone)]
pub struct WarningService {
    #[allow(dead_code)] // until the capability's handlers move here
    pub(crate) ctx: Ctx,
}

impl WarningService {
    pub fn new(ctx: Ctx) -> WarningService {
        WarningService { ctx }
    }
}

//! [`RegistryService`]: Registry: divisions, organisations, units, key areas, responsible persons.

use crate::context::Ctx;

/// Registry: divisions, organisations, units, key areas, responsible persons.
#[derive(Clone)]
pub struct RegistryService {
    #[allow(dead_code)] // until the capability's handlers move here
    pub(crate) ctx: Ctx,
}

impl RegistryService {
    pub fn new(ctx: Ctx) -> RegistryService {
        RegistryService { ctx }
    }
}

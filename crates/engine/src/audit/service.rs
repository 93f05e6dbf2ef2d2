//! [`AuditService`]: The audit log: reading it inside a scope, verifying its chain.

use crate::context::Ctx;

/// The audit log: reading it inside a scope, verifying its chain.
#[derive(Clone)]
pub struct AuditService {
    #[allow(dead_code)] // until the capability's handlers move here
    pub(crate) ctx: Ctx,
}

impl AuditService {
    pub fn new(ctx: Ctx) -> AuditService {
        AuditService { ctx }
    }
}

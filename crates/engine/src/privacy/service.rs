//! [`PrivacyService`]: Privacy: purpose-logged reads of personal data, retention, legal holds.

use crate::context::Ctx;

/// Privacy: purpose-logged reads of personal data, retention, legal holds.
#[derive(Clone)]
pub struct PrivacyService {
    #[allow(dead_code)] // until the capability's handlers move here
    pub(crate) ctx: Ctx,
}

impl PrivacyService {
    pub fn new(ctx: Ctx) -> PrivacyService {
        PrivacyService { ctx }
    }
}

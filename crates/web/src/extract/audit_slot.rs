//! Who made a request, as the authentication layer learned it, for the audit row of a refused
//! attempt (see `crate::audit`).

use std::sync::{Arc, Mutex};

use axum::http::request::Parts;
use neibao_domain::accounts::User;

/// Request extension shared by the audit middleware and the authentication layer: the caller's
/// user id and name, once known.
#[derive(Debug, Clone, Default)]
pub struct AuditSlot(pub(crate) Arc<Mutex<Option<(String, String)>>>);

impl AuditSlot {
    /// The caller noted by the authentication layer, if the request got that far.
    pub fn actor(&self) -> Option<(String, String)> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Called by the authentication layer once it knows the caller.
pub fn note_actor(parts: &Parts, user: &User) {
    if let Some(slot) = parts.extensions.get::<AuditSlot>() {
        *slot.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((user.id.clone(), user.username.clone()));
    }
}

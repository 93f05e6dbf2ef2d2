//! What the authentication layer and the handler learned about a request, for the audit row of a
//! refused attempt (see `crate::audit`).

use std::sync::{Arc, Mutex};

use axum::http::request::Parts;
use neibao_domain::accounts::User;

/// What the authentication layer and the handler learned about a request, for its audit row.
#[derive(Debug, Default)]
pub(crate) struct Noted {
    pub(crate) actor: Option<(String, String)>,
    pub(crate) object_id: Option<String>,
    pub(crate) unit_id: Option<String>,
}

/// Request extension shared by [`audit_changes`], the authentication layer and handlers.
#[derive(Debug, Clone, Default)]
pub struct AuditSlot(pub(crate) Arc<Mutex<Noted>>);

impl AuditSlot {
    /// Notes the id of the object a handler created (its id is not in the path) and its unit.
    pub fn object(&self, id: &str, unit_id: Option<&str>) {
        let mut n = self.0.lock().unwrap_or_else(|e| e.into_inner());
        n.object_id = Some(id.to_string());
        n.unit_id = unit_id.map(str::to_string);
    }
}

/// Called by the authentication layer once it knows the caller.
pub fn note_actor(parts: &Parts, user: &User) {
    if let Some(slot) = parts.extensions.get::<AuditSlot>() {
        slot.0.lock().unwrap_or_else(|e| e.into_inner()).actor = Some((user.id.clone(), user.username.clone()));
    }
}

//! Filter of the audit log listing.

/// Filter of the audit log listing.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Action code prefix, e.g. `person.` or `PUT `.
    pub action: Option<String>,
    pub actor: Option<String>,
    pub object_id: Option<String>,
}

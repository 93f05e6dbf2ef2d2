//! Access scopes: the jurisdiction a principal sees, turned by the store into a SQL filter that
//! every query on units (and on everything that belongs to a unit) applies. Objects outside the
//! scope are reported as not found (docs/DESIGN.md §1, "deny by default"). Security-sensitive.

/// What a user may see. Each variant becomes a filter on `units`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Everything (system administrator).
    All,
    /// Units whose division code starts with the prefix (province / city / county police).
    Division { prefix: String },
    /// Units assigned to one police station (organisation id).
    Station { org_id: String },
    /// Units whose competent department is this organisation.
    Department { org_id: String },
    /// One unit (unit security manager, guard).
    Unit { unit_id: String },
    /// The units assigned to this third-party assessment organisation in assessment campaigns
    /// (a 第三方评估人员). Only the assessment capability reaches them (`push_assessment_scope`);
    /// every other query reads nothing, as with [`Scope::Nothing`] (docs/ASSESSMENT.md
    /// "Third-party assessors").
    Assessor { org_id: String },
    /// Nothing (misconfigured account): deny by default.
    Nothing,
}

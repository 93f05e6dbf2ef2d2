//! Organisation tree administration (组织机构管理): administrators create police organisations
//! and competent departments, rename them, move them under another parent, merge one into
//! another of the same kind and close them, inside their own jurisdiction (a city bureau's
//! administrator inside the city), each change with an optimistic version, a history row and an
//! audit entry (docs/ORGANISATIONS.md). Security-sensitive.

mod input;
mod service;

pub use input::{NewOrganisation, OrgClose, OrgEdit, OrgMerge, OrgMove, TreeNode};
pub use service::OrganisationService;

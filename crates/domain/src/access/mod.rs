//! Access: roles, scopes, the principal of a request, and the one policy table of permissions.
//! Security-sensitive.

mod permission;
mod principal;
mod role;
mod scope;

pub use permission::*;
pub use principal::*;
pub use role::*;
pub use scope::*;

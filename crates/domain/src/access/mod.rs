//! Access: roles, scopes, the principal of a request, permissions and the one policy table.
//! Security-sensitive.

mod scope;

pub use scope::*;

//! Account administration (账号管理): administrators create accounts with a role and a node of
//! the jurisdiction tree, change, move, disable and enable them and reset their passwords,
//! inside their own jurisdiction (a city bureau's administrator inside the city). Every change
//! is audited. Security-sensitive.

mod service;

pub use service::{AccountEdit, CreatedAccount, NewAccount, UserService};

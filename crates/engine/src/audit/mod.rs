//! The audit log: reading it inside a scope, verifying its chain.

mod service;

pub use service::AuditService;

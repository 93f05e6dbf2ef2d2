//! Private-enterprise requests (民营企业诉求, docs/ENTERPRISE-REQUESTS.md; seed highlight 6): a
//! private enterprise's request to the police, routed to its station, with a response deadline
//! (the `enterprise_request.deadline` job marks it overdue), a handler, replies both ways,
//! closure and the enterprise's rating.

pub mod deadline;
mod files;
mod service;

pub use files::MAX_FILES;
pub use service::{EnterpriseRequestService, FileInput};

//! The dashboard of a scope (figures cached briefly).

mod service;

pub use service::DashboardService;

//! Universities as first-class units (docs/UNIVERSITIES.md; R39, R84–R88).

mod service;

pub use service::*;

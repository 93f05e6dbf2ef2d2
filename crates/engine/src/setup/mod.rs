//! First-run setup (初始设置): an installation without `--demo` is given the division it serves,
//! its top police organisation and its first administrator's own account (docs/SETUP.md).

mod service;

pub use service::{served_division, SetupDone, SetupService};

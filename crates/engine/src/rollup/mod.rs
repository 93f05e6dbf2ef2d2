//! The 平安建设 roll-up (docs/ROLLUP.md; R3, R24, R31): per division (province → city → county →
//! police station → unit) and per sector (competent department → unit), for a chosen period,
//! the units, key units, hazards, filings on time, alert acknowledgement times and credit
//! grades — on a page, through the API and as an `.xlsx` in the shape of a 平安建设 assessment
//! submission (one row per county or sector). Every figure is read inside the caller's scope.

mod export;
mod service;

pub use service::{Rollup, RollupInput, RollupService};

//! The 平安建设 roll-up (docs/ROLLUP.md; docs/REQUIREMENTS.md R3: government and 平安办 views
//! aggregated by division and sector with exports for assessment; R31: internal-security
//! performance feeds the 平安建设 assessment; R24: response times of alarm handling).
//!
//! The store reads one [`UnitFigures`] per unit in the caller's scope (additive counts for the
//! period, the unit's acknowledgement times and its credit deductions at the period's end); this
//! module groups them into [`RollupRow`]s — by division (province → city → county → police
//! station → unit) or by sector (competent department → unit) — so that a row is by
//! construction the sum of the units under it. The figures a row carries and the columns of the
//! page and the `.xlsx` are in `figures.rs`: **the one place** where further columns (the
//! assessment's coverage, mean score and grade distribution) are added.

mod figures;
mod group;
mod period;

pub use figures::{
    AssessmentGradeCounts, Cell, Column, Figures, GradeCounts, UnitFigures, ASSESSMENT_CYCLE_MS, COLUMNS,
};
pub use group::{group, key_of, start_level, Drill, GroupBy, Level, RollupRow, NO_STATION};
pub use period::{Period, MAX_PERIOD_DAYS};

//! 平安单位 titles and the honours block (docs/HONOURS.md; the Opinions Part 5; S10 Art 29, R29):
//! the unit applies for a year; county-level and higher police grant or refuse on the unit's
//! record — the block computed from the ladder, open listed-supervision cases, major cases and
//! (after the assessment merge) the assessment result — and revoke on a major case.

pub mod service;

pub use service::{HonoursService, HonoursStanding};

//! The unit's written security rules (单位内部治安保卫制度, docs/RULEBOOK.md; Decree 421 Art 8
//! and 12, R9 and R13): versions per subject, 不适用, completeness, staff acknowledgements, and
//! the annual review reminder (`rulebook.review`, in `review.rs`).

mod pdf;
mod records;
pub mod review;
mod service;

pub use pdf::is_pdf;
pub use service::{Overview, RulebookService, VersionDraft};

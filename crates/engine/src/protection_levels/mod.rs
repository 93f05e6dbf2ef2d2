//! Protection levels (防范等级, docs/PROTECTION-LEVELS.md; R46 ¶4): the police's orders raising the
//! level of the units of a jurisdiction for a period, the notices to the units, their
//! acknowledgements and measures, and the planned end (`protection_level.end`, in `end.rs`).

pub mod end;
mod notify;
mod service;

pub use service::{ChangeDraft, MeasureInput, OrderDraft, ProtectionLevelService};

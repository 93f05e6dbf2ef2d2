//! Patrols (巡查, docs/PATROL.md; Decree 421 Art 11(3) and Art 12: the unit keeps up its internal
//! patrols and records them; docs/REQUIREMENTS.md R12(3)): a unit's patrol routes with their
//! ordered checkpoints (NFC/QR tag ids) and weekly schedule, the rounds its guards walk, and the
//! pure rules that find a missed checkpoint or a round not started in its window.

mod records;
mod schedule;

pub use records::*;
pub use schedule::*;

//! The unit's written security rules (单位内部治安保卫制度): one slot per subject of Decree 421
//! Art 8 (nine), each a list of versions (typed text with approval and publication dates), the
//! completeness of a unit's rules, the annual review and staff acknowledgements (docs/RULEBOOK.md;
//! docs/REQUIREMENTS.md R9, R13).

mod records;
mod subject;

pub use records::*;
pub use subject::*;

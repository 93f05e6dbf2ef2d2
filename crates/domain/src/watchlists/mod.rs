//! Watchlists (布控, docs/WATCHLISTS.md; R64, R65, R76) and the personal-information protection
//! impact assessment that gates them (个人信息保护影响评估, PIA; R61, R62, R69): lists of plates
//! and face subjects owned by a police organ or a unit, the pure rules they are kept by, and the
//! in-memory index that matches an event against every list in O(1).

mod index;
mod records;
mod rules;

pub use index::*;
pub use records::*;
pub use rules::*;

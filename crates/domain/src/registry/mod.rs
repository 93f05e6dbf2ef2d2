//! Registry (docs/REQUIREMENTS.md R1–R5, R15): organisations and divisions, units, key areas,
//! responsible persons.

mod division;
mod lifecycle;
mod organisation;
mod person;
mod unit;
mod unit_kind;
mod unit_set;

pub use division::*;
pub use lifecycle::*;
pub use organisation::*;
pub use person::*;
pub use unit::*;
pub use unit_kind::*;
pub use unit_set::*;

//! Registry: divisions, organisations, units, key areas, responsible persons, armed schedules,
//! the per-unit settings of the built-in rules.

mod divisions;
mod input;
mod service;
mod validate;

pub use divisions::{describe_change, load_table, DivisionDetail, DivisionLoadReport, DivisionTableInput};
pub use input::{KeyAreaInput, PersonInput, RuleInput, RuleParams, UnitInput};
pub use service::{RegistryService, UnitOverview};
pub use validate::{text_block, text_field};

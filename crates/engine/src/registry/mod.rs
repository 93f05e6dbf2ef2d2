//! Registry: divisions, organisations, units, key areas, responsible persons, armed schedules,
//! the per-unit settings of the built-in rules.

mod divisions;
mod input;
mod lifecycle;
mod persons;
mod service;
mod validate;

pub use divisions::{describe_change, load_table, DivisionDetail, DivisionLoadReport, DivisionTableInput};
pub use input::{
    KeyAreaInput, KeyAreaUpdate, MoveUnitInput, PersonInput, PersonUpdate, RuleInput, RuleParams, UnitInput,
    UnitUpdate, VersionInput,
};
pub use lifecycle::{action_from_code, history};
pub use service::{refuse_if_closed, RegistryService, UnitOverview};
pub use validate::{person, text_block, text_field};

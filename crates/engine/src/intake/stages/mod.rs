//! The stages the pipeline runs by default, in order: the built-in rules, then the data rules.

mod builtin;
mod data_rules;

pub use builtin::{failure_window, BuiltinRules};
pub use data_rules::DataRules;

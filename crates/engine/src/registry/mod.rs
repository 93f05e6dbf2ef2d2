//! Registry: divisions, organisations, units, key areas, responsible persons.

mod service;

pub use service::RegistryService;

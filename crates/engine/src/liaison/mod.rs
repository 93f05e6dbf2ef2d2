//! Police–enterprise liaison points (警企联系点, docs/LIAISON.md; R33): the police of the
//! jurisdiction name an officer or a team as the liaison of a set of units (or an industrial
//! park); each unit sees its liaison, each officer sees their units; assignments are kept as
//! history and audited.

mod service;

pub use service::{LiaisonInput, LiaisonService, UnitLiaison};

//! Privacy: retention per data class, legal holds, deletion log, key rotation.

mod keys;
mod retention;

pub use keys::*;
pub use retention::*;

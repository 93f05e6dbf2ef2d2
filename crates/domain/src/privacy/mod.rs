//! Privacy: purpose-logged reads, retention per data class, legal holds, deletion log, key
//! rotation.

mod free_text;
mod hold;
mod keys;
mod purpose;
mod retention;

pub use free_text::*;
pub use hold::*;
pub use keys::*;
pub use purpose::*;
pub use retention::*;

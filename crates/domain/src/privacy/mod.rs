//! Privacy: purpose-logged reads, retention per data class, legal holds, deletion log, key
//! rotation.

mod hold;
mod free_text;
mod keys;
mod purpose;
mod retention;

pub use hold::*;
pub use free_text::*;
pub use keys::*;
pub use purpose::*;
pub use retention::*;

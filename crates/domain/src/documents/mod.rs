//! Official documents (a shared kernel): kinds, numbering, stored documents.

mod kind;
mod records;

pub use kind::*;
pub use records::*;

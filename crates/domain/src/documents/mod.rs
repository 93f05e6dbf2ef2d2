//! Official documents (a shared kernel): kinds, numbering, issuers, stored documents, and the
//! composition of their text (pure; the store numbers and keeps them).

mod compose;
mod delivery;
mod inspection_record;
mod issuer;
mod kind;
pub(crate) mod records;
mod required;

pub use compose::*;
pub use delivery::*;
pub use inspection_record::*;
pub use issuer::*;
pub use kind::*;
pub use records::*;
pub use required::*;

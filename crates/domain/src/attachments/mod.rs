//! Attachments (a shared kernel): evidence files and their owners.

mod records;

pub use records::*;

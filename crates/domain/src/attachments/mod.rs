//! Attachments (a shared kernel): evidence files, what they belong to, and the rules every
//! uploaded file goes through (size, name, content type).

mod file;
mod owner;
mod records;

pub use file::*;
pub use owner::*;
pub use records::*;

//! Evidence files.

mod service;

pub use service::AttachmentService;

//! Official documents (文书): lists, details, PDFs.

mod service;

pub use service::DocumentService;

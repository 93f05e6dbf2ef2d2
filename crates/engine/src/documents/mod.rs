//! Official documents (文书): lists, details, PDFs, delivery to the addressee.

pub mod delivery;
mod service;

pub use service::DocumentService;

//! Events as stored: lists, details, the purpose-logged raw payload.

mod service;

pub use service::EventService;

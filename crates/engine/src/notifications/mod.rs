//! Notification channels, deliveries and the in-app inbox.

pub mod outbox;
mod service;

pub use service::NotificationService;

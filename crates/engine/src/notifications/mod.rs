//! Notification channels, the outbox and its fan-out job, deliveries and the in-app inbox.

pub mod notice;
pub mod outbox;
mod service;

pub use service::{ChannelDraft, Inbox, NotificationService, INBOX_LIMIT};

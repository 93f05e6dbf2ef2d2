//! Notifications (a shared kernel): channels, the delivery outbox, the in-app inbox.

mod records;

pub use records::*;

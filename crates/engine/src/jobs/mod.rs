//! The durable scheduler (a shared kernel): jobs are rows claimed with a lease, and each kind of
//! job ([`neibao_domain::jobs::JobKind`]) has one handler, registered by its capability.

mod registry;
pub mod scheduler;

pub use registry::{handlers, scheduler};

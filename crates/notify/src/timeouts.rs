//! Time limits of one delivery attempt.

use std::time::Duration;

/// Timeout applied to every HTTP request (connect + send + response), and to every SMTP
/// command.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Upper bound for one whole SMTP conversation (connect, TLS, auth, envelope, data, quit).
pub const EMAIL_TOTAL_TIMEOUT: Duration = Duration::from_secs(60);

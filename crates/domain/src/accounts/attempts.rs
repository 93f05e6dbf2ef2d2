//! Attempts at a secret (a password, a second-factor code), counted per subject across every
//! node: the lockout (docs/SECURITY.md, "Accounts and sessions").

use chrono::{DateTime, Utc};

/// What an attempt tries: it names the counter the attempt is claimed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptKind {
    /// A password, counted per user name as typed (login, password change).
    Password,
    /// A second-factor (TOTP) code, counted per account id (login, confirming, removing).
    SecondFactor,
}

impl AttemptKind {
    /// Stable code (the prefix of the counter's key in the store).
    pub fn code(self) -> &'static str {
        match self {
            AttemptKind::Password => "password",
            AttemptKind::SecondFactor => "totp",
        }
    }
}

/// One attempt claimed on a counter, before the secret is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptClaim {
    /// Attempts counted in the current window, this one included (1 for the first).
    pub attempts: i64,
    /// When the current window ends (its start plus the window's length).
    pub window_ends: DateTime<Utc>,
}

impl AttemptClaim {
    /// `None` when this attempt is within `limit` and may be checked; else the whole seconds
    /// (at least 1, rounded up) until the window ends and the counter starts again.
    pub fn locked_for(&self, limit: i64, now: DateTime<Utc>) -> Option<u64> {
        if self.attempts <= limit {
            return None;
        }
        let ms = (self.window_ends - now).num_milliseconds().max(0) as u64;
        Some(ms.div_ceil(1000).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_beyond_the_limit_are_locked_for_the_rest_of_the_window() {
        let now = Utc::now();
        let claim = |attempts| AttemptClaim {
            attempts,
            window_ends: now + chrono::Duration::milliseconds(899_001),
        };
        assert_eq!(claim(10).locked_for(10, now), None);
        assert_eq!(claim(11).locked_for(10, now), Some(900));
        let past = AttemptClaim {
            attempts: 11,
            window_ends: now,
        };
        assert_eq!(past.locked_for(10, now), Some(1));
    }
}

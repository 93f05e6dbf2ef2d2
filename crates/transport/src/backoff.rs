//! Reconnection delays of the transport loops.

use std::time::Duration;

/// Exponential backoff with jitter: the n-th consecutive failure waits a random time in
/// `[d/2, d]` (never less than `min`), where `d = min · 2ⁿ` capped at `max`.
#[derive(Debug, Clone)]
pub struct Backoff {
    min: Duration,
    max: Duration,
    current: Duration,
}

impl Backoff {
    /// A backoff between `min` and `max` (`max` is raised to `min` if smaller; a zero `min` is
    /// taken as 1 ms).
    pub fn new(min: Duration, max: Duration) -> Self {
        let min = min.max(Duration::from_millis(1));
        let max = max.max(min);
        Backoff { min, max, current: min }
    }

    /// The delay before the next attempt; doubles the base for the one after.
    pub fn next_delay(&mut self) -> Duration {
        let d = self.current;
        self.current = (self.current * 2).min(self.max);
        let half = d / 2;
        let jitter = half.mul_f64(rand::random::<f64>());
        (half + jitter).max(self.min)
    }

    /// Back to `min`, after a healthy connection.
    pub fn reset(&mut self) {
        self.current = self.min;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_caps_and_resets() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
        let mut last_cap = Duration::ZERO;
        for i in 0..10 {
            let d = b.next_delay();
            let cap = Duration::from_secs(1u64 << i).min(Duration::from_secs(60));
            assert!(d <= cap && d >= (cap / 2).max(Duration::from_secs(1)), "{i}: {d:?}");
            last_cap = cap;
        }
        assert_eq!(last_cap, Duration::from_secs(60));
        b.reset();
        assert!(b.next_delay() <= Duration::from_secs(1));
    }
}

//! The retry schedule the outbox worker applies between delivery attempts.

use std::time::Duration;

/// Maximum number of delivery attempts for one notification on one channel (the first try
/// included). After the 12th failed attempt the outbox row should be marked as failed
/// ("投递失败") and no longer retried.
///
/// With [`backoff`] the delays between the 12 attempts are about
/// 30 s, 1, 2, 4, 8, 16, 32 min, then 1 h four times, i.e. the last attempt happens roughly
/// 5 hours after the first one (±20 % jitter per step).
pub const MAX_ATTEMPTS: u32 = 12;

/// First retry delay, in seconds (see [`backoff`]).
pub const BACKOFF_BASE_SECS: u64 = 30;

/// Cap of the retry delay, in seconds (see [`backoff`]).
pub const BACKOFF_CAP_SECS: u64 = 3600;

/// Delay to wait after the `attempt`-th failed attempt before trying again.
///
/// `attempt` counts failed attempts so far, starting at 1 (0 is treated as 1). The nominal
/// delay is `30 s × 2^(attempt-1)`, capped at 1 hour, then multiplied by a random factor in
/// `[0.8, 1.2]` (±20 % jitter, to spread retries of many notifications), and finally capped
/// again so that the result never exceeds 1 hour. Bounds: `backoff(1)` ∈ [24 s, 36 s],
/// `backoff(n)` ∈ [48 min, 60 min] for n ≥ 8.
pub fn backoff(attempt: u32) -> Duration {
    use rand::Rng;
    let exp = attempt.max(1) - 1;
    let nominal = if exp >= 7 {
        BACKOFF_CAP_SECS
    } else {
        (BACKOFF_BASE_SECS << exp).min(BACKOFF_CAP_SECS)
    };
    let factor: f64 = rand::thread_rng().gen_range(0.8..=1.2);
    let ms = ((nominal as f64) * 1000.0 * factor).round() as u64;
    Duration::from_millis(ms.min(BACKOFF_CAP_SECS * 1000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_bounds() {
        for _ in 0..200 {
            let d = backoff(1).as_secs_f64();
            assert!((24.0..=36.0).contains(&d), "{d}");
            let d = backoff(0).as_secs_f64();
            assert!((24.0..=36.0).contains(&d), "{d}");
            let d = backoff(2).as_secs_f64();
            assert!((48.0..=72.0).contains(&d), "{d}");
            let d = backoff(5).as_secs_f64();
            assert!((384.0..=576.0).contains(&d), "{d}");
            for a in [7, 8, 9, 12, 30, 64, u32::MAX] {
                let d = backoff(a).as_secs_f64();
                assert!(d <= 3600.0, "{a}: {d}");
                if a >= 8 {
                    assert!(d >= 2880.0, "{a}: {d}");
                }
            }
        }
    }

    #[test]
    fn backoff_is_jittered() {
        let samples: std::collections::HashSet<u128> = (0..50).map(|_| backoff(3).as_millis()).collect();
        assert!(samples.len() > 5);
    }

    #[test]
    fn schedule_total_is_hours_not_days() {
        // Nominal total delay over MAX_ATTEMPTS attempts (MAX_ATTEMPTS - 1 waits).
        let total: u64 = (1..MAX_ATTEMPTS)
            .map(|a| (BACKOFF_BASE_SECS << (a - 1).min(7)).min(BACKOFF_CAP_SECS))
            .sum();
        assert!(total > 4 * 3600 && total < 6 * 3600, "{total}");
    }
}

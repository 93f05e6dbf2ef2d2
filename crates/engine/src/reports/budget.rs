//! [`PublicBudget`]: how many public reports a client address may file (R48 reports without an
//! account, captcha-free). A token bucket per address group (an IPv4 address, an IPv6 /64: the
//! grouping of the intake path, [`crate::intake::tokens::address_group`]): [`PUBLIC_BURST`] at
//! once, then one per [`PUBLIC_REFILL_SECONDS`]. A report is charged only once it has passed
//! validation, so a refused form costs nothing and an accepted one is always stored.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use neibao_domain::reports::{PUBLIC_BURST, PUBLIC_REFILL_SECONDS};

use crate::intake::tokens::address_group;

/// Sweeping starts above this many addresses.
const SWEEP_ABOVE: usize = 4096;

/// The per-address buckets (in memory: a restart forgives everyone).
pub struct PublicBudget {
    burst: f64,
    refill: Duration,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl Default for PublicBudget {
    fn default() -> Self {
        PublicBudget::new(PUBLIC_BURST, Duration::from_secs(PUBLIC_REFILL_SECONDS))
    }
}

impl PublicBudget {
    pub fn new(burst: u32, refill: Duration) -> PublicBudget {
        PublicBudget {
            burst: f64::from(burst.max(1)),
            refill: refill.max(Duration::from_millis(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one report from `ip`'s budget; `Err(seconds)` until one comes back when it is empty.
    pub fn take(&self, ip: IpAddr) -> Result<(), u64> {
        let group = address_group(ip);
        let now = Instant::now();
        let per_sec = 1.0 / self.refill.as_secs_f64();
        let mut map = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > SWEEP_ABOVE {
            let burst = self.burst;
            map.retain(|_, (t, at)| *t + now.duration_since(*at).as_secs_f64() * per_sec < burst);
        }
        let b = map.entry(group).or_insert((self.burst, now));
        b.0 = (b.0 + now.duration_since(b.1).as_secs_f64() * per_sec).min(self.burst);
        b.1 = now;
        if b.0 >= 1.0 {
            b.0 -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - b.0) / per_sec).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_refused() {
        let b = PublicBudget::new(3, Duration::from_secs(60));
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..3 {
            assert!(b.take(ip).is_ok());
        }
        assert!(b.take(ip).is_err());
        // Another address has its own budget; the same /64 shares one.
        assert!(b.take("192.0.2.2".parse().unwrap()).is_ok());
        let v6a: IpAddr = "2001:db8::1".parse().unwrap();
        let v6b: IpAddr = "2001:db8::2".parse().unwrap();
        for _ in 0..3 {
            assert!(b.take(v6a).is_ok());
        }
        assert!(b.take(v6b).is_err());
    }
}

//! Which device an ingest token names, without a database read per request.
//!
//! Every device post names its device by token, and resolving a token is a database read. Left
//! as it was, a flood of posts with made-up tokens cost one read each and competed with the real
//! devices for the database. So:
//!
//! - **Known tokens are cached.** A token that resolved to a device is reused for
//!   [`TokenLimits::known_ttl`] (5 s) without a read, then read again. Changing a unit's schedule
//!   or details on this node empties the cache ([`IngestTokens::forget_all`], called through
//!   [`crate::Pipeline::forget_devices`]); other nodes see the change within the TTL.
//! - **Unknown tokens from HTTP clients are limited per client address.** A token that has not resolved to a
//!   device within [`TokenLimits::known_memory`] (10 min) may be looked up only while its client
//!   address (an IPv4 address, an IPv6 /64) has budget left: a bucket of
//!   [`TokenLimits::unknown_burst`] (20) lookups refilled at
//!   [`TokenLimits::unknown_per_second`] (2 per second). A lookup that finds a device is given
//!   back; one that finds nothing is spent. With the bucket empty the answer is `Limited`
//!   (the intake path refuses it as busy: HTTP 429 with `Retry-After`) and nothing is read —
//!   unless the bucket is empty only because lookups from the same address are still being
//!   read: then the lookup waits for them (one database read) and tries again, so that many
//!   real devices behind one address posting for the first time at once (a server restart, a
//!   gateway) are all looked up, not refused because their neighbours' reads were in flight.
//! - **Sources without an address have no budget.** MQTT messages come through the broker and
//!   pull streams over connections neibao opened itself: there is no client address to charge,
//!   and one budget for all of them would let one misconfigured publisher lock the others out.
//!   They are never limited; for them an unknown answer is reused for the TTL like a known one,
//!   so a device repeating a wrong token costs one read per TTL.
//!
//! A flood of unknown tokens from one address thus costs at most 20 reads and then 2 per
//! second, and a device that has posted in the last 10 minutes is never limited, whichever
//! address it shares. Only a device's first post (or its first after 10 minutes of silence) from
//! an address that is flooding at the same moment (behind NAT or a proxy) can get 429 until the
//! bucket refills.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, OnceCell};

use neibao_domain::devices::IngestDevice;

/// The settings of [`IngestTokens`].
#[derive(Debug, Clone, Copy)]
pub struct TokenLimits {
    /// How long a resolved token is reused.
    pub known_ttl: Duration,
    /// How long after resolving to a device a token is read again without budget.
    pub known_memory: Duration,
    /// Lookups of uncached tokens an address may make at once.
    pub unknown_burst: u32,
    /// Lookups of uncached tokens an address regains per second.
    pub unknown_per_second: f64,
}

impl Default for TokenLimits {
    fn default() -> Self {
        TokenLimits {
            known_ttl: Duration::from_secs(5),
            known_memory: Duration::from_secs(600),
            unknown_burst: 20,
            unknown_per_second: 2.0,
        }
    }
}

/// What a token resolved to.
#[derive(Debug)]
pub enum TokenLookup {
    Device(IngestDevice),
    /// No device has this token.
    Unknown,
    /// Not looked up: the client's address has used up its lookups of uncached tokens.
    Limited,
}

/// The cache of known tokens and the per-address budgets for unknown ones.
pub struct IngestTokens {
    limits: TokenLimits,
    known: Mutex<Swept<String, (Instant, IngestDevice)>>,
    /// Tokens that resolved to no device, for callers without a budget: when they were read.
    unknown: Mutex<Swept<String, Instant>>,
    budgets: Mutex<Swept<IpAddr, Bucket>>,
    /// Woken whenever a charged lookup ends, for lookups waiting on their address's reads.
    settled: Notify,
    /// Tokens being read now, with the outcome their waiters share.
    reading: Mutex<HashMap<String, Arc<OnceCell<Option<IngestDevice>>>>>,
}

/// Why a shared read gave no outcome.
enum Failed<E> {
    Limited,
    Store(E),
}

/// A map that is swept of stale entries now and then.
struct Swept<K, V> {
    map: HashMap<K, V>,
    swept: Instant,
}

impl<K, V> Default for Swept<K, V> {
    fn default() -> Self {
        Swept {
            map: HashMap::new(),
            swept: Instant::now(),
        }
    }
}

/// What the cache knows of a token.
enum Cached {
    /// Resolved within the TTL: use it.
    Fresh(IngestDevice),
    /// Resolved to a device within `known_memory`: read it again, without budget.
    Stale,
    No,
}

/// Sweeping starts above this many entries, at most once a second.
const SWEEP_ABOVE: usize = 4096;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
    /// Lookups taken from this bucket whose read has not ended yet.
    in_flight: u32,
}

/// What [`IngestTokens::take`] says.
enum Take {
    Taken,
    /// Empty, with none of this address's lookups in flight.
    Empty,
    /// Empty while lookups of this address are being read: their outcome may refill it.
    Wait,
}

/// The longest a lookup waits for its address's reads in flight before it is refused.
const WAIT_FOR_IN_FLIGHT: Duration = Duration::from_secs(2);

impl Default for IngestTokens {
    fn default() -> Self {
        IngestTokens::new(TokenLimits::default())
    }
}

impl IngestTokens {
    pub fn new(limits: TokenLimits) -> IngestTokens {
        IngestTokens {
            limits,
            known: Mutex::default(),
            unknown: Mutex::default(),
            budgets: Mutex::default(),
            settled: Notify::new(),
            reading: Mutex::default(),
        }
    }

    /// The device of `token_hash`: from the cache, else from `read` (the database) when
    /// `client`'s address has budget for it. `client` is `None` for a source without a client
    /// address (MQTT, pull streams): never limited, unknown answers reused for the TTL.
    pub async fn resolve<F, Fut, E>(&self, token_hash: &str, client: Option<IpAddr>, read: F) -> Result<TokenLookup, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Option<IngestDevice>, E>>,
    {
        if let Cached::Fresh(d) = self.cached(token_hash) {
            return Ok(TokenLookup::Device(d));
        }
        if client.is_none() && self.known_unknown(token_hash) {
            return Ok(TokenLookup::Unknown);
        }
        // One read per token at a time: concurrent posts of a token that is not cached (a device's
        // burst, or all of them after the TTL) wait for the first one's read instead of each
        // reading and each being charged.
        let cell = {
            let mut reading = lock(&self.reading);
            if reading.len() > SWEEP_ABOVE {
                // Entries nobody waits on any more (their request was dropped mid-read).
                reading.retain(|_, c| Arc::strong_count(c) > 1);
            }
            reading.entry(token_hash.to_string()).or_default().clone()
        };
        let group = client.map(address_group);
        let outcome = cell
            .get_or_try_init(|| async {
                let recently_known = match self.cached(token_hash) {
                    Cached::Fresh(d) => return Ok(Some(d)),
                    Cached::Stale => true,
                    Cached::No => false,
                };
                let charged = group.filter(|_| !recently_known);
                let mut charge = None;
                if let Some(group) = charged {
                    if !self.take_or_wait(group).await {
                        // Not this token's answer, only this address's: a waiter from another
                        // address tries with its own budget.
                        return Err(Failed::Limited);
                    }
                    // Settled when dropped, also when the request is dropped mid-read.
                    charge = Some(Charge {
                        tokens: self,
                        group,
                        found: true,
                    });
                }
                let found = read().await;
                if let Some(c) = charge.as_mut() {
                    c.found = !matches!(found, Ok(None));
                }
                drop(charge);
                match found.map_err(Failed::Store)? {
                    Some(d) => {
                        self.remember(token_hash, &d);
                        Ok(Some(d))
                    }
                    None => {
                        if recently_known {
                            lock(&self.known).map.remove(token_hash);
                        }
                        Ok(None)
                    }
                }
            })
            .await
            .cloned();
        // The read is over: the next post of this token looks at the cache (or reads anew).
        {
            let mut reading = lock(&self.reading);
            if reading.get(token_hash).is_some_and(|c| Arc::ptr_eq(c, &cell)) {
                reading.remove(token_hash);
            }
        }
        if client.is_none() && matches!(outcome, Ok(None)) {
            self.remember_unknown(token_hash);
        }
        match outcome {
            Ok(Some(d)) => Ok(TokenLookup::Device(d)),
            Ok(None) => Ok(TokenLookup::Unknown),
            Err(Failed::Limited) => Ok(TokenLookup::Limited),
            Err(Failed::Store(e)) => Err(e),
        }
    }

    /// Empties the cache of known tokens (a unit's schedule or details changed).
    pub fn forget_all(&self) {
        lock(&self.known).map.clear();
        lock(&self.unknown).map.clear();
    }

    /// Whether `token_hash` resolved to no device within the TTL (for callers without a budget).
    fn known_unknown(&self, token_hash: &str) -> bool {
        lock(&self.unknown)
            .map
            .get(token_hash)
            .is_some_and(|at| at.elapsed() < self.limits.known_ttl)
    }

    fn remember_unknown(&self, token_hash: &str) {
        let mut unknown = lock(&self.unknown);
        let now = Instant::now();
        if unknown.map.len() > SWEEP_ABOVE && now.duration_since(unknown.swept) > Duration::from_secs(1) {
            let ttl = self.limits.known_ttl;
            unknown.map.retain(|_, at| now.duration_since(*at) < ttl);
            unknown.swept = now;
        }
        unknown.map.insert(token_hash.to_string(), now);
    }

    fn cached(&self, token_hash: &str) -> Cached {
        let known = lock(&self.known);
        match known.map.get(token_hash) {
            Some((at, d)) if at.elapsed() < self.limits.known_ttl => Cached::Fresh(d.clone()),
            Some((at, _)) if at.elapsed() < self.limits.known_memory => Cached::Stale,
            _ => Cached::No,
        }
    }

    fn remember(&self, token_hash: &str, device: &IngestDevice) {
        let mut known = lock(&self.known);
        let now = Instant::now();
        if known.map.len() > SWEEP_ABOVE && now.duration_since(known.swept) > Duration::from_secs(1) {
            let memory = self.limits.known_memory;
            known.map.retain(|_, (at, _)| now.duration_since(*at) < memory);
            known.swept = now;
        }
        known.map.insert(token_hash.to_string(), (now, device.clone()));
    }

    /// Takes one lookup from `group`'s bucket; false when it is empty and stays empty after
    /// the address's lookups in flight have ended (waiting at most [`WAIT_FOR_IN_FLIGHT`]).
    async fn take_or_wait(&self, group: IpAddr) -> bool {
        let deadline = tokio::time::Instant::now() + WAIT_FOR_IN_FLIGHT;
        loop {
            // Registered before looking, so that a lookup ending in between is not missed.
            let settled = self.settled.notified();
            tokio::pin!(settled);
            settled.as_mut().enable();
            match self.take(group) {
                Take::Taken => return true,
                Take::Empty => return false,
                Take::Wait => {
                    if tokio::time::timeout_at(deadline, settled).await.is_err() {
                        return false;
                    }
                }
            }
        }
    }

    /// Takes one lookup from `group`'s bucket.
    fn take(&self, group: IpAddr) -> Take {
        let mut budgets = lock(&self.budgets);
        let now = Instant::now();
        let limits = self.limits;
        let burst = f64::from(limits.unknown_burst);
        if budgets.map.len() > SWEEP_ABOVE && now.duration_since(budgets.swept) > Duration::from_secs(1) {
            // A bucket that has refilled is the same as no bucket.
            budgets.map.retain(|_, b| {
                b.in_flight > 0 || b.tokens + now.duration_since(b.at).as_secs_f64() * limits.unknown_per_second < burst
            });
            budgets.swept = now;
        }
        let b = budgets.map.entry(group).or_insert(Bucket {
            tokens: burst,
            at: now,
            in_flight: 0,
        });
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * limits.unknown_per_second).min(burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            b.in_flight += 1;
            Take::Taken
        } else if b.in_flight > 0 {
            Take::Wait
        } else {
            Take::Empty
        }
    }

    /// Ends a lookup taken from `group`'s bucket: `found` (a device, or a failed read) gives
    /// the lookup back; a token that named no device stays spent. Wakes the waiting lookups.
    fn settle(&self, group: IpAddr, found: bool) {
        let burst = f64::from(self.limits.unknown_burst);
        if let Some(b) = lock(&self.budgets).map.get_mut(&group) {
            b.in_flight = b.in_flight.saturating_sub(1);
            if found {
                b.tokens = (b.tokens + 1.0).min(burst);
            }
        }
        self.settled.notify_waiters();
    }
}

/// A lookup taken from an address's bucket; settles it when dropped (see
/// [`IngestTokens::settle`]): a read that ended without an answer gives the lookup back.
struct Charge<'a> {
    tokens: &'a IngestTokens,
    group: IpAddr,
    found: bool,
}

impl Drop for Charge<'_> {
    fn drop(&mut self) {
        self.tokens.settle(self.group, self.found);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The address that per-client limits count under: an IPv4 address as it is (also when it comes
/// IPv4-mapped, `::ffff:a.b.c.d`, from a dual-stack socket), an IPv6 address by its /64 — the
/// block one host or one LAN usually holds, so that a client cannot step around a limit by
/// changing the low bits of its address.
pub fn address_group(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use neibao_domain::devices::DeviceFormat;

    use super::*;

    fn device() -> IngestDevice {
        IngestDevice {
            id: "d1".into(),
            unit_id: "u1".into(),
            key_area_id: None,
            name: "camera".into(),
            format: DeviceFormat::GenericJson,
            armed_schedule: None,
            division_code: "330106".into(),
            time_zone: None,
        }
    }

    /// Resolves `token` from `ip` against a database that knows only `known`, counting reads.
    async fn resolve(t: &IngestTokens, reads: &AtomicUsize, token: &str, ip: &str) -> &'static str {
        resolve_from(t, reads, token, Some(ip.parse().unwrap())).await
    }

    async fn resolve_from(t: &IngestTokens, reads: &AtomicUsize, token: &str, ip: Option<IpAddr>) -> &'static str {
        let r = t
            .resolve(token, ip, || async {
                reads.fetch_add(1, Ordering::SeqCst);
                Ok::<_, ()>((token == "known").then(device))
            })
            .await
            .unwrap();
        match r {
            TokenLookup::Device(_) => "device",
            TokenLookup::Unknown => "unknown",
            TokenLookup::Limited => "limited",
        }
    }

    #[tokio::test]
    async fn known_tokens_are_read_once_per_ttl() {
        let t = IngestTokens::default();
        let reads = AtomicUsize::new(0);
        for _ in 0..100 {
            assert_eq!(resolve(&t, &reads, "known", "10.0.0.1").await, "device");
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        t.forget_all();
        assert_eq!(resolve(&t, &reads, "known", "10.0.0.1").await, "device");
        assert_eq!(reads.load(Ordering::SeqCst), 2);
        let t = IngestTokens::new(TokenLimits {
            known_ttl: Duration::ZERO,
            ..Default::default()
        });
        resolve(&t, &reads, "known", "10.0.0.1").await;
        resolve(&t, &reads, "known", "10.0.0.1").await;
        assert_eq!(reads.load(Ordering::SeqCst), 4);
    }

    /// A device that resolved recently is read again after its TTL without budget, so a flood
    /// from its own address (NAT) does not lock it out.
    #[tokio::test]
    async fn recently_known_tokens_are_not_limited() {
        let t = IngestTokens::new(TokenLimits {
            known_ttl: Duration::ZERO,
            unknown_burst: 3,
            unknown_per_second: 0.0,
            ..Default::default()
        });
        let reads = AtomicUsize::new(0);
        assert_eq!(resolve(&t, &reads, "known", "10.0.0.1").await, "device");
        for i in 0..10 {
            resolve(&t, &reads, &format!("made-up-{i}"), "10.0.0.1").await;
        }
        assert_eq!(resolve(&t, &reads, "made-up", "10.0.0.1").await, "limited");
        for _ in 0..5 {
            assert_eq!(resolve(&t, &reads, "known", "10.0.0.1").await, "device");
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1 + 3 + 5);
        // Forgotten after known_memory: charged again.
        let t = IngestTokens::new(TokenLimits {
            known_ttl: Duration::ZERO,
            known_memory: Duration::ZERO,
            unknown_burst: 1,
            unknown_per_second: 0.0,
        });
        assert_eq!(resolve(&t, &reads, "known", "10.0.0.1").await, "device");
        assert_eq!(resolve(&t, &reads, "made-up", "10.0.0.1").await, "unknown");
        assert_eq!(resolve(&t, &reads, "known", "10.0.0.1").await, "limited");
    }

    #[tokio::test]
    async fn unknown_tokens_are_limited_per_address_and_known_ones_are_not() {
        let t = IngestTokens::new(TokenLimits {
            unknown_per_second: 0.0,
            unknown_burst: 5,
            ..Default::default()
        });
        let reads = AtomicUsize::new(0);
        for i in 0..50 {
            let r = resolve(&t, &reads, &format!("made-up-{i}"), "10.0.0.1").await;
            assert_eq!(r, if i < 5 { "unknown" } else { "limited" });
        }
        assert_eq!(reads.load(Ordering::SeqCst), 5, "a read per unit of budget, then none");
        // Another address has its own budget; a known token from it costs none.
        for _ in 0..10 {
            assert_eq!(resolve(&t, &reads, "known", "10.0.0.2").await, "device");
        }
        assert_eq!(resolve(&t, &reads, "made-up", "10.0.0.2").await, "unknown");
        // Once cached, the known token is answered from the flooded address too.
        assert_eq!(resolve(&t, &reads, "known", "10.0.0.1").await, "device");
        // IPv6: one /64 shares a budget, another /64 has its own; IPv4-mapped counts as IPv4.
        for i in 0..5 {
            assert_eq!(
                resolve(&t, &reads, &format!("x{i}"), &format!("2001:db8:0:1::{i}")).await,
                "unknown"
            );
        }
        assert_eq!(resolve(&t, &reads, "y", "2001:db8:0:1:ffff::9").await, "limited");
        assert_eq!(resolve(&t, &reads, "y", "2001:db8:0:2::1").await, "unknown");
        assert_eq!(resolve(&t, &reads, "y", "::ffff:10.0.0.1").await, "limited");
    }

    /// Concurrent posts of one uncached token share one read and one unit of budget.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_lookups_of_a_token_share_one_read() {
        let t = Arc::new(IngestTokens::new(TokenLimits {
            unknown_burst: 2,
            unknown_per_second: 0.0,
            ..Default::default()
        }));
        let reads = Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..60 {
            let (t, reads) = (t.clone(), reads.clone());
            let token = if i % 2 == 0 { "known" } else { "made-up" };
            tasks.spawn(async move {
                let r = t
                    .resolve(token, Some("10.0.0.1".parse().unwrap()), || async {
                        reads.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        Ok::<_, ()>((token == "known").then(device))
                    })
                    .await
                    .unwrap();
                (
                    token,
                    matches!(r, TokenLookup::Device(_)),
                    matches!(r, TokenLookup::Limited),
                )
            });
        }
        while let Some(r) = tasks.join_next().await {
            let (token, found, limited) = r.unwrap();
            assert!(!limited, "one unit of budget per token, not per post");
            assert_eq!(found, token == "known");
        }
        assert_eq!(reads.load(Ordering::SeqCst), 2);
        assert!(t.reading.lock().unwrap().is_empty());
    }

    /// Many real devices behind one address posting for the first time at once (more than the
    /// burst) are all looked up: a lookup finding the bucket empty only because its neighbours'
    /// reads are in flight waits for them. Made-up tokens from that address are still limited
    /// to the burst.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn first_posts_of_many_devices_from_one_address_are_not_refused() {
        let t = Arc::new(IngestTokens::new(TokenLimits {
            unknown_burst: 4,
            unknown_per_second: 0.0,
            ..Default::default()
        }));
        let reads = Arc::new(AtomicUsize::new(0));
        let lookup = |t: Arc<IngestTokens>, reads: Arc<AtomicUsize>, token: String| async move {
            let r = t
                .resolve(&token, Some("10.0.0.9".parse().unwrap()), || async {
                    reads.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    Ok::<_, ()>(token.starts_with("device-").then(device))
                })
                .await
                .unwrap();
            match r {
                TokenLookup::Device(_) => "device",
                TokenLookup::Unknown => "unknown",
                TokenLookup::Limited => "limited",
            }
        };
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..64 {
            tasks.spawn(lookup(t.clone(), reads.clone(), format!("device-{i}")));
        }
        while let Some(r) = tasks.join_next().await {
            assert_eq!(r.unwrap(), "device");
        }
        assert_eq!(reads.load(Ordering::SeqCst), 64);
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..64 {
            tasks.spawn(lookup(t.clone(), reads.clone(), format!("made-up-{i}")));
        }
        let mut limited = 0;
        while let Some(r) = tasks.join_next().await {
            limited += usize::from(r.unwrap() == "limited");
        }
        assert_eq!(limited, 60, "the burst of 4, then nothing");
        assert_eq!(reads.load(Ordering::SeqCst), 64 + 4);
    }

    #[tokio::test]
    async fn the_budget_refills() {
        let t = IngestTokens::new(TokenLimits {
            unknown_per_second: 1000.0,
            unknown_burst: 1,
            ..Default::default()
        });
        let reads = AtomicUsize::new(0);
        assert_eq!(resolve(&t, &reads, "a", "10.0.0.1").await, "unknown");
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(resolve(&t, &reads, "b", "10.0.0.1").await, "unknown");
    }

    /// MQTT and pull streams (no client address) are never limited; a wrong token they repeat is
    /// read once per TTL.
    #[tokio::test]
    async fn sources_without_an_address_have_no_budget() {
        let t = IngestTokens::new(TokenLimits {
            unknown_burst: 1,
            unknown_per_second: 0.0,
            ..Default::default()
        });
        let reads = AtomicUsize::new(0);
        for i in 0..30 {
            assert_eq!(resolve_from(&t, &reads, &format!("made-up-{i}"), None).await, "unknown");
        }
        assert_eq!(reads.load(Ordering::SeqCst), 30);
        for _ in 0..10 {
            assert_eq!(resolve_from(&t, &reads, "made-up-0", None).await, "unknown");
            assert_eq!(resolve_from(&t, &reads, "known", None).await, "device");
        }
        assert_eq!(
            reads.load(Ordering::SeqCst),
            31,
            "a repeated unknown token is read once per TTL"
        );
        // Nothing of that was charged to an address; an HTTP client is not answered from the
        // unknown-token memory of the sources without one.
        assert_eq!(resolve(&t, &reads, "made-up-0", "10.0.0.1").await, "unknown");
        assert_eq!(resolve(&t, &reads, "made-up-1", "10.0.0.1").await, "limited");
        t.forget_all();
        assert_eq!(resolve_from(&t, &reads, "made-up-0", None).await, "unknown");
        assert_eq!(reads.load(Ordering::SeqCst), 33);
    }

    #[test]
    fn address_groups() {
        let g = |s: &str| address_group(s.parse().unwrap()).to_string();
        assert_eq!(g("192.0.2.7"), "192.0.2.7");
        assert_eq!(g("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(g("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::");
        assert_eq!(g("::1"), "::");
    }
}

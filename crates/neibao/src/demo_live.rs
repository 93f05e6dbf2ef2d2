//! The demo kept alive: while `neibao serve --demo` runs, the demo's devices send heartbeats and
//! now and then an event through the real intake path (decode → store → early-warning rules →
//! alerts → notifications), as Hikvision cameras and terminals push them over HTTP, so that an
//! evaluator sees devices online and alerts arriving instead of 614 devices gone offline.
//!
//! Payloads: ISAPI `EventNotificationAlert` documents (tests/fixtures/devices/hikvision-isapi-alert/,
//! docs/DEVICE-FORMATS.md §1): `videoloss` + `inactive` is the in-band heartbeat (counted, touches
//! the device, stores no event); `VMD` (motion) and `linedetection` + `active` are events. The
//! tokens of the demo's devices are kept in the meta row [`DEMO_TOKENS_META`] by the demo loader
//! (demo data only; an installation loaded by an older version has none and is left as it is).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};
use neibao_domain::devices::DeviceFormat;
use neibao_engine::intake::{Delivery, IntakeService};
use neibao_store::Store;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Meta key of the JSON array of the demo devices' ingest tokens.
pub const DEMO_TOKENS_META: &str = "demo_device_tokens";

/// Seconds in which every demo device sends one heartbeat, at most: well inside the default
/// offline threshold (300 s). A shorter threshold gets rounds of 2/5 of it (at least 5 s).
pub const HEARTBEAT_ROUND_SECONDS: u64 = 120;

/// The heartbeat round for an offline threshold of `offline_after`: 2/5 of it, 5–120 s.
pub fn heartbeat_round(offline_after: Duration) -> Duration {
    Duration::from_secs((offline_after.as_secs() * 2 / 5).clamp(5, HEARTBEAT_ROUND_SECONDS))
}

/// The demo's device simulator.
pub struct Simulator {
    intake: IntakeService,
    tokens: Vec<String>,
    next: usize,
    rng: StdRng,
}

/// What one call sent and how much of it the intake path took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sent {
    pub posts: usize,
    pub taken: usize,
}

impl Simulator {
    /// The simulator of the demo loaded into `store`, or `None` when it holds no demo device
    /// tokens (no demo, or a demo loaded by an older version).
    ///
    /// Errors: the database; a meta row that is not a JSON array of strings.
    pub async fn new(store: &Arc<dyn Store>, intake: IntakeService) -> anyhow::Result<Option<Simulator>> {
        let Some(json) = store.get_meta(DEMO_TOKENS_META).await? else {
            return Ok(None);
        };
        let tokens: Vec<String> = serde_json::from_str(&json)?;
        Ok((!tokens.is_empty()).then(|| Simulator {
            intake,
            tokens,
            next: 0,
            rng: StdRng::from_entropy(),
        }))
    }

    /// How many devices it keeps alive.
    pub fn devices(&self) -> usize {
        self.tokens.len()
    }

    /// One heartbeat from each of the next `n` devices (round robin, at most one round).
    pub async fn heartbeats(&mut self, n: usize, now: DateTime<Utc>) -> Sent {
        let mut sent = Sent::default();
        for _ in 0..n.min(self.tokens.len()) {
            let token = self.tokens[self.next].clone();
            self.next = (self.next + 1) % self.tokens.len();
            let body = alert_xml("videoloss", "inactive", "videoloss alarm", now);
            sent.posts += 1;
            sent.taken += usize::from(self.post(&token, body).await);
        }
        sent
    }

    /// One event from a device chosen at random: a motion detection or a line crossing.
    pub async fn event(&mut self, now: DateTime<Utc>) -> Sent {
        let token = self.tokens[self.rng.gen_range(0..self.tokens.len())].clone();
        let (kind, description) = if self.rng.gen_bool(0.5) {
            ("VMD", "Motion alarm")
        } else {
            ("linedetection", "Line crossing alarm")
        };
        let body = alert_xml(kind, "active", description, now);
        Sent {
            posts: 1,
            taken: usize::from(self.post(&token, body).await),
        }
    }

    async fn post(&self, token: &str, body: String) -> bool {
        let r = self
            .intake
            .receive(
                token,
                None,
                DeviceFormat::Hikvision,
                Delivery::Push { query: None },
                Some("application/xml"),
                async { Ok(body) },
            )
            .await;
        if let Err(e) = &r {
            tracing::debug!(error = ?e, "demo device post refused");
        }
        r.is_ok()
    }

    /// Runs until the process ends: every second the heartbeats of the share of the devices
    /// that has each send one per `round` (see [`heartbeat_round`]), and with a chance of
    /// `events_per_minute`/60 one event.
    pub fn spawn(mut self, round: Duration, events_per_minute: f64) {
        let per_tick = self.tokens.len().div_ceil(round.as_secs().max(1) as usize);
        tracing::info!(
            devices = self.tokens.len(),
            "demo devices kept alive (heartbeats, occasional events)"
        );
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let now = Utc::now();
                self.heartbeats(per_tick, now).await;
                if self.rng.gen_bool((events_per_minute / 60.0).clamp(0.0, 1.0)) {
                    self.event(now).await;
                }
            }
        });
    }
}

/// An ISAPI `EventNotificationAlert` of channel 1 at `now` (Beijing time, with its offset).
fn alert_xml(event_type: &str, state: &str, description: &str, now: DateTime<Utc>) -> String {
    let beijing = FixedOffset::east_opt(8 * 3600).expect("+08:00");
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<EventNotificationAlert version=\"2.0\" xmlns=\"http://www.isapi.org/ver20/XMLSchema\">\
<ipAddress>192.0.2.10</ipAddress><portNo>80</portNo><protocol>HTTP</protocol><channelID>1</channelID>\
<dateTime>{}</dateTime><activePostCount>1</activePostCount><eventType>{event_type}</eventType>\
<eventState>{state}</eventState><eventDescription>{description}</eventDescription></EventNotificationAlert>",
        now.with_timezone(&beijing).format("%Y-%m-%dT%H:%M:%S%:z")
    )
}

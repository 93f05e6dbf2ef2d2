//! [`IntakeService`]: the one device intake path. HTTP pushes, ZKTeco polls, MQTT messages and
//! pull-stream parts all end here: ingest token → device (cached; unknown tokens within the
//! client address's budget, [`crate::intake::tokens`]) → the device's format → decoder →
//! sanitize → event bus. The transports only carry bytes and render the answer.

use std::future::Future;
use std::net::IpAddr;

use chrono::Utc;
use neibao_domain::devices::{DeviceFormat, IngestDevice};
use neibao_domain::events::{DecodedEvent, DecodedPayload};
use neibao_domain::ids::token_hash;
use neibao_ingest::DecodeError;

use crate::context::Ctx;
use crate::intake::bus::BusError;
use crate::intake::refusal::Refusal;
use crate::intake::tokens::TokenLookup;
use crate::metrics::{self, METRICS};

/// How a payload arrived.
#[derive(Debug, Clone, Copy)]
pub enum Delivery<'a> {
    /// An HTTP push of a body in the device's format; `query` is the raw URL query (ZKTeco
    /// uploads name their table in it: `table=ATTLOG`).
    Push { query: Option<&'a str> },
    /// The ZKTeco iclock `GET` (handshake or poll): no body, one heartbeat. With `options=` in
    /// the query the device is answered its options (`SN=` names it).
    Poll { query: Option<&'a str> },
    /// A message of an MQTT subscription or a part of a pull stream. Streams also carry
    /// keep-alives and pictures: a part that decodes to nothing is dropped without a word.
    Stream,
}

/// What the intake path did with a payload.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Received {
    /// Events stored (new occurrences and updates of ongoing ones), or queued on the bus.
    pub events: usize,
    pub heartbeats: u32,
    /// Alerts raised or updated; `None` when the events were queued on the event bus
    /// (multi-node mode), where rules run after the device has been answered.
    pub alerts: Option<usize>,
    /// The plain text the device expects instead of JSON (ZKTeco iclock: `OK`, or the options
    /// after a handshake).
    pub reply: Option<String>,
}

/// Whether the intake path can take payloads (`/readyz`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readiness {
    pub database: bool,
    pub bus: bool,
    /// Messages waiting or in flight on the bus (0 in single-box mode).
    pub queue_depth: u64,
}

/// The one device intake path.
#[derive(Clone)]
pub struct IntakeService {
    pub(crate) ctx: Ctx,
}

impl IntakeService {
    pub fn new(ctx: Ctx) -> IntakeService {
        IntakeService { ctx }
    }

    /// Takes one payload from the device with ingest `token`, sent for `format` by `client` (the
    /// HTTP client's address; `None` for MQTT and pull streams, which have no budget of unknown
    /// tokens).
    ///
    /// `body` is read only after the token resolved (an HTTP adapter refuses an unknown device
    /// before reading what it sends): it yields the bytes or the adapter's own refusal (too large,
    /// unreadable). Then the format is checked, the payload decoded by the decoder of the format,
    /// its text sanitised, and it is submitted to the event bus. Every outcome is counted in
    /// `neibao_ingest_requests_total` (heartbeats in `neibao_heartbeats_total`).
    ///
    /// Refusals: [`Refusal::UnknownToken`], [`Refusal::Busy`] when `client`'s address has used
    /// up its lookups of unknown tokens, [`Refusal::WrongFormat`], [`Refusal::Undecodable`],
    /// [`Refusal::Busy`] and [`Refusal::Unavailable`] from the bus, [`Refusal::Failed`] when the
    /// store fails, and whatever `body` refuses with.
    #[tracing::instrument(skip_all, fields(format = format.code()))]
    pub async fn receive<B, T>(
        &self,
        token: &str,
        client: Option<IpAddr>,
        format: DeviceFormat,
        delivery: Delivery<'_>,
        content_type: Option<&str>,
        body: B,
    ) -> Result<Received, Refusal>
    where
        B: Future<Output = Result<T, Refusal>>,
        T: AsRef<[u8]>,
    {
        let result = self.take(token, client, format, delivery, content_type, body).await;
        match &result {
            Ok(r) => {
                metrics::count_request("ok");
                METRICS.heartbeats.inc_by(u64::from(r.heartbeats));
            }
            Err(e) => count_refusal(e),
        }
        result
    }

    /// The device with ingest `token`, asked for by `client` (`None`: MQTT, pull streams).
    /// Known tokens come from the cache; an uncached one is read only within the budget of
    /// `client`'s address, and beyond it refused as [`Refusal::Busy`] without a read (HTTP 429
    /// with `Retry-After`, as for a saturated node).
    pub async fn device(&self, token: &str, client: Option<IpAddr>) -> Result<IngestDevice, Refusal> {
        match self.ctx.pipeline.device_for_token(&token_hash(token), client).await? {
            TokenLookup::Device(d) => Ok(d),
            TokenLookup::Unknown => Err(Refusal::UnknownToken),
            TokenLookup::Limited => Err(Refusal::Busy),
        }
    }

    /// Whether the intake path can take payloads: the database answers, the bus is connected;
    /// and how many messages wait on the bus.
    #[tracing::instrument(skip_all)]
    pub async fn readiness(&self) -> Readiness {
        Readiness {
            database: self.ctx.store.get_meta("readyz").await.is_ok(),
            bus: self.ctx.bus.ready().await,
            queue_depth: self.ctx.bus.queue_depth(),
        }
    }

    /// Messages waiting or in flight on the bus (0 in single-box mode), also set as the
    /// `neibao_queue_depth` gauge.
    pub fn queue_depth(&self) -> u64 {
        let depth = self.ctx.bus.queue_depth();
        METRICS.queue_depth.set(depth as i64);
        depth
    }

    /// A transport connected to the device with ingest `token` (a pull stream opened): the device
    /// is heard from.
    #[tracing::instrument(skip_all)]
    pub async fn connected(&self, token: &str) -> Result<(), Refusal> {
        let device = self.device(token, None).await?;
        self.ctx.store.touch_device(&device.id, Utc::now()).await?;
        Ok(())
    }

    async fn take<B, T>(
        &self,
        token: &str,
        client: Option<IpAddr>,
        format: DeviceFormat,
        delivery: Delivery<'_>,
        content_type: Option<&str>,
        body: B,
    ) -> Result<Received, Refusal>
    where
        B: Future<Output = Result<T, Refusal>>,
        T: AsRef<[u8]>,
    {
        let device = self.device(token, client).await?;
        let body = body.await?;
        let body = body.as_ref();
        if format != device.format {
            return Err(Refusal::WrongFormat(device.format));
        }
        let reply = reply(format, delivery);
        let mut payload = match decode(format, delivery, content_type, body) {
            Ok(p) => p,
            // A stream carries the vendor's other messages too (Frigate `frigate/triggers`):
            // dropped like keep-alives; an HTTP push of one is refused with its reason.
            Err(DecodeError::NotAnEvent { .. }) if matches!(delivery, Delivery::Stream) => {
                return Ok(Received {
                    reply,
                    ..Received::default()
                })
            }
            Err(e) => {
                tracing::info!(device = %device.id, code = e.code(), "undecodable device payload");
                return Err(Refusal::Undecodable(e));
            }
        };
        // Offset-less device times (GB/T 28181 `AlarmTime`, Dahua `LocaleTime`, Hikvision DVR
        // `dateTime`, ZKTeco rows) are wall-clock time where the device is installed.
        neibao_ingest::time::read_local_times_in(&mut payload, device_zone(&device));
        if matches!(delivery, Delivery::Stream) && payload.events.is_empty() && payload.heartbeats == 0 {
            return Ok(Received {
                reply,
                ..Received::default()
            });
        }
        payload.events.iter_mut().for_each(DecodedEvent::sanitize);
        let out = self
            .ctx
            .bus
            .submit(&device, &payload, body, content_type, Utc::now())
            .await
            .map_err(|e| match e {
                BusError::Busy => Refusal::Busy,
                BusError::Unavailable(why) => {
                    tracing::warn!(%why, "event bus unavailable");
                    Refusal::Unavailable(why)
                }
                BusError::Store(e) => e.into(),
            })?;
        Ok(Received {
            events: out.events,
            heartbeats: out.heartbeats,
            alerts: out.alerts,
            reply,
        })
    }
}

/// Counts a refusal in `neibao_ingest_requests_total` (for refusals an adapter makes before the
/// payload reaches [`IntakeService::receive`], such as its own back-pressure).
pub fn count_refusal(r: &Refusal) {
    metrics::count_request(r.metric_label());
}

/// The payload as the decoder of `format` reads it.
fn decode(
    format: DeviceFormat,
    delivery: Delivery<'_>,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<DecodedPayload, DecodeError> {
    let query = match delivery {
        Delivery::Poll { .. } => {
            return Ok(DecodedPayload {
                events: Vec::new(),
                heartbeats: 1,
            })
        }
        Delivery::Push { query } => query,
        Delivery::Stream => None,
    };
    match format {
        DeviceFormat::Hikvision => neibao_ingest::decode_hikvision(content_type, body),
        DeviceFormat::GenericJson => neibao_ingest::decode_generic_json(body),
        DeviceFormat::Dahua => neibao_ingest::decode_dahua(content_type, body),
        DeviceFormat::Onvif => neibao_ingest::decode_onvif(body),
        DeviceFormat::Frigate => neibao_ingest::decode_frigate(body),
        DeviceFormat::Gb28181 => neibao_ingest::decode_gb28181(body),
        DeviceFormat::Zkteco => neibao_ingest::decode_zkteco(query_param(query, "table"), body),
    }
}

/// The time zone offset-less times of `device` are read in: its own (`time_zone`, an IANA name
/// read with chrono-tz) when it has one, else the installation's zone, Asia/Shanghai
/// ([`neibao_ingest::time::DEFAULT_DEVICE_TIME_ZONE`]); docs/DEVICE-FORMATS.md §0.4.
fn device_zone(device: &IngestDevice) -> chrono_tz::Tz {
    device
        .time_zone
        .as_deref()
        .and_then(neibao_ingest::time::parse_time_zone)
        .unwrap_or_else(neibao_ingest::time::default_device_zone)
}

/// What a device of `format` expects as the answer's body instead of JSON: iclock firmware
/// (ZKTeco) reads it as text, `OK`, or its options after a handshake.
fn reply(format: DeviceFormat, delivery: Delivery<'_>) -> Option<String> {
    match (format, delivery) {
        (DeviceFormat::Zkteco, Delivery::Poll { query }) if query_param(query, "options").is_some() => {
            Some(neibao_ingest::zkteco::handshake_options(query_param(query, "SN")))
        }
        (DeviceFormat::Zkteco, _) => Some("OK\n".to_string()),
        _ => None,
    }
}

/// Value of `key` (ASCII case-insensitive) in a raw query string; `+` and `%XX` are not decoded
/// (table names and serials are plain tokens).
fn query_param<'a>(query: Option<&'a str>, key: &str) -> Option<&'a str> {
    query?
        .split('&')
        .filter_map(|kv| kv.split_once('=').or(Some((kv, ""))))
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_and_replies() {
        assert_eq!(query_param(Some("SN=A1&table=ATTLOG"), "TABLE"), Some("ATTLOG"));
        assert_eq!(query_param(Some("options"), "options"), Some(""));
        assert_eq!(query_param(None, "table"), None);
        assert_eq!(
            reply(DeviceFormat::Zkteco, Delivery::Push { query: None }).as_deref(),
            Some("OK\n")
        );
        assert!(reply(
            DeviceFormat::Zkteco,
            Delivery::Poll {
                query: Some("SN=X1&options=all")
            }
        )
        .unwrap()
        .starts_with("GET OPTION FROM: X1\n"));
        assert_eq!(reply(DeviceFormat::Hikvision, Delivery::Push { query: None }), None);
    }
}

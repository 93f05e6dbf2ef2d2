//! Device ingest endpoints. Security-sensitive: the bytes come from devices and anyone on the
//! network.
//!
//! - `POST /ingest/hikvision/{ingest_token}`: Hikvision ISAPI pushes (XML, JSON, multipart),
//!   decoded by `neibao_ingest::decode_hikvision` (DEVICE-FORMATS.md §1–2).
//! - `POST /ingest/json/{ingest_token}`: the generic JSON shape (docs/EVENTS.md).
//! - `POST /ingest/dahua/{ingest_token}`, `/ingest/onvif/…`, `/ingest/frigate/…`,
//!   `/ingest/gb28181/…`: the decoders of DEVICE-FORMATS.md §3–6 (docs/EVENTS.md).
//! - `POST /ingest/zkteco/{ingest_token}?table=ATTLOG|rtlog|rtstate|…`: ZKTeco ADMS `cdata`
//!   uploads (§7), answered `OK` in plain text as the devices expect; `GET` on the same path is
//!   the iclock handshake/poll: counted as a heartbeat and answered with the options text when the
//!   query has `options=`, else `OK`.
//!
//! Answers: 200 `{"accepted": n, "heartbeats": h, "alerts": a, "queued": q}`; 401 unknown token;
//! 413 body over the limit; 400 undecodable body with a stable code; 429 (`busy`) when the node
//! has too many payloads in flight, the bus backlog is over its limit, or the client's address has
//! used up its lookups of unknown tokens (`crate::ingest_tokens`); 503 (`unavailable`) when
//! the database or the bus cannot take the payload — both with `Retry-After`. Never 500 for any
//! byte sequence. A 200 means the events are durably stored (single box) or acknowledged by
//! JetStream (multi-node).

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Json, Router};
use chrono::Utc;
use neibao_domain::error::ErrorCode;
use neibao_domain::event::{DecodedEvent, DecodedPayload};
use neibao_domain::ids::token_hash;
use neibao_domain::unit::DeviceFormat;
use neibao_engine::metrics::{self, METRICS};
use neibao_engine::BusError;
use serde::Serialize;

use crate::error::ApiError;
use crate::ingest_tokens::TokenLookup;
use crate::AppState;

/// The client's address, as the server attached it (`None` when the router is served without).
type Client = Option<Extension<ConnectInfo<std::net::SocketAddr>>>;

pub fn routes() -> Router<AppState> {
    Router::new().route("/ingest/{format}/{token}", post(push).get(poll))
}

/// Response to a device.
#[derive(Serialize, utoipa::ToSchema)]
pub struct IngestResponse {
    /// Events stored (new occurrences and updates of ongoing ones).
    pub accepted: usize,
    pub heartbeats: u32,
    /// Alerts raised or updated; `null` when the events were queued on the event bus
    /// (multi-node mode), where rules run after the device has been answered.
    pub alerts: Option<usize>,
    /// True when the events were queued on the event bus (acknowledged by JetStream).
    pub queued: bool,
}

/// What the request is, beyond its format.
enum Request {
    /// A pushed body; `query` is the raw URL query (ZKTeco's `table=` is read from it).
    Push { query: Option<String> },
    /// ZKTeco `GET` handshake or poll: no body, a heartbeat.
    Poll { query: Option<String> },
}

/// The format of an `/ingest/{format}/…` path segment; `None` answers 404 like any unknown path.
fn format_of(segment: &str) -> Option<DeviceFormat> {
    DeviceFormat::ALL.into_iter().find(|f| f.ingest_path() == segment)
}

/// `POST /ingest/{format}/{token}`: a pushed body in the device's format.
async fn push(
    state: State<AppState>,
    client: Client,
    Path((format, token)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match format_of(&format) {
        Some(format) => ingest(state, client, token, headers, body, format, Request::Push { query }).await,
        None => ApiError::not_found().into_response(),
    }
}

/// `GET /ingest/zkteco/{token}`: the iclock handshake or poll; other formats only push.
async fn poll(
    state: State<AppState>,
    client: Client,
    Path((format, token)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    match format_of(&format) {
        Some(DeviceFormat::Zkteco) => {
            ingest(
                state,
                client,
                token,
                headers,
                Body::empty(),
                DeviceFormat::Zkteco,
                Request::Poll { query },
            )
            .await
        }
        Some(_) => StatusCode::METHOD_NOT_ALLOWED.into_response(),
        None => ApiError::not_found().into_response(),
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

async fn ingest(
    State(state): State<AppState>,
    client: Client,
    token: String,
    headers: HeaderMap,
    body: Body,
    format: DeviceFormat,
    request: Request,
) -> Response {
    let client = client.map(|Extension(ConnectInfo(addr))| addr.ip());
    let result = ingest_inner(&state, client, &token, &headers, body, format, &request).await;
    metrics::count_request(match &result {
        Ok(_) => "ok",
        Err(e) => match e.code {
            ErrorCode::UnknownIngestToken => "unknown_token",
            ErrorCode::PayloadTooLarge => "too_large",
            ErrorCode::Busy => "busy",
            ErrorCode::Unavailable | ErrorCode::Internal => "unavailable",
            _ => "undecodable",
        },
    });
    match result {
        Ok(r) => {
            METRICS.heartbeats.inc_by(u64::from(r.heartbeats));
            match (format, &request) {
                // iclock firmware reads the body as text: `OK`, or the options after a handshake.
                (DeviceFormat::Zkteco, Request::Poll { query })
                    if query_param(query.as_deref(), "options").is_some() =>
                {
                    let sn = query_param(query.as_deref(), "SN");
                    plain(neibao_ingest::zkteco::handshake_options(sn))
                }
                (DeviceFormat::Zkteco, _) => plain("OK\n".to_string()),
                _ => (StatusCode::OK, Json(r)).into_response(),
            }
        }
        Err(e) => {
            let retry = matches!(e.code, ErrorCode::Busy | ErrorCode::Unavailable | ErrorCode::Internal);
            // A store failure is not the device's fault: tell it to come back (503), never 500.
            let e = if e.code == ErrorCode::Internal {
                ApiError::new(ErrorCode::Unavailable)
            } else {
                e
            };
            let mut resp = e.into_response();
            if retry {
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from_static("2"));
            }
            resp
        }
    }
}

fn plain(text: String) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

async fn ingest_inner(
    state: &AppState,
    client: Option<std::net::IpAddr>,
    token: &str,
    headers: &HeaderMap,
    body: Body,
    format: DeviceFormat,
    request: &Request,
) -> Result<IngestResponse, ApiError> {
    // Back-pressure first: a saturated node refuses before reading the body, so memory stays
    // bounded by max_ingest_in_flight × max_ingest_body.
    let _permit = state
        .ingest_permits
        .clone()
        .try_acquire_owned()
        .map_err(|_| ApiError::new(ErrorCode::Busy))?;
    // Known tokens come from a cache; unknown ones cost a read only within the client address's
    // budget (crate::ingest_tokens), so a flood of made-up tokens cannot occupy the database.
    let hash = token_hash(token);
    let device = match state
        .ingest_tokens
        .resolve(&hash, client, || state.store.device_for_ingest(&hash))
        .await?
    {
        TokenLookup::Device(d) => d,
        TokenLookup::Unknown => return Err(ApiError::new(ErrorCode::UnknownIngestToken)),
        TokenLookup::Limited => return Err(ApiError::new(ErrorCode::Busy)),
    };
    let too_large = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > state.config.max_ingest_body);
    if too_large {
        return Err(ApiError::new(ErrorCode::PayloadTooLarge));
    }
    let body = axum::body::to_bytes(body, state.config.max_ingest_body)
        .await
        .map_err(|e| {
            let too_large = std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            if too_large {
                ApiError::new(ErrorCode::PayloadTooLarge)
            } else {
                ApiError::msg(ErrorCode::UndecodablePayload, "读取请求体失败")
            }
        })?;
    if format != device.format {
        return Err(ApiError::msg(
            ErrorCode::UnsupportedMediaType,
            format!(
                "该设备的接入格式为「{}」，请使用 /ingest/{}/…",
                device.format.label_zh(),
                device.format.ingest_path()
            ),
        ));
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let decoded = match (format, request) {
        (_, Request::Poll { .. }) => Ok(DecodedPayload {
            events: Vec::new(),
            heartbeats: 1,
        }),
        (DeviceFormat::Hikvision, _) => neibao_ingest::decode_hikvision(content_type, &body),
        (DeviceFormat::GenericJson, _) => neibao_ingest::decode_generic_json(&body),
        (DeviceFormat::Dahua, _) => neibao_ingest::decode_dahua(content_type, &body),
        (DeviceFormat::Onvif, _) => neibao_ingest::decode_onvif(&body),
        (DeviceFormat::Frigate, _) => neibao_ingest::decode_frigate(&body),
        (DeviceFormat::Gb28181, _) => neibao_ingest::decode_gb28181(&body),
        (DeviceFormat::Zkteco, Request::Push { query }) => {
            neibao_ingest::decode_zkteco(query_param(query.as_deref(), "table"), &body)
        }
    };
    let mut decoded = decoded.map_err(|e| {
        tracing::info!(device = %device.id, code = e.code(), "undecodable device payload");
        ApiError::msg(
            ErrorCode::UndecodablePayload,
            format!("{}（{}）", ErrorCode::UndecodablePayload.message_zh(), e.message_zh()),
        )
    })?;
    decoded.events.iter_mut().for_each(DecodedEvent::sanitize);
    let out = state
        .bus
        .submit(&device, &decoded, &body, content_type, Utc::now())
        .await
        .map_err(|e| match e {
            BusError::Busy => ApiError::new(ErrorCode::Busy),
            BusError::Unavailable(why) => {
                tracing::warn!(%why, "event bus unavailable");
                ApiError::new(ErrorCode::Unavailable)
            }
            BusError::Store(e) => e.into(),
        })?;
    Ok(IngestResponse {
        accepted: out.events,
        heartbeats: out.heartbeats,
        alerts: out.alerts,
        queued: out.alerts.is_none(),
    })
}

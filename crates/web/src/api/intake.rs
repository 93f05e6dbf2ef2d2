//! Device intake endpoints: the HTTP adapter of the one intake path
//! ([`neibao_engine::intake::IntakeService`]). Security-sensitive: the bytes come from devices and
//! anyone on the network.
//!
//! - `POST /ingest/hikvision/{ingest_token}`: Hikvision ISAPI pushes (XML, JSON, multipart),
//!   decoded by `neibao_ingest::decode_hikvision` (docs/DEVICE-FORMATS.md §1–2).
//! - `POST /ingest/json/{ingest_token}`: the generic JSON shape (docs/EVENTS.md).
//! - `POST /ingest/dahua/{ingest_token}`, `/ingest/onvif/…`, `/ingest/frigate/…`,
//!   `/ingest/gb28181/…`: the decoders of docs/DEVICE-FORMATS.md §3–6 (docs/EVENTS.md).
//! - `POST /ingest/zkteco/{ingest_token}?table=ATTLOG|rtlog|rtstate|…`: ZKTeco ADMS `cdata`
//!   uploads (§7), answered `OK` in plain text as the devices expect; `GET` on the same path is
//!   the iclock handshake/poll: counted as a heartbeat and answered with the options text when the
//!   query has `options=`, else `OK`.
//!
//! Answers: 200 `{"accepted": n, "heartbeats": h, "alerts": a, "queued": q}`; 401 unknown token;
//! 413 body over the limit; 400 undecodable body with a stable code; 415 a format other than the
//! device's; 429 (`busy`) when the node has too many payloads in flight, the bus backlog is over
//! its limit, or the client's address has used up its lookups of unknown tokens
//! (`neibao_engine::intake::tokens`: 20, then 2 a second); 503 (`unavailable`) when the database
//! or the bus cannot take the payload — both with `Retry-After`. Never 500 for any byte sequence. A 200 means the events are durably stored
//! (single box) or acknowledged by JetStream (multi-node).
//!
//! Back-pressure stays here: a saturated node refuses before reading the body, so memory stays
//! bounded by `max_ingest_in_flight × max_ingest_body` (the permits are HTTP's; MQTT and pull
//! streams are bounded by their own workers and queues).
//!
//! The client's address, for the budget of unknown tokens, is the socket's peer that the server
//! attaches to each request (`ConnectInfo`, `neibao::server`); nothing is read from
//! `X-Forwarded-For`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Json, Router};
use neibao_domain::devices::DeviceFormat;
use neibao_domain::error::ErrorCode;
use neibao_engine::intake::{count_refusal, Delivery, Received, Refusal};
use serde::Serialize;

use crate::error::ApiError;
use crate::state::AppState;

/// The client's socket address, as the server attached it (`None` when the router is served
/// without it).
type Client = Option<Extension<ConnectInfo<SocketAddr>>>;

/// The address the intake path charges unknown tokens to. Served without client addresses, all
/// requests share one budget (the unspecified address) rather than none.
fn client_ip(client: Client) -> IpAddr {
    client.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |Extension(ConnectInfo(addr))| {
        addr.ip()
    })
}

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

/// This adapter's part of the OpenAPI document (the device answer's schema).
#[derive(utoipa::OpenApi)]
#[openapi(components(schemas(IngestResponse)))]
pub struct Doc;

/// The format of an `/ingest/{format}/…` path segment; `None` answers 404 like any unknown path.
fn format_of(segment: &str) -> Option<DeviceFormat> {
    DeviceFormat::ALL.into_iter().find(|f| f.ingest_path() == segment)
}

/// `POST /ingest/{format}/{token}`: a pushed body in the device's format.
async fn push(
    State(state): State<AppState>,
    client: Client,
    Path((format, token)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match format_of(&format) {
        Some(format) => {
            let delivery = Delivery::Push {
                query: query.as_deref(),
            };
            ingest(&state, client_ip(client), &token, &headers, body, format, delivery).await
        }
        None => ApiError::not_found().into_response(),
    }
}

/// `GET /ingest/zkteco/{token}`: the iclock handshake or poll; other formats only push.
async fn poll(
    State(state): State<AppState>,
    client: Client,
    Path((format, token)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    match format_of(&format) {
        Some(DeviceFormat::Zkteco) => {
            let delivery = Delivery::Poll {
                query: query.as_deref(),
            };
            let client = client_ip(client);
            ingest(
                &state,
                client,
                &token,
                &headers,
                Body::empty(),
                DeviceFormat::Zkteco,
                delivery,
            )
            .await
        }
        Some(_) => StatusCode::METHOD_NOT_ALLOWED.into_response(),
        None => ApiError::not_found().into_response(),
    }
}

async fn ingest(
    state: &AppState,
    client: IpAddr,
    token: &str,
    headers: &HeaderMap,
    body: Body,
    format: DeviceFormat,
    delivery: Delivery<'_>,
) -> Response {
    // Back-pressure first: a saturated node refuses before reading the body.
    let Ok(_permit) = state.ingest_permits.clone().try_acquire_owned() else {
        let refusal = Refusal::Busy;
        count_refusal(&refusal);
        return refused(refusal);
    };
    let max = state.config.max_ingest_body;
    let declared_too_large = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > max);
    // Read only once the token resolved to a device.
    let read = async move {
        if declared_too_large {
            return Err(Refusal::TooLarge);
        }
        axum::body::to_bytes(body, max).await.map_err(|e| {
            let too_large = std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            if too_large {
                Refusal::TooLarge
            } else {
                Refusal::Unreadable
            }
        })
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    match state
        .services
        .intake
        .receive(token, Some(client), format, delivery, content_type, read)
        .await
    {
        Ok(received) => accepted(received),
        Err(refusal) => refused(refusal),
    }
}

fn accepted(r: Received) -> Response {
    match r.reply {
        // iclock firmware reads the body as text: `OK`, or the options after a handshake.
        Some(text) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            text,
        )
            .into_response(),
        None => (
            StatusCode::OK,
            Json(IngestResponse {
                accepted: r.events,
                heartbeats: r.heartbeats,
                alerts: r.alerts,
                queued: r.alerts.is_none(),
            }),
        )
            .into_response(),
    }
}

fn refused(refusal: Refusal) -> Response {
    let retry = refusal.retry_later();
    let e = ApiError::from(neibao_engine::ServiceError::from(refusal));
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

//! The HTTP server: accepts connections and serves the router on them (HTTP/1.1, and HTTP/2 with
//! prior knowledge) with limits that keep a node answering whatever a client does with its
//! sockets (docs/SECURITY.md, "Connections").
//!
//! - **Header deadline.** A new connection must deliver a complete request header within
//!   [`ServerConfig::header_timeout`] of being accepted — not of its first byte: a socket that
//!   sends nothing is closed too.
//! - **Idle timeout.** A connection with no request in flight is closed
//!   [`ServerConfig::idle_timeout`] after its last answer was written. The next request's header
//!   must be complete by then.
//! - **Connection caps.** At most [`ServerConfig::max_connections`] connections are open, and
//!   at most [`ServerConfig::max_connections_per_address`] from one client address (an IPv4
//!   address; an IPv6 /64, since one IPv6 host usually holds a whole /64; IPv4-mapped IPv6 counts
//!   as IPv4). A new connection over a cap closes an idle one to make room — of the same address
//!   when that address is at its cap, else of the address holding the most connections — the
//!   one idle longest first, and connections whose last request was a device post that was
//!   accepted only after all others. Connections with a request in flight are never closed for
//!   room; when none is idle the newcomer is answered 503 and closed.
//! - **Room for devices.** Requests other than device ingest (`/ingest/…`) and the health
//!   checks (`/healthz`, `/readyz`) may occupy at most three quarters of `max_connections` at
//!   once; beyond that they are answered 429 (`busy`, `Retry-After`) at once, so a flood of
//!   UI or API requests cannot take the connections devices need.
//! - **Client address.** Each request carries `axum::extract::ConnectInfo<SocketAddr>` (the
//!   ingest-token limits use it).
//!
//! [`raise_fd_limit`] raises the process's open-file limit where the OS allows, and
//! [`ServerConfig::fit_fd_limit`] keeps the caps below it, so that a flood never reaches
//! "Too many open files".

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderValue, Request, Response, Version};
use axum::response::IntoResponse;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use neibao_domain::error::ErrorCode;
use neibao_engine::intake::address_group;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// File descriptors kept free for everything that is not a client connection (database
/// connections, SQLite's files, MQTT and pull clients, logs).
pub const FD_RESERVE: u64 = 256;

/// How long requests in flight may finish after shutdown is asked for.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// How long a connection closed for room or on a timeout, while a request raced in, may take
/// to finish that request (the router answers 408 after 30 s).
const CLOSE_GRACE: Duration = Duration::from_secs(35);

/// Requests in flight on one HTTP/2 connection.
const H2_MAX_STREAMS: u32 = 16;

/// Limits of the accept loop.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// From accept to the complete header of the first request.
    pub header_timeout: Duration,
    /// From the end of an answer to the complete header of the next request on the same
    /// connection (keep-alive).
    pub idle_timeout: Duration,
    /// Open client connections, all addresses together.
    pub max_connections: usize,
    /// Open client connections from one address (IPv4 address or IPv6 /64).
    pub max_connections_per_address: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            max_connections: 4096,
            max_connections_per_address: 256,
        }
    }
}

impl ServerConfig {
    /// The caps lowered, where needed, so that the connections fit under an open-file limit of
    /// `nofile` with [`FD_RESERVE`] (at most a quarter of the limit) left for everything else.
    pub fn fit_fd_limit(mut self, nofile: u64) -> Self {
        let room = nofile.saturating_sub(FD_RESERVE.min(nofile / 4)).max(1);
        self.max_connections = self
            .max_connections
            .clamp(1, usize::try_from(room).unwrap_or(usize::MAX));
        self.max_connections_per_address = self.max_connections_per_address.clamp(1, self.max_connections);
        self
    }

    /// Connections that requests other than device ingest and health checks may occupy.
    pub fn max_other_requests(&self) -> usize {
        (self.max_connections - self.max_connections / 4).max(1)
    }
}

/// The open-file limit of the process, before and after [`raise_fd_limit`].
#[derive(Debug, Clone, Copy)]
pub struct FdLimit {
    pub before: u64,
    pub after: u64,
    pub hard: u64,
}

/// Raises the soft open-file limit (RLIMIT_NOFILE) towards `wanted`, as far as the hard limit
/// allows. `None` where the platform has no such limit or it cannot be read.
pub fn raise_fd_limit(wanted: u64) -> Option<FdLimit> {
    if !rlimit::Resource::NOFILE.is_supported() {
        return None;
    }
    let (before, hard) = rlimit::Resource::NOFILE.get().ok()?;
    let after = rlimit::increase_nofile_limit(wanted).unwrap_or(before);
    let after = rlimit::Resource::NOFILE.get().map(|(soft, _)| soft).unwrap_or(after);
    Some(FdLimit { before, after, hard })
}

/// Serves `app` on `listener` with the limits of `config` until `shutdown` completes; then stops
/// accepting, lets requests in flight finish for up to 10 s and returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send,
) {
    let mut builder = Builder::new(TokioExecutor::new());
    // hyper's own header timer starts only after the protocol has been sniffed (first bytes);
    // it stays as a backstop, the deadlines proper are kept by `watch_connection`.
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout.max(config.idle_timeout));
    // HTTP/2 multiplexes requests on one connection: keep what one connection can hold in
    // flight near what HTTP/1 allows per address (hyper's default is 200 streams).
    builder.http2().max_concurrent_streams(H2_MAX_STREAMS);
    let builder = Arc::new(builder);
    let shared = Arc::new(Shared::new(config));
    let (stop_tx, stop_rx) = watch::channel(false);
    // Each connection task holds a sender; `recv` returns `None` once all have ended.
    let (alive_tx, mut alive_rx) = tokio::sync::mpsc::channel::<()>(1);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let group = address_group(peer.ip());
                    match shared.admit(group) {
                        Ok((id, conn)) => {
                            tokio::spawn(run_connection(
                                shared.clone(),
                                builder.clone(),
                                app.clone(),
                                Accepted { id, conn, stream, peer },
                                stop_rx.clone(),
                                alive_tx.clone(),
                            ));
                        }
                        Err(full) => refuse(&shared, stream, peer, full),
                    }
                }
                Err(e) => {
                    // EMFILE / ENFILE (the same numbers on Linux, the BSDs and macOS): make room
                    // by closing an idle connection, then back off instead of spinning.
                    if matches!(e.raw_os_error(), Some(23 | 24)) {
                        shared.shed_any_idle();
                    }
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = &mut shutdown => break,
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    drop(alive_tx);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, alive_rx.recv()).await;
}

/// A connection past admission.
struct Accepted {
    id: u64,
    conn: Arc<Conn>,
    stream: TcpStream,
    peer: SocketAddr,
}

/// Why a connection was closed by the server.
#[derive(Debug, Clone, Copy)]
enum Close {
    /// No complete request header in time (header deadline or idle timeout).
    Timeout,
    /// Closed to make room for a new connection.
    Shed,
    /// The server is stopping.
    Shutdown,
}

async fn run_connection(
    shared: Arc<Shared>,
    builder: Arc<Builder<TokioExecutor>>,
    app: Router,
    accepted: Accepted,
    mut stop: watch::Receiver<bool>,
    _alive: tokio::sync::mpsc::Sender<()>,
) {
    let Accepted { id, conn, stream, peer } = accepted;
    let service = ConnService {
        app,
        shared: shared.clone(),
        conn: conn.clone(),
        peer,
    };
    // hyper's own answers to a request head it cannot read (414, 431) get the error body.
    let io = TokioIo::new(crate::head_errors::ErrorBodies::new(stream));
    let connection = builder.serve_connection_with_upgrades(io, service);
    let mut connection = std::pin::pin!(connection);
    let why = loop {
        let deadline = shared.deadline(&conn);
        tokio::select! {
            _ = connection.as_mut() => {
                shared.remove(id);
                return;
            }
            _ = tokio::time::sleep_until(deadline) => {
                if shared.expired(&conn) {
                    break Close::Timeout;
                }
            }
            _ = conn.close.notified() => break Close::Shed,
            _ = stop.changed() => break Close::Shutdown,
        }
    };
    shared.remove(id);
    match why {
        Close::Timeout => {
            shared.timed_out.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(%peer, "connection closed: no complete request header in time");
        }
        Close::Shed => tracing::debug!(%peer, "idle connection closed to make room"),
        Close::Shutdown => {}
    }
    // The task that polls the connection is this one, so nothing is being served between the
    // `select!` and here. A connection that never had a request has nothing to flush: drop it
    // (hyper would otherwise keep reading a partial header until its own timer fires). Else
    // close it gracefully: an idle one closes at once after flushing its last answer, a busy
    // one (a request raced in, or shutdown) finishes the request first.
    if conn.requests.load(Ordering::SeqCst) == 0 && conn.in_flight.load(Ordering::SeqCst) == 0 {
        return;
    }
    connection.as_mut().graceful_shutdown();
    let grace = match why {
        Close::Shutdown => SHUTDOWN_GRACE,
        Close::Timeout | Close::Shed => CLOSE_GRACE,
    };
    let _ = tokio::time::timeout(grace, connection).await;
}

/// Answers 503 to a connection that could not be admitted, without waiting, and closes it.
fn refuse(shared: &Shared, stream: TcpStream, peer: SocketAddr, full: Full) {
    shared.refused.fetch_add(1, Ordering::Relaxed);
    let open = shared.table().conns.len();
    shared.warn_limited(
        match full {
            Full::Address => "connection refused: this address has its maximum of busy connections",
            Full::Server => "connection refused: the server has its maximum of busy connections",
        },
        open,
    );
    tracing::debug!(%peer, ?full, "connection refused");
    let _ = stream.try_write(
        b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
    );
}

/// Which cap refused a connection.
#[derive(Debug, Clone, Copy)]
enum Full {
    Address,
    Server,
}

/// What every connection task shares.
struct Shared {
    config: ServerConfig,
    /// Time origin of [`Conn::idle_since`].
    epoch: Instant,
    table: Mutex<Table>,
    /// Permits for requests other than device ingest and health checks.
    other_requests: Arc<Semaphore>,
    shed: AtomicU64,
    refused: AtomicU64,
    timed_out: AtomicU64,
    /// When a limit was last logged (milliseconds since `epoch`, plus one; 0 = never).
    last_warning: AtomicU64,
}

/// The open connections, by id and by address group.
#[derive(Default)]
struct Table {
    next_id: u64,
    conns: HashMap<u64, (IpAddr, Arc<Conn>)>,
    groups: HashMap<IpAddr, HashSet<u64>>,
}

/// The state of one connection, shared by its task, its requests and the table.
struct Conn {
    /// Requests whose answer has not been completely written yet.
    in_flight: AtomicU64,
    /// Requests started on this connection.
    requests: AtomicU64,
    /// When the connection last became idle: accepted, or an answer finished (milliseconds
    /// since [`Shared::epoch`]).
    idle_since: AtomicU64,
    /// The last request was a device post that was accepted (2xx): closed for room last.
    device: AtomicBool,
    /// Notified when the connection is to close to make room.
    close: Notify,
}

impl Shared {
    fn new(config: ServerConfig) -> Shared {
        Shared {
            other_requests: Arc::new(Semaphore::new(config.max_other_requests())),
            config,
            epoch: Instant::now(),
            table: Mutex::default(),
            shed: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            timed_out: AtomicU64::new(0),
            last_warning: AtomicU64::new(0),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn table(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a new connection from `group`, closing an idle one where a cap requires it.
    fn admit(&self, group: IpAddr) -> Result<(u64, Arc<Conn>), Full> {
        let mut t = self.table();
        let in_group = t.groups.get(&group).map_or(0, HashSet::len);
        if in_group >= self.config.max_connections_per_address {
            let victim = t.groups.get(&group).and_then(|ids| t.oldest_idle(ids.iter()));
            match victim {
                Some(id) => self.shed_locked(&mut t, id),
                None => return Err(Full::Address),
            }
        }
        if t.conns.len() >= self.config.max_connections {
            let largest = t.groups.values().max_by_key(|ids| ids.len());
            let victim = largest
                .and_then(|ids| t.oldest_idle(ids.iter()))
                .or_else(|| t.oldest_idle(t.conns.keys()));
            match victim {
                Some(id) => self.shed_locked(&mut t, id),
                None => return Err(Full::Server),
            }
        }
        let conn = Arc::new(Conn {
            in_flight: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            idle_since: AtomicU64::new(self.now_ms()),
            device: AtomicBool::new(false),
            close: Notify::new(),
        });
        t.next_id += 1;
        let id = t.next_id;
        t.conns.insert(id, (group, conn.clone()));
        t.groups.entry(group).or_default().insert(id);
        Ok((id, conn))
    }

    /// Closes the idle connection that has waited longest, if any (out of file descriptors).
    fn shed_any_idle(&self) {
        let mut t = self.table();
        if let Some(id) = t.oldest_idle(t.conns.keys()) {
            self.shed_locked(&mut t, id);
        }
    }

    fn shed_locked(&self, t: &mut Table, id: u64) {
        if let Some(conn) = t.remove(id) {
            conn.close.notify_one();
            self.shed.fetch_add(1, Ordering::Relaxed);
            self.warn_limited(
                "connection limit reached: closing idle connections to make room",
                t.conns.len(),
            );
        }
    }

    fn remove(&self, id: u64) {
        self.table().remove(id);
    }

    /// Logs a limit being hit at most once every 10 s, with the totals so far (`open`: the
    /// connections open now; callers may hold the table's lock).
    fn warn_limited(&self, what: &'static str, open: usize) {
        let now = self.now_ms() + 1;
        let last = self.last_warning.load(Ordering::Relaxed);
        if last != 0 && now < last + 10_000 {
            return;
        }
        if self
            .last_warning
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            return;
        }
        tracing::warn!(
            open,
            max_connections = self.config.max_connections,
            max_connections_per_address = self.config.max_connections_per_address,
            shed = self.shed.load(Ordering::Relaxed),
            refused = self.refused.load(Ordering::Relaxed),
            timed_out = self.timed_out.load(Ordering::Relaxed),
            "{what}"
        );
    }

    /// When the connection must next be looked at: its header deadline or idle timeout, or, with
    /// a request in flight, one idle timeout from now.
    fn deadline(&self, conn: &Conn) -> Instant {
        if conn.in_flight.load(Ordering::SeqCst) > 0 {
            return Instant::now() + self.config.idle_timeout;
        }
        let since = self.epoch + Duration::from_millis(conn.idle_since.load(Ordering::SeqCst));
        since + self.limit(conn)
    }

    fn limit(&self, conn: &Conn) -> Duration {
        if conn.requests.load(Ordering::SeqCst) == 0 {
            self.config.header_timeout
        } else {
            self.config.idle_timeout
        }
    }

    /// True when the connection has no request in flight and its deadline has passed.
    fn expired(&self, conn: &Conn) -> bool {
        conn.in_flight.load(Ordering::SeqCst) == 0 && Instant::now() >= self.deadline(conn)
    }
}

impl Table {
    fn remove(&mut self, id: u64) -> Option<Arc<Conn>> {
        let (group, conn) = self.conns.remove(&id)?;
        if let Some(ids) = self.groups.get_mut(&group) {
            ids.remove(&id);
            if ids.is_empty() {
                self.groups.remove(&group);
            }
        }
        Some(conn)
    }

    /// Of `ids`, the idle connection to close first: not a device's before a device's, then the
    /// one idle longest.
    fn oldest_idle<'a>(&self, ids: impl Iterator<Item = &'a u64>) -> Option<u64> {
        ids.filter_map(|id| {
            let (_, c) = self.conns.get(id)?;
            (c.in_flight.load(Ordering::SeqCst) == 0).then(|| {
                (
                    (c.device.load(Ordering::Relaxed), c.idle_since.load(Ordering::SeqCst)),
                    *id,
                )
            })
        })
        .min()
        .map(|(_, id)| id)
    }
}

/// The hyper service of one connection: the router, with the request counted on the connection
/// until its answer is written, and the client address attached.
struct ConnService {
    app: Router,
    shared: Arc<Shared>,
    conn: Arc<Conn>,
    peer: SocketAddr,
}

type ResponseFuture = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

impl hyper::service::Service<Request<hyper::body::Incoming>> for ConnService {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn call(&self, mut req: Request<hyper::body::Incoming>) -> ResponseFuture {
        let busy = Busy::start(self.shared.clone(), self.conn.clone());
        let path = req.uri().path();
        let ingest = path.starts_with("/ingest/");
        let permit = if ingest || path == "/healthz" || path == "/readyz" {
            None
        } else {
            match self.shared.other_requests.clone().try_acquire_owned() {
                Ok(p) => Some(p),
                Err(_) => {
                    let open = self.shared.table().conns.len();
                    self.shared.warn_limited(
                        "too many requests other than device ingest in flight: answering 429",
                        open,
                    );
                    let resp = overloaded(req.version());
                    return Box::pin(std::future::ready(Ok(resp)));
                }
            }
        };
        req.extensions_mut().insert(ConnectInfo(self.peer));
        let mut app = self.app.clone();
        let conn = self.conn.clone();
        Box::pin(async move {
            let resp = match tower::Service::call(&mut app, req).await {
                Ok(r) => r,
                Err(never) => match never {},
            };
            if ingest {
                conn.device.store(resp.status().is_success(), Ordering::Relaxed);
            }
            Ok(resp.map(|inner| {
                Body::new(Guarded {
                    inner,
                    _busy: busy,
                    _permit: permit,
                })
            }))
        })
    }
}

/// 429 `busy` for a request that found no room, closing an HTTP/1 connection after it.
fn overloaded(version: Version) -> Response<Body> {
    let mut resp = neibao_web::error::ApiError::new(ErrorCode::Busy).into_response();
    if version < Version::HTTP_2 {
        resp.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    resp
}

/// A request in flight on a connection; dropped when its answer has been written (or dropped).
struct Busy {
    shared: Arc<Shared>,
    conn: Arc<Conn>,
}

impl Busy {
    fn start(shared: Arc<Shared>, conn: Arc<Conn>) -> Busy {
        conn.requests.fetch_add(1, Ordering::SeqCst);
        conn.in_flight.fetch_add(1, Ordering::SeqCst);
        Busy { shared, conn }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.conn.idle_since.store(self.shared.now_ms(), Ordering::SeqCst);
        self.conn.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// An answer's body that keeps its request counted (and its permit held) until it is written.
struct Guarded {
    inner: Body,
    _busy: Busy,
    _permit: Option<OwnedSemaphorePermit>,
}

impl http_body::Body for Guarded {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<bytes::Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_fit_under_the_open_file_limit() {
        let c = ServerConfig::default().fit_fd_limit(1024);
        assert_eq!(c.max_connections, 768);
        assert_eq!(c.max_connections_per_address, 256);
        assert_eq!(c.max_other_requests(), 576);
        let c = ServerConfig::default().fit_fd_limit(100);
        assert_eq!(c.max_connections, 75);
        assert_eq!(c.max_connections_per_address, 75);
        let c = ServerConfig::default().fit_fd_limit(1 << 20);
        assert_eq!(c.max_connections, 4096);
        let c = ServerConfig {
            max_connections: 1,
            ..Default::default()
        };
        assert_eq!(c.max_other_requests(), 1);
    }

    fn conn(shared: &Shared, group: &str) -> (u64, Arc<Conn>) {
        shared
            .admit(group.parse().unwrap())
            .unwrap_or_else(|_| panic!("admitted"))
    }

    #[tokio::test]
    async fn the_oldest_idle_connection_of_the_fullest_address_makes_room() {
        let shared = Shared::new(ServerConfig {
            max_connections: 4,
            max_connections_per_address: 2,
            ..Default::default()
        });
        let (a1, c1) = conn(&shared, "10.0.0.1");
        tokio::time::sleep(Duration::from_millis(5)).await;
        let (a2, _c2) = conn(&shared, "10.0.0.1");
        // Per address: the third from 10.0.0.1 closes its oldest idle one.
        let (a3, _) = conn(&shared, "10.0.0.1");
        assert!(!shared.table().conns.contains_key(&a1));
        assert!(shared.table().conns.contains_key(&a2) && shared.table().conns.contains_key(&a3));
        drop(c1);
        // Busy connections are never closed: with both of 10.0.0.2's busy, a third is refused.
        let (_, b1) = conn(&shared, "10.0.0.2");
        let (_, b2) = conn(&shared, "10.0.0.2");
        let _g1 = Busy::start(Arc::new(Shared::new(ServerConfig::default())), b1.clone());
        let _g2 = Busy::start(Arc::new(Shared::new(ServerConfig::default())), b2.clone());
        assert!(matches!(shared.admit("10.0.0.2".parse().unwrap()), Err(Full::Address)));
        // Server full (4): a newcomer from elsewhere closes an idle one of the fullest address
        // that has one (10.0.0.1), not a busy one.
        let (_, _) = conn(&shared, "10.0.0.3");
        assert_eq!(shared.table().conns.len(), 4);
        assert_eq!(shared.table().groups[&"10.0.0.1".parse::<IpAddr>().unwrap()].len(), 1);
        assert_eq!(shared.table().groups[&"10.0.0.2".parse::<IpAddr>().unwrap()].len(), 2);
    }

    #[tokio::test]
    async fn a_device_connection_is_closed_for_room_after_the_others() {
        let shared = Shared::new(ServerConfig {
            max_connections: 2,
            max_connections_per_address: 2,
            ..Default::default()
        });
        let (d, dc) = conn(&shared, "10.0.0.1");
        dc.device.store(true, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(5)).await;
        let (o, _) = conn(&shared, "10.0.0.1");
        let (n, _) = conn(&shared, "10.0.0.1");
        let t = shared.table();
        assert!(t.conns.contains_key(&d), "the device's connection stays");
        assert!(!t.conns.contains_key(&o));
        assert!(t.conns.contains_key(&n));
    }
}

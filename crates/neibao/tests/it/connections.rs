//! The accept loop's protections (`neibao::server`, docs/SECURITY.md "Connections"): idle sockets
//! beyond the caps, per client address on IPv4 and IPv6, the header deadline from accept, the
//! keep-alive idle timeout, room for devices while the UI is flooded, and the per-address budget
//! of unknown ingest tokens. The caps are small here (16–64); every wait is on a condition with a
//! generous deadline, never a bare sleep.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use neibao::server::ServerConfig;
use neibao_web::WebConfig;
use serde_json::json;

use crate::common::*;

const LOCAL: &str = "127.0.0.1";
/// A second loopback address (Linux routes all of 127/8 to lo): another client.
const OTHER: &str = "127.0.0.2";
const PATIENT: Duration = Duration::from_secs(60);

fn limits(max: usize, per_address: usize) -> ServerConfig {
    ServerConfig {
        header_timeout: PATIENT,
        idle_timeout: PATIENT,
        max_connections: max,
        max_connections_per_address: per_address,
    }
}

fn server_addr(app: &TestApp) -> SocketAddr {
    app.base.trim_start_matches("http://").parse().unwrap()
}

/// Opens `n` connections to `server` from the address `from` and sends nothing on them.
async fn idle_sockets(server: SocketAddr, from: &str, n: usize) -> Vec<std::net::TcpStream> {
    let from: IpAddr = from.parse().unwrap();
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let socket = if from.is_ipv4() {
            tokio::net::TcpSocket::new_v4()
        } else {
            tokio::net::TcpSocket::new_v6()
        }
        .unwrap();
        socket.bind(SocketAddr::new(from, 0)).unwrap();
        let s = socket.connect(server).await.unwrap();
        // Non-blocking std socket: `closed` reads it without waiting.
        out.push(s.into_std().unwrap());
    }
    out
}

/// True when the server has closed the socket (end of stream or reset); never blocks.
fn closed(s: &std::net::TcpStream) -> bool {
    let mut buf = [0u8; 1024];
    loop {
        match (&*s).read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return false,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return true,
        }
    }
}

fn open_count(socks: &[std::net::TcpStream]) -> usize {
    socks.iter().filter(|s| !closed(s)).count()
}

/// Waits until `cond` holds, failing after 20 s.
async fn until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !cond() {
        assert!(Instant::now() < deadline, "not within 20 s: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A client with no connection reuse from the address `from`.
fn client_from(from: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(from.parse::<IpAddr>().unwrap())
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap()
}

async fn healthz(app: &TestApp, from: &str) -> u16 {
    let r = client_from(from).get(app.url("/healthz")).send().await;
    r.map(|r| r.status().as_u16())
        .unwrap_or_else(|e| panic!("/healthz from {from}: {e}"))
}

async fn post_event(app: &TestApp, from: &str, path: &str) -> u16 {
    let r = client_from(from)
        .post(app.url(path))
        .json(&json!({"type": "motion", "region": "channel:1"}))
        .send()
        .await;
    r.map(|r| r.status().as_u16())
        .unwrap_or_else(|e| panic!("{path} from {from}: {e}"))
}

/// A unit with one generic-JSON device; returns the device's ingest path.
async fn device(app: &TestApp) -> String {
    let admin = app.admin().await;
    let unit = create_unit(&admin, "连接限制测试单位", "330106", "91330106000000031").await;
    create_device(&admin, &unit, None, "generic_json").await.1
}

/// Item 1 of issue 21: more idle sockets than the limits, from one address and then from a
/// second one. Each address keeps at most its cap, the second address's sockets all survive
/// (room is made from the address holding the most), and /healthz and device ingest answer
/// from both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_sockets_beyond_the_limits_leave_ingest_and_healthz_answering() {
    let app = TestApp::spawn_server(WebConfig::default(), false, limits(64, 48), "127.0.0.1:0").await;
    let path = device(&app).await;
    let addr = server_addr(&app);

    let flood = idle_sockets(addr, LOCAL, 200).await;
    assert_eq!(healthz(&app, LOCAL).await, 200);
    assert_eq!(post_event(&app, LOCAL, &path).await, 200);
    until("one address keeps at most its 48", || open_count(&flood) <= 48).await;

    let others = idle_sockets(addr, OTHER, 30).await;
    assert_eq!(healthz(&app, OTHER).await, 200);
    assert_eq!(post_event(&app, OTHER, &path).await, 200);
    assert_eq!(healthz(&app, LOCAL).await, 200);
    assert_eq!(post_event(&app, LOCAL, &path).await, 200);
    until(
        "the server keeps at most 64: room is made from the fuller address",
        || open_count(&flood) <= 64 - 30,
    )
    .await;
    assert_eq!(
        open_count(&others),
        30,
        "the other address's idle sockets are not closed for room"
    );
}

/// The per-address cap on IPv6 (`[::1]`): beyond it the address's oldest idle sockets close,
/// and /healthz and ingest answer over IPv6.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_address_cap_holds_on_ipv6() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        eprintln!("no IPv6 loopback here: skipped");
        return;
    }
    let app = TestApp::spawn_server(WebConfig::default(), false, limits(64, 32), "[::1]:0").await;
    let path = device(&app).await;
    let flood = idle_sockets(server_addr(&app), "::1", 200).await;
    assert_eq!(healthz(&app, "::1").await, 200);
    assert_eq!(post_event(&app, "::1", &path).await, 200);
    until("::1 keeps at most its 32", || open_count(&flood) <= 32).await;
    assert!(open_count(&flood) >= 16, "the newest idle sockets stay open");
}

/// The header deadline runs from accept: a socket that sends nothing and one that trickles a
/// header byte every 100 ms are both closed after about 1 s (hyper's own timer, here 30 s,
/// would start only at the first byte).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_header_deadline_runs_from_accept() {
    let app = TestApp::spawn_server(
        WebConfig::default(),
        false,
        ServerConfig {
            header_timeout: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(30),
            ..Default::default()
        },
        "127.0.0.1:0",
    )
    .await;
    let addr = server_addr(&app);
    let start = Instant::now();
    let silent = idle_sockets(addr, LOCAL, 1).await;
    let mut trickle = idle_sockets(addr, LOCAL, 1).await.pop().unwrap();
    trickle.write_all(b"GET /healthz HTTP/1.1\r\nX-Slow: ").unwrap();
    let deadline = start + Duration::from_secs(20);
    let mut trickle_closed = None;
    while trickle_closed.is_none() {
        assert!(
            Instant::now() < deadline,
            "the trickling socket was not closed within 20 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        if trickle.write_all(b"x").is_err() || closed(&trickle) {
            trickle_closed = Some(start.elapsed());
        }
    }
    until("the silent socket is closed", || closed(&silent[0])).await;
    let t = trickle_closed.unwrap();
    assert!(t >= Duration::from_millis(900), "closed before its deadline: {t:?}");
    assert!(t < Duration::from_secs(15), "closed by the deadline from accept: {t:?}");
}

/// After an answer the idle timeout (5 s) applies, not the header deadline (1 s): a second
/// request 2 s later on the same connection is answered; then the idle connection is closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kept_alive_connections_close_after_the_idle_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn_server(
        WebConfig::default(),
        false,
        ServerConfig {
            header_timeout: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(5),
            ..Default::default()
        },
        "127.0.0.1:0",
    )
    .await;
    let mut s = tokio::net::TcpStream::connect(server_addr(&app)).await.unwrap();
    let request = b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
    let mut buf = vec![0u8; 4096];
    for round in 0..2 {
        if round == 1 {
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        s.write_all(request).await.unwrap();
        let n = tokio::time::timeout(Duration::from_secs(15), s.read(&mut buf))
            .await
            .expect("answered")
            .unwrap();
        assert!(
            String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"),
            "round {round}"
        );
    }
    let answered = Instant::now();
    let n = tokio::time::timeout(Duration::from_secs(20), s.read(&mut buf))
        .await
        .expect("closed within 20 s")
        .unwrap_or(0);
    assert_eq!(n, 0, "closed, not answered");
    assert!(
        answered.elapsed() >= Duration::from_millis(4500),
        "{:?}",
        answered.elapsed()
    );
}

/// Requests other than ingest and health checks may hold three quarters of the connections
/// (12 of 16): with 16 slow UI requests (a login whose body never comes), 4 are answered 429 at
/// once, further UI requests too, while /healthz and device ingest are answered; when the slow
/// ones go away the UI answers again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_ingest_answers_while_the_ui_is_flooded() {
    let app = TestApp::spawn_server(WebConfig::default(), false, limits(16, 16), "127.0.0.1:0").await;
    let path = device(&app).await;
    let mut slow = idle_sockets(server_addr(&app), LOCAL, 16).await;
    for s in &mut slow {
        s.write_all(
            b"POST /api/v1/session HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n",
        )
        .unwrap();
    }
    let mut answers = vec![Vec::new(); slow.len()];
    until("4 of the 16 slow logins are answered 429", || {
        for (s, got) in slow.iter().zip(answers.iter_mut()) {
            let mut buf = [0u8; 1024];
            while let Ok(n @ 1..) = (&*s).read(&mut buf) {
                got.extend_from_slice(&buf[..n]);
            }
        }
        answers.iter().filter(|a| a.starts_with(b"HTTP/1.1 429")).count() >= 4
    })
    .await;
    assert_eq!(answers.iter().filter(|a| !a.is_empty()).count(), 4, "12 stay in flight");

    let r = client_from(LOCAL).get(app.url("/login")).send().await.unwrap();
    assert_eq!(r.status(), 429, "no room for more UI requests");
    assert!(r.headers().contains_key("retry-after"));
    assert_eq!(healthz(&app, LOCAL).await, 200);
    for _ in 0..5 {
        assert_eq!(post_event(&app, LOCAL, &path).await, 200);
    }

    drop(slow);
    let ui = client_from(LOCAL);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let s = ui.get(app.url("/login")).send().await.unwrap().status();
        if s == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "the UI did not answer again: {s}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Issue 21: unknown ingest tokens cost a database read each. Now an address gets 20 lookups of
/// unknown tokens (and 2 more a second) and then 429 without a read; a real device is answered
/// from another address, and from the flooding one once its token is cached.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_ingest_tokens_are_limited_per_address() {
    let app = TestApp::spawn().await;
    let path = device(&app).await;
    let flood = reqwest::Client::builder()
        .local_address(LOCAL.parse::<IpAddr>().unwrap())
        .build()
        .unwrap();
    let start = Instant::now();
    let (mut unknown, mut limited) = (0, 0);
    for i in 0..80 {
        let r = flood
            .post(app.url(&format!("/ingest/json/made-up-token-{i}")))
            .json(&json!({"type": "motion"}))
            .send()
            .await
            .unwrap();
        match r.status().as_u16() {
            401 => unknown += 1,
            429 => {
                assert!(r.headers().contains_key("retry-after"));
                limited += 1
            }
            s => panic!("unexpected status {s}"),
        }
    }
    let refilled = (start.elapsed().as_secs_f64() * 2.0).ceil() as usize;
    assert!(unknown >= 20, "the first 20 are looked up: {unknown}");
    assert!(
        unknown <= 20 + refilled,
        "then 2 a second: {unknown} in {:?}",
        start.elapsed()
    );
    assert_eq!(unknown + limited, 80);
    assert_eq!(
        post_event(&app, OTHER, &path).await,
        200,
        "another address has its own budget"
    );
    assert_eq!(
        post_event(&app, LOCAL, &path).await,
        200,
        "a cached device is answered from anywhere"
    );
}

//! `neibao bench idle`: issue 21, item 1, reproduced against a server on this machine. Opens
//! many connections that send nothing, then, for a fixed time, asks `/healthz` and posts a
//! device heartbeat on fresh connections every 250 ms, and reports how many were answered, how
//! fast, and how many of the idle sockets the server closed. `scripts/load-idle.sh` starts a
//! server under a low open-file limit and runs this against it.
//!
//! Bounded: loopback addresses only, at most [`MAX_SOCKETS`] sockets and [`MAX_SECONDS`]
//! seconds; every connect and request has a time limit.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use tokio::task::JoinSet;

pub const MAX_SOCKETS: usize = 20_000;
pub const MAX_SECONDS: u64 = 300;

/// A Hikvision heartbeat (the demo devices push Hikvision), as access terminals send it.
const HEARTBEAT: &str =
    r#"{"channelID":1,"eventType":"heartBeat","eventState":"active","eventDescription":"heartBeat"}"#;

#[derive(Debug, Clone)]
pub struct IdleArgs {
    /// Base URL of the server, on a loopback address.
    pub url: String,
    /// Idle connections to open.
    pub sockets: usize,
    /// How long to probe while they are open.
    pub seconds: u64,
    /// Ingest path to post the heartbeat to (e.g. `/ingest/hikvision/demo-gate-camera`).
    pub ingest_path: Option<String>,
    /// Spread the idle sockets over this many client addresses, 127.0.0.1, 127.0.0.2, … (an
    /// IPv4 server only; 1–254).
    pub addresses: u8,
}

/// Answers to one kind of probe.
#[derive(Debug, Clone, Default)]
pub struct ProbeStats {
    pub sent: usize,
    /// Answered with a 2xx status.
    pub ok: usize,
    pub p50_ms: f64,
    pub max_ms: f64,
}

#[derive(Debug, Clone)]
pub struct IdleReport {
    pub opened: usize,
    pub connect_failures: usize,
    /// Idle sockets the server had closed when the probing ended.
    pub closed_by_server: usize,
    pub healthz: ProbeStats,
    pub ingest: Option<ProbeStats>,
}

impl IdleReport {
    /// True when every probe was answered with a 2xx.
    pub fn all_answered(&self) -> bool {
        self.healthz.ok == self.healthz.sent && self.ingest.as_ref().is_none_or(|s| s.ok == s.sent)
    }

    /// The lines `neibao bench idle` prints: sockets, then one line per kind of probe.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "idle sockets: {} opened ({} failed to connect), {} closed by the server, {} still open\n",
            self.opened,
            self.connect_failures,
            self.closed_by_server,
            self.opened - self.closed_by_server
        );
        let probes = std::iter::once(("/healthz", &self.healthz)).chain(self.ingest.iter().map(|p| ("ingest", p)));
        for (name, p) in probes {
            s.push_str(&format!(
                "{name}: {} of {} answered 2xx, p50 {:.1} ms, max {:.1} ms\n",
                p.ok, p.sent, p.p50_ms, p.max_ms
            ));
        }
        s
    }
}

pub async fn run(args: IdleArgs) -> anyhow::Result<IdleReport> {
    let url = reqwest::Url::parse(&args.url).with_context(|| format!("--url {}", args.url))?;
    let ip: IpAddr = match url.host_str() {
        Some("localhost") => Ipv4Addr::LOCALHOST.into(),
        Some(h) => h
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .context("--url must name a loopback address (127.0.0.0/8, [::1] or localhost)")?,
        None => bail!("--url must name a loopback address (127.0.0.0/8, [::1] or localhost)"),
    };
    if !ip.is_loopback() {
        bail!("--url must name a loopback address (127.0.0.0/8, [::1] or localhost), not {ip}");
    }
    if args.sockets > MAX_SOCKETS || args.seconds == 0 || args.seconds > MAX_SECONDS {
        bail!("at most {MAX_SOCKETS} sockets and 1–{MAX_SECONDS} seconds");
    }
    if args.addresses == 0 || args.addresses == 255 || (args.addresses > 1 && !ip.is_ipv4()) {
        bail!("--addresses must be 1–254, and more than 1 only with an IPv4 server");
    }
    let addr = SocketAddr::new(ip, url.port_or_known_default().unwrap_or(80));
    let wanted = args.sockets as u64 + 256;
    if let Some(limit) = crate::server::raise_fd_limit(wanted) {
        if limit.after < wanted {
            bail!(
                "this process may open {} files, {wanted} are needed: raise its limit (ulimit -n)",
                limit.after
            );
        }
    }

    // The idle sockets, 64 connects at a time, 3 s each at most.
    let mut socks = Vec::with_capacity(args.sockets);
    let mut connect_failures = 0;
    let mut pending = JoinSet::new();
    let mut started = 0;
    while started < args.sockets || !pending.is_empty() {
        while started < args.sockets && pending.len() < 64 {
            let from = (args.addresses > 1)
                .then(|| Ipv4Addr::new(127, 0, 0, 1 + (started % usize::from(args.addresses)) as u8));
            pending.spawn(tokio::time::timeout(Duration::from_secs(3), connect(addr, from)));
            started += 1;
        }
        match pending.join_next().await {
            Some(Ok(Ok(Ok(s)))) => socks.push(s.into_std()?),
            Some(_) => connect_failures += 1,
            None => {}
        }
    }

    // Probes on fresh connections every 250 ms.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(5))
        .build()?;
    let base = url.as_str().trim_end_matches('/').to_string();
    let mut probes = JoinSet::new();
    let end = Instant::now() + Duration::from_secs(args.seconds);
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    while Instant::now() < end {
        tick.tick().await;
        let (h, b) = (http.clone(), base.clone());
        probes.spawn(async move { ("healthz", timed(h.get(format!("{b}/healthz"))).await) });
        if let Some(p) = &args.ingest_path {
            let (h, u) = (http.clone(), format!("{base}{p}"));
            probes.spawn(async move {
                let req = h.post(u).header("content-type", "application/json").body(HEARTBEAT);
                ("ingest", timed(req).await)
            });
        }
    }
    let (mut healthz, mut ingest) = (Vec::new(), Vec::new());
    while let Some(r) = probes.join_next().await {
        let (kind, answer) = r?;
        if kind == "healthz" {
            healthz.push(answer);
        } else {
            ingest.push(answer);
        }
    }
    let closed_by_server = socks.iter().filter(|s| closed(s)).count();
    Ok(IdleReport {
        opened: socks.len(),
        connect_failures,
        closed_by_server,
        healthz: stats(&healthz),
        ingest: args.ingest_path.as_ref().map(|_| stats(&ingest)),
    })
}

/// A connection to `addr`, from the address `from` when given.
async fn connect(addr: SocketAddr, from: Option<Ipv4Addr>) -> std::io::Result<tokio::net::TcpStream> {
    match from {
        None => tokio::net::TcpStream::connect(addr).await,
        Some(from) => {
            let socket = tokio::net::TcpSocket::new_v4()?;
            socket.bind(SocketAddr::new(from.into(), 0))?;
            socket.connect(addr).await
        }
    }
}

/// The request's time in ms when it was answered with a 2xx, else `None`.
async fn timed(req: reqwest::RequestBuilder) -> Option<f64> {
    let t = Instant::now();
    let r = req.send().await.ok()?;
    let ok = r.status().is_success();
    r.bytes().await.ok()?;
    ok.then(|| t.elapsed().as_secs_f64() * 1000.0)
}

fn stats(answers: &[Option<f64>]) -> ProbeStats {
    let mut ok: Vec<f64> = answers.iter().flatten().copied().collect();
    ok.sort_by(f64::total_cmp);
    ProbeStats {
        sent: answers.len(),
        ok: ok.len(),
        p50_ms: ok.get(ok.len() / 2).copied().unwrap_or(f64::NAN),
        max_ms: ok.last().copied().unwrap_or(f64::NAN),
    }
}

/// True when the server has closed the socket (end of stream or reset); never blocks.
fn closed(s: &std::net::TcpStream) -> bool {
    use std::io::Read;
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

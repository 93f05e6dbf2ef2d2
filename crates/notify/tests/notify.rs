//! End-to-end tests of the delivery layer against local receivers: an axum server standing in
//! for webhook receivers and the DingTalk / WeCom robot APIs, and a minimal fake SMTP server.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine as _;
use chrono::TimeZone;
use neibao_notify::{
    backoff, deliver, dingtalk_sign, http_client, verify_signature, ChannelConfig, Notification, MAX_ATTEMPTS,
};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const SECRET: &str = "whsec-0123456789abcdef";
const DING_SECRET: &str = "SEC0123456789abcdef0123456789abcdef";

fn sample(id: &str) -> Notification {
    Notification {
        id: id.into(),
        alert_id: "al-42".into(),
        title: "周界入侵".into(),
        severity: "high".into(),
        severity_label: "高".into(),
        unit_name: "第一中学".into(),
        device_name: Some("东门摄像机\u{7}[点我](http://evil)".into()),
        rule: "夜间周界入侵".into(),
        happened_at: chrono::Utc.with_ymd_and_hms(2024, 5, 1, 16, 30, 5).unwrap(),
        link: Some("https://nb.example/alerts/al-42".into()),
        summary: "检测到人员翻越围墙\n持续 12 秒".into(),
        escalation_level: 1,
        category: Default::default(),
    }
}

async fn serve(router: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    addr
}

// ---------------------------------------------------------------------------------------------
// Signed webhook
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct WebhookState {
    /// Number of requests received, whatever the answer.
    hits: usize,
    /// Answer with this status for the first `fail_first` requests.
    fail_first: usize,
    fail_status: u16,
    /// Accepted deliveries: (delivery id header, timestamp header, parsed body).
    accepted: Vec<(String, i64, serde_json::Value)>,
}

type Shared<T> = Arc<Mutex<T>>;

async fn webhook_receiver(
    State(st): State<Shared<WebhookState>>,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    let h = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let mut st = st.lock().unwrap();
    st.hits += 1;
    if st.hits <= st.fail_first {
        return StatusCode::from_u16(st.fail_status).unwrap();
    }
    let (delivery, ts, sig) = (h("x-neibao-delivery"), h("x-neibao-timestamp"), h("x-neibao-signature"));
    if !verify_signature(SECRET, &ts, &body, &sig) {
        return StatusCode::UNAUTHORIZED;
    }
    if h("content-type") != "application/json; charset=utf-8" {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE;
    }
    // Idempotent receiver: a delivery id seen before is acknowledged but not stored again.
    if st.accepted.iter().any(|(d, _, _)| *d == delivery) {
        return StatusCode::OK;
    }
    let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
    st.accepted.push((delivery, ts.parse().unwrap(), value));
    StatusCode::OK
}

async fn webhook_server(fail_first: usize, fail_status: u16) -> (String, Shared<WebhookState>) {
    let st = Arc::new(Mutex::new(WebhookState {
        fail_first,
        fail_status,
        ..Default::default()
    }));
    let app = Router::new()
        .route("/hook", post(webhook_receiver))
        .with_state(st.clone());
    let addr = serve(app).await;
    (format!("http://{addr}/hook"), st)
}

fn webhook(url: &str, secret: &str) -> ChannelConfig {
    ChannelConfig::Webhook {
        url: url.into(),
        secret: secret.into(),
    }
}

#[tokio::test]
async fn webhook_is_signed_and_carries_delivery_id() {
    let (url, st) = webhook_server(0, 500).await;
    let client = http_client().unwrap();
    let n = sample("outbox-1");
    deliver(&client, &webhook(&url, SECRET), &n).await.unwrap();

    let st = st.lock().unwrap();
    assert_eq!(st.accepted.len(), 1);
    let (delivery, ts, body) = &st.accepted[0];
    assert_eq!(delivery, "outbox-1");
    assert!((chrono::Utc::now().timestamp() - ts).abs() < 60);
    assert_eq!(body["type"], "alert");
    assert_eq!(body["id"], "outbox-1");
    assert_eq!(body["alert_id"], "al-42");
    assert_eq!(body["severity"], "high");
    assert_eq!(body["severity_label"], "高");
    assert_eq!(body["happened_at"], "2024-05-01T16:30:05Z");
    assert_eq!(body["escalation_level"], 1);
    // The JSON body carries the raw notification (receivers render it themselves).
    let back: Notification = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(back, n);
}

#[tokio::test]
async fn webhook_fails_twice_then_is_received_exactly_once() {
    let (url, st) = webhook_server(2, 503).await;
    let client = http_client().unwrap();
    let channel = webhook(&url, SECRET);
    let n = sample("outbox-7");

    // What the outbox worker does, without the waiting: try, and on a retryable error
    // schedule another attempt after `backoff(attempt)`.
    let mut attempts = 0;
    let mut errors = Vec::new();
    loop {
        attempts += 1;
        match deliver(&client, &channel, &n).await {
            Ok(()) => break,
            Err(e) => {
                assert!(e.retryable, "{e}");
                assert!(attempts < MAX_ATTEMPTS, "gave up: {e}");
                let wait = backoff(attempts);
                assert!(wait.as_secs() >= 24 && wait.as_secs() <= 3600);
                errors.push(e.message);
            }
        }
    }
    assert_eq!(attempts, 3);
    assert_eq!(errors, vec!["Webhook接收端返回 HTTP 503", "Webhook接收端返回 HTTP 503"]);
    let st = st.lock().unwrap();
    assert_eq!(st.hits, 3);
    assert_eq!(st.accepted.len(), 1, "delivered exactly once");
    assert_eq!(st.accepted[0].0, "outbox-7");
}

#[tokio::test]
async fn webhook_status_classification() {
    let client = http_client().unwrap();
    let n = sample("outbox-2");
    for (status, retryable) in [
        (500, true),
        (502, true),
        (503, true),
        (429, true),
        (408, true),
        (400, false),
        (404, false),
        (410, false),
    ] {
        let (url, _st) = webhook_server(1, status).await;
        let e = deliver(&client, &webhook(&url, SECRET), &n).await.unwrap_err();
        assert_eq!(e.retryable, retryable, "HTTP {status}: {e}");
        assert!(e.message.contains(&status.to_string()), "{e}");
    }
}

#[tokio::test]
async fn webhook_with_wrong_secret_is_rejected_permanently() {
    let (url, st) = webhook_server(0, 500).await;
    let client = http_client().unwrap();
    let e = deliver(&client, &webhook(&url, "another-secret-0123456789"), &sample("x"))
        .await
        .unwrap_err();
    assert!(!e.retryable);
    assert!(e.message.contains("401"));
    assert!(st.lock().unwrap().accepted.is_empty());
}

#[tokio::test]
async fn redirect_is_permanent_and_not_followed() {
    async fn redirect() -> impl IntoResponse {
        (StatusCode::FOUND, [("location", "http://127.0.0.1:9/elsewhere")])
    }
    let addr = serve(Router::new().route("/hook", post(redirect))).await;
    let client = http_client().unwrap();
    let e = deliver(&client, &webhook(&format!("http://{addr}/hook"), SECRET), &sample("x"))
        .await
        .unwrap_err();
    assert!(!e.retryable, "{e}");
    assert!(e.message.contains("302"), "{e}");
}

#[tokio::test]
async fn connection_refused_is_retryable_and_hides_url_secrets() {
    // Bind then drop a listener to get a port where nothing listens.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = http_client().unwrap();
    let url = format!("http://127.0.0.1:{port}/robot/send?access_token=topsecrettoken123");
    let e = deliver(
        &client,
        &ChannelConfig::DingTalk {
            url: url.clone(),
            secret: Some(DING_SECRET.into()),
        },
        &sample("x"),
    )
    .await
    .unwrap_err();
    assert!(e.retryable, "{e}");
    assert!(!e.message.contains("topsecrettoken123"), "{e}");
    assert!(!e.message.contains(DING_SECRET), "{e}");

    let e = deliver(&client, &webhook(&url, SECRET), &sample("x"))
        .await
        .unwrap_err();
    assert!(e.retryable, "{e}");
    assert!(!e.message.contains("topsecrettoken123"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// DingTalk and WeCom robots
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct RobotState {
    /// JSON answered with HTTP 200 (or raw text when not JSON).
    answer: String,
    requests: Vec<(HashMap<String, String>, serde_json::Value)>,
}

async fn robot_receiver(
    State(st): State<Shared<RobotState>>,
    Query(q): Query<HashMap<String, String>>,
    Json(body): Json<serde_json::Value>,
) -> impl IntoResponse {
    let mut st = st.lock().unwrap();
    st.requests.push((q, body));
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        st.answer.clone(),
    )
}

async fn robot_server(path: &str, answer: &str) -> (String, Shared<RobotState>) {
    let st = Arc::new(Mutex::new(RobotState {
        answer: answer.into(),
        ..Default::default()
    }));
    let app = Router::new().route(path, post(robot_receiver)).with_state(st.clone());
    let addr = serve(app).await;
    (format!("http://{addr}{path}"), st)
}

#[tokio::test]
async fn dingtalk_signed_markdown() {
    let (base, st) = robot_server("/robot/send", r#"{"errcode":0,"errmsg":"ok"}"#).await;
    let client = http_client().unwrap();
    let channel = ChannelConfig::DingTalk {
        url: format!("{base}?access_token=tok123"),
        secret: Some(DING_SECRET.into()),
    };
    deliver(&client, &channel, &sample("d-1")).await.unwrap();

    let st = st.lock().unwrap();
    let (q, body) = &st.requests[0];
    assert_eq!(q["access_token"], "tok123");
    let ts: i64 = q["timestamp"].parse().unwrap();
    assert!((chrono::Utc::now().timestamp_millis() - ts).abs() < 60_000);
    // Recompute the 加签 signature; axum's Query has already url-decoded `sign`.
    assert_eq!(q["sign"], dingtalk_sign(DING_SECRET, ts));
    let raw_sign = base64::engine::general_purpose::STANDARD.decode(&q["sign"]).unwrap();
    assert_eq!(raw_sign.len(), 32);

    assert_eq!(body["msgtype"], "markdown");
    assert_eq!(body["markdown"]["title"], "【内保预警·高】周界入侵");
    let text = body["markdown"]["text"].as_str().unwrap();
    for needle in [
        "**告警**：周界入侵",
        "**单位**：第一中学",
        "**设备**：东门摄像机［点我］(http://evil)",
        "**规则**：夜间周界入侵",
        "**级别**：高",
        "**时间**：2024-05-02 00:30:05（北京时间）",
        "**升级**：第 1 次升级",
        "> 检测到人员翻越围墙",
        "> 持续 12 秒",
        "[查看告警详情](https://nb.example/alerts/al-42)",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in {text}");
    }
    assert!(!text.contains('\u{7}'));
}

#[tokio::test]
async fn dingtalk_without_secret_sends_no_signature() {
    let (base, st) = robot_server("/robot/send", r#"{"errcode":0,"errmsg":"ok"}"#).await;
    let client = http_client().unwrap();
    let channel = ChannelConfig::DingTalk {
        url: format!("{base}?access_token=tok123"),
        secret: None,
    };
    deliver(&client, &channel, &sample("d-2")).await.unwrap();
    let st = st.lock().unwrap();
    let (q, _) = &st.requests[0];
    assert_eq!(q.len(), 1);
    assert_eq!(q["access_token"], "tok123");
}

#[tokio::test]
async fn dingtalk_error_codes() {
    let client = http_client().unwrap();
    for (answer, retryable, needle) in [
        (
            r#"{"errcode":310000,"errmsg":"sign not match"}"#,
            false,
            "310000：sign not match",
        ),
        (r#"{"errcode":300001,"errmsg":"token is not exist"}"#, false, "300001"),
        (r#"{"errcode":130101,"errmsg":"send too fast"}"#, true, "130101"),
        (r#"{"errcode":-1,"errmsg":"busy"}"#, true, "-1"),
        ("<html>proxy</html>", true, "无法解析"),
        (r#"{"errmsg":"ok"}"#, true, "errcode"),
    ] {
        let (base, _st) = robot_server("/robot/send", answer).await;
        let channel = ChannelConfig::DingTalk {
            url: format!("{base}?access_token=tok"),
            secret: Some(DING_SECRET.into()),
        };
        let e = deliver(&client, &channel, &sample("d-3")).await.unwrap_err();
        assert_eq!(e.retryable, retryable, "{answer}: {e}");
        assert!(e.message.contains(needle), "{answer}: {e}");
        assert!(e.message.starts_with("钉钉"), "{e}");
    }
}

#[tokio::test]
async fn wecom_markdown() {
    let (base, st) = robot_server("/cgi-bin/webhook/send", r#"{"errcode":0,"errmsg":"ok"}"#).await;
    let client = http_client().unwrap();
    let channel = ChannelConfig::WeCom {
        url: format!("{base}?key=693a91f6-7xxx-4bc4"),
    };
    deliver(&client, &channel, &sample("w-1")).await.unwrap();
    let st = st.lock().unwrap();
    let (q, body) = &st.requests[0];
    assert_eq!(q["key"], "693a91f6-7xxx-4bc4");
    assert_eq!(body["msgtype"], "markdown");
    let content = body["markdown"]["content"].as_str().unwrap();
    for needle in [
        "内保预警",
        ">**告警**：周界入侵",
        ">**单位**：第一中学",
        ">**设备**：东门摄像机［点我］(http://evil)",
        ">**级别**：<font color=\"warning\">高</font>",
        ">**时间**：2024-05-02 00:30:05（北京时间）",
        "[查看告警详情](https://nb.example/alerts/al-42)",
    ] {
        assert!(content.contains(needle), "missing {needle:?} in {content}");
    }
    assert!(content.len() <= 4096);
}

#[tokio::test]
async fn wecom_error_codes() {
    let client = http_client().unwrap();
    for (answer, retryable) in [
        (r#"{"errcode":45009,"errmsg":"api freq out of limit"}"#, true),
        (r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#, false),
        (r#"{"errcode":40008,"errmsg":"invalid message type"}"#, false),
    ] {
        let (base, _st) = robot_server("/cgi-bin/webhook/send", answer).await;
        let channel = ChannelConfig::WeCom {
            url: format!("{base}?key=k"),
        };
        let e = deliver(&client, &channel, &sample("w-2")).await.unwrap_err();
        assert_eq!(e.retryable, retryable, "{answer}: {e}");
        assert!(e.message.starts_with("企业微信返回错误"), "{e}");
    }
}

#[tokio::test]
async fn robot_http_errors() {
    async fn overloaded() -> impl IntoResponse {
        StatusCode::SERVICE_UNAVAILABLE
    }
    async fn forbidden() -> impl IntoResponse {
        StatusCode::FORBIDDEN
    }
    let addr = serve(
        Router::new()
            .route("/busy", post(overloaded))
            .route("/forbidden", post(forbidden)),
    )
    .await;
    let client = http_client().unwrap();
    let e = deliver(
        &client,
        &ChannelConfig::WeCom {
            url: format!("http://{addr}/busy?key=k"),
        },
        &sample("x"),
    )
    .await
    .unwrap_err();
    assert!(e.retryable, "{e}");
    let e = deliver(
        &client,
        &ChannelConfig::DingTalk {
            url: format!("http://{addr}/forbidden?access_token=t"),
            secret: None,
        },
        &sample("x"),
    )
    .await
    .unwrap_err();
    assert!(!e.retryable, "{e}");
}

// ---------------------------------------------------------------------------------------------
// SMTP
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default, Clone)]
struct SmtpCapture {
    mail_from: String,
    rcpt_to: Vec<String>,
    data: String,
    commands: Vec<String>,
}

/// A minimal SMTP server: 220 greeting, EHLO/HELO → 250, MAIL/RCPT → 250, DATA → 354,
/// end of data → 250, RSET/NOOP → 250, QUIT → 221. `reject` = (command prefix, or "." for the
/// end of data; reply line) replaces the reply to that command.
async fn fake_smtp(reject: Option<(&'static str, &'static str)>) -> (u16, Shared<SmtpCapture>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let cap: Shared<SmtpCapture> = Arc::default();
    let cap2 = cap.clone();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let cap = cap2.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                let reply = |cmd: &str, ok: &'static str| -> String {
                    match reject {
                        Some((prefix, line)) if cmd.to_ascii_uppercase().starts_with(prefix) => {
                            format!("{line}\r\n")
                        }
                        _ => format!("{ok}\r\n"),
                    }
                };
                w.write_all(b"220 fake.local ESMTP ready\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    cap.lock().unwrap().commands.push(line.clone());
                    let upper = line.to_ascii_uppercase();
                    let answer = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        "250-fake.local\r\n250 8BITMIME\r\n".to_string()
                    } else if upper.starts_with("MAIL FROM:") {
                        cap.lock().unwrap().mail_from = line[10..].trim().to_string();
                        reply(&line, "250 2.1.0 OK")
                    } else if upper.starts_with("RCPT TO:") {
                        cap.lock().unwrap().rcpt_to.push(line[8..].trim().to_string());
                        reply(&line, "250 2.1.5 OK")
                    } else if upper == "DATA" {
                        w.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await.unwrap();
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            let l = l.strip_prefix('.').unwrap_or(&l); // dot-stuffing
                            data.push_str(l);
                            data.push_str("\r\n");
                        }
                        cap.lock().unwrap().data = data;
                        reply(".", "250 2.0.0 queued")
                    } else if upper == "QUIT" {
                        let _ = w.write_all(b"221 2.0.0 bye\r\n").await;
                        return;
                    } else if upper == "RSET" || upper == "NOOP" {
                        "250 OK\r\n".to_string()
                    } else {
                        "502 5.5.2 not implemented\r\n".to_string()
                    };
                    if w.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, cap)
}

fn email(port: u16) -> ChannelConfig {
    ChannelConfig::Email {
        smtp_host: "127.0.0.1".into(),
        smtp_port: port,
        username: None,
        password: None,
        from: "内保平台 <alerts@nb.example>".into(),
        to: vec!["duty@unit.example".into(), "chief@unit.example".into()],
        starttls: false,
    }
}

/// Splits a captured message into (unfolded headers, body).
fn split_message(data: &str) -> (Vec<(String, String)>, String) {
    let (head, body) = data.split_once("\r\n\r\n").expect("header/body separator");
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with(' ') || line.starts_with('\t') {
            let last = headers.last_mut().expect("continuation after a header");
            last.1.push(' ');
            last.1.push_str(line.trim());
        } else {
            let (k, v) = line.split_once(':').expect("header line");
            headers.push((k.to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    (headers, body.to_string())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} header in {headers:?}"))
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=` / `=?utf-8?q?…?=`); whitespace between
/// adjacent encoded words is dropped, as the RFC requires.
fn decode_rfc2047(value: &str) -> String {
    let mut out = String::new();
    let mut prev_encoded = false;
    for (i, token) in value.split(' ').enumerate() {
        let encoded = token.starts_with("=?") && token.ends_with("?=") && token.len() > 4;
        if encoded {
            let inner = &token[2..token.len() - 2];
            let mut parts = inner.splitn(3, '?');
            let (charset, enc, text) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
            assert!(charset.eq_ignore_ascii_case("utf-8"), "{charset}");
            let bytes = if enc.eq_ignore_ascii_case("b") {
                base64::engine::general_purpose::STANDARD.decode(text).unwrap()
            } else {
                let mut b = Vec::new();
                let raw = text.as_bytes();
                let mut j = 0;
                while j < raw.len() {
                    match raw[j] {
                        b'_' => b.push(b' '),
                        b'=' => {
                            b.push(u8::from_str_radix(&text[j + 1..j + 3], 16).unwrap());
                            j += 2;
                        }
                        c => b.push(c),
                    }
                    j += 1;
                }
                b
            };
            if i > 0 && !prev_encoded {
                out.push(' ');
            }
            out.push_str(&String::from_utf8(bytes).unwrap());
        } else {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(token);
        }
        prev_encoded = encoded;
    }
    out
}

#[tokio::test]
async fn email_is_sent_with_zh_subject_and_body() {
    let (port, cap) = fake_smtp(None).await;
    let client = http_client().unwrap();
    deliver(&client, &email(port), &sample("e-1")).await.unwrap();

    let cap = cap.lock().unwrap().clone();
    assert_eq!(cap.mail_from, "<alerts@nb.example>");
    assert_eq!(cap.rcpt_to, vec!["<duty@unit.example>", "<chief@unit.example>"]);
    assert!(cap.commands.iter().any(|c| c == "QUIT"), "{:?}", cap.commands);

    let (headers, body) = split_message(&cap.data);
    assert_eq!(
        decode_rfc2047(header(&headers, "subject")),
        "[内保预警][高] 周界入侵（第 1 次升级）"
    );
    assert_eq!(header(&headers, "message-id"), "<neibao.e-1@nb.example>");
    assert!(header(&headers, "to").contains("duty@unit.example"));
    assert!(header(&headers, "from").contains("alerts@nb.example"));
    assert!(header(&headers, "content-type").starts_with("text/plain; charset=utf-8"));
    assert_eq!(header(&headers, "content-transfer-encoding"), "base64");

    let compact: String = body.split_whitespace().collect();
    let text = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(compact).unwrap()).unwrap();
    for needle in [
        "告警：周界入侵\r\n",
        "级别：高\r\n",
        "单位：第一中学\r\n",
        "设备：东门摄像机[点我](http://evil)\r\n",
        "规则：夜间周界入侵\r\n",
        "时间：2024-05-02 00:30:05（北京时间）\r\n",
        "升级：第 1 次升级\r\n",
        "告警编号：al-42\r\n",
        "检测到人员翻越围墙\r\n持续 12 秒\r\n",
        "链接：https://nb.example/alerts/al-42\r\n",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in {text}");
    }
    assert!(!text.contains('\u{7}'));
}

#[tokio::test]
async fn smtp_transient_reply_is_retryable() {
    let client = http_client().unwrap();
    let (port, _) = fake_smtp(Some((".", "451 4.3.0 try again later"))).await;
    let e = deliver(&client, &email(port), &sample("e-2")).await.unwrap_err();
    assert!(e.retryable, "{e}");
    assert!(e.message.contains("451"), "{e}");

    let (port, _) = fake_smtp(Some(("MAIL", "421 4.7.0 too busy"))).await;
    let e = deliver(&client, &email(port), &sample("e-2")).await.unwrap_err();
    assert!(e.retryable, "{e}");
}

#[tokio::test]
async fn smtp_permanent_reply_is_not_retryable() {
    let client = http_client().unwrap();
    let (port, _) = fake_smtp(Some(("RCPT", "550 5.1.1 no such user"))).await;
    let e = deliver(&client, &email(port), &sample("e-3")).await.unwrap_err();
    assert!(!e.retryable, "{e}");
    assert!(e.message.contains("550"), "{e}");

    let (port, _) = fake_smtp(Some((".", "554 5.7.1 rejected as spam"))).await;
    let e = deliver(&client, &email(port), &sample("e-3")).await.unwrap_err();
    assert!(!e.retryable, "{e}");
}

#[tokio::test]
async fn smtp_unreachable_is_retryable_and_bad_config_is_permanent() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = http_client().unwrap();
    let e = deliver(&client, &email(port), &sample("e-4")).await.unwrap_err();
    assert!(e.retryable, "{e}");

    let mut bad = email(port);
    if let ChannelConfig::Email { from, .. } = &mut bad {
        *from = "not an address".into();
    }
    let e = deliver(&client, &bad, &sample("e-4")).await.unwrap_err();
    assert!(!e.retryable, "{e}");
}

#[tokio::test]
async fn starttls_required_fails_when_server_does_not_offer_it() {
    // The fake server does not advertise STARTTLS: lettre must refuse to go on in clear text.
    let (port, cap) = fake_smtp(None).await;
    let mut c = email(port);
    if let ChannelConfig::Email { starttls, .. } = &mut c {
        *starttls = true;
    }
    let client = http_client().unwrap();
    let e = deliver(&client, &c, &sample("e-5")).await.unwrap_err();
    assert!(cap.lock().unwrap().data.is_empty(), "message sent in clear");
    assert!(!cap.lock().unwrap().commands.iter().any(|c| c.starts_with("MAIL")));
    // A configuration problem: waiting will not make the server offer STARTTLS.
    assert!(!e.retryable, "{e}");
    assert!(e.message.contains("STARTTLS"), "{e}");
}

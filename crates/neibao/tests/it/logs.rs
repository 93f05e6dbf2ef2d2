//! After a full demo run of the real binary at debug log level — logins (good and bad), unit
//! registration with personal data, a rejected registration, device events with names and card
//! numbers, unmasked reads with a purpose — no log line and no error body contains a plaintext
//! ID number, phone number, card number or person name.

use serde_json::{json, Value};

use crate::common::uscc;
use crate::multinode::{start_logged, wait_ready};

const ID_NUMBER: &str = "11010519491231002X";
const PHONE: &str = "13812345678";
/// Card number and name in the access-control fixture.
const CARD: &str = "0001234567";
const NAME: &str = "Sam Sample";

/// A GB 11643 ID number: 17 digits and a check character, with a valid checksum.
fn looks_like_id_number(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && neibao_domain::validate::CitizenId::parse(s, chrono::Utc::now().date_naive()).is_ok()
}

/// Whether the digits at `i..j` sit inside a hex identifier (a request id, a UUID's group, a
/// hash: at least 12 hex characters with a letter among them), where a run of digits is chance,
/// not a number someone typed (`…bb14956753291e8…` in a request id is not a mobile number).
fn inside_hex_id(chars: &[char], i: usize, j: usize) -> bool {
    let hex = |c: &char| c.is_ascii_hexdigit();
    let start = chars[..i].iter().rev().take_while(|c| hex(c)).count();
    let end = chars[j..].iter().take_while(|c| hex(c)).count();
    let token = &chars[i - start..j + end];
    token.len() >= 12 && token.iter().any(|c| c.is_ascii_alphabetic())
}

/// Every 18-character run that is a valid ID number, and every mainland mobile number.
fn personal_numbers(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let mut j = i;
            while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == 'X') {
                j += 1;
            }
            if inside_hex_id(&chars, i, j) {
                i = j;
                continue;
            }
            let run: String = chars[i..j].iter().collect();
            let mobile = run.len() == 11 && run.starts_with('1') && matches!(run.as_bytes()[1], b'3'..=b'9');
            if looks_like_id_number(&run) || mobile {
                found.push(run);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_log_line_or_error_body_holds_plaintext_personal_data() {
    assert!(looks_like_id_number(ID_NUMBER) && personal_numbers(&format!("x{PHONE}y")).len() == 1);
    assert_eq!(
        personal_numbers(&format!("电话{PHONE}，id=01a24bb14956753291e89afa5bbfde5e")),
        vec![PHONE.to_string()]
    );
    let dir = tempfile::tempdir().unwrap();
    let (node, log_path) = start_logged(&["--demo"], dir.path(), "debug,hyper=info,h2=info,reqwest=info");
    let http = reqwest::Client::builder().cookie_store(true).build().unwrap();
    wait_ready(&http, &node).await;
    let url = |p: &str| format!("{}{p}", node.base);
    let mut bodies = String::new();
    let call = |r: reqwest::Response| async move {
        let s = r.status().as_u16();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        (s, v)
    };

    // Logins: a wrong password, then the administrator.
    let (s, v) = call(
        http.post(url("/api/v1/session"))
            .json(&json!({"username": PHONE, "password": ID_NUMBER}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 401);
    bodies.push_str(&v.to_string());
    let (s, v) = call(
        http.post(url("/api/v1/session"))
            .json(&json!({"username": "admin", "password": "admin-pass-123"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let csrf = v["csrf_token"].as_str().unwrap().to_string();
    let post = |path: &str, body: Value| http.post(url(path)).header("x-csrf-token", &csrf).json(&body).send();

    // A registration rejected for its phone (the ID number is valid), then an accepted one.
    let unit = |phone: &str, body17: &str| {
        json!({"name": "日志检查单位", "kind": "enterprise", "uscc": uscc(body17), "division_code": "330106",
               "responsible_persons": [{"role": "principal", "name": "王小明", "citizen_id": ID_NUMBER, "phone": phone}]})
    };
    let (s, v) = call(
        post("/api/v1/units", unit("1381234567", "91330106000000041"))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 400, "{v}");
    bodies.push_str(&v.to_string());
    let (s, v) = call(post("/api/v1/units", unit(PHONE, "91330106000000042")).await.unwrap()).await;
    assert_eq!(s, 201, "{v}");
    let unit_id = v["id"].as_str().unwrap().to_string();
    let person = v["responsible_persons"][0]["id"].as_str().unwrap().to_string();
    // A wrong ID number in a lookup.
    let (s, v) = call(
        post(
            "/api/v1/persons/lookup",
            json!({"citizen_id": "11010519491231002Y", "purpose": "核查，电话13812345678"}),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(s, 400);
    bodies.push_str(&v.to_string());
    // Unmasked read with a purpose (the answer holds the plaintext; it must not reach the log).
    let (s, v) = call(
        post(
            &format!("/api/v1/persons/{person}/reveal"),
            json!({"purpose": "日志检查：核对负责人 11010519491231002X"}),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!((s, v["citizen_id"].as_str()), (200, Some(ID_NUMBER)));

    // Device events with a name and a card number, a malformed one, and an unknown token.
    let acs = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/devices/hikvision-acs/accesscontrollerevent_card_pass_plain_json.json"
    ))
    .unwrap();
    for (token, body) in [
        (neibao::demo::DEMO_ACCESS_TERMINAL_TOKEN, acs.clone()),
        (neibao::demo::DEMO_ACCESS_TERMINAL_TOKEN, acs[..acs.len() / 2].to_vec()),
        ("no-such-token", acs.clone()),
    ] {
        let r = http
            .post(url(&format!("/ingest/hikvision/{token}")))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let text = r.text().await.unwrap();
        bodies.push_str(&text);
    }
    // Pages a user browses.
    for p in [
        "/",
        "/units",
        &format!("/units/{unit_id}"),
        "/events",
        "/alerts",
        "/devices",
    ] {
        let r = http.get(url(p)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{p}");
    }
    drop(node);

    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("failed login") && log.contains("neibao listening"),
        "the log was captured:\n{log}"
    );
    for (what, text) in [("log", &log), ("error bodies", &bodies)] {
        for secret in [ID_NUMBER, PHONE, CARD, NAME, "王小明"] {
            assert!(!text.contains(secret), "{what} contains {secret}");
        }
        let found = personal_numbers(text);
        assert!(found.is_empty(), "{what} contains personal numbers: {found:?}");
    }
}

/// A client that never finishes its request headers is disconnected after the header-read
/// timeout; a normal request on another connection is served meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_are_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let (node, _) = start_logged(&["--header-read-timeout", "1"], dir.path(), "warn");
    let http = reqwest::Client::new();
    wait_ready(&http, &node).await;
    let addr = node.base.trim_start_matches("http://").to_string();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let started = std::time::Instant::now();
    let r = http.get(format!("{}/healthz", node.base)).send().await.unwrap();
    assert_eq!(r.status(), 200, "others are served");
    let mut buf = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), slow.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the slow connection was closed");
    let waited = started.elapsed();
    assert!(
        waited >= std::time::Duration::from_millis(900) && waited < std::time::Duration::from_secs(5),
        "{waited:?}"
    );
}

/// `neibao keys rotate` refuses to run while a server uses the data folder (the server would
/// keep writing under a key about to be retired), and runs once it has stopped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_rotation_refuses_to_run_beside_a_server() {
    let dir = tempfile::tempdir().unwrap();
    let (node, _) = start_logged(&[], dir.path(), "warn");
    let http = reqwest::Client::new();
    wait_ready(&http, &node).await;
    let rotate = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_neibao"))
            .args(["keys", "rotate", "--data-dir"])
            .arg(dir.path())
            .output()
            .unwrap()
    };
    let out = rotate();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("正被运行中的 neibao 服务使用"));
    assert!(!dir.path().join("keys/k2.key").exists(), "nothing written");
    drop(node);
    let out = rotate();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.path().join("keys/k2.key").exists());
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.path()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "the data folder is private");
}

//! Province mode: two `neibao serve` processes on one PostgreSQL and one NATS JetStream. Events
//! are posted to both, one node is killed with SIGKILL mid-stream, and every event a node
//! acknowledged must be stored exactly once and raise its alert exactly once.
//!
//! Needs `NEIBAO_TEST_POSTGRES_URL` and `NEIBAO_TEST_NATS_URL` (`.ci/run` sets both); skipped
//! otherwise.

use std::collections::{HashMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use neibao_domain::access::Scope;
use neibao_domain::alerts::AlertFilter;
use neibao_domain::devices::DeviceFormat;
use neibao_domain::devices::NewDevice;
use neibao_domain::events::EventFilter;
use neibao_domain::ids::token_hash;
use neibao_domain::paging::Page;
use neibao_domain::registry::NewUnit;
use neibao_domain::registry::UnitKind;
use neibao_domain::validate::{DivisionCode, Uscc};
use serde_json::json;

use crate::common::{postgres_admin_url, uscc, TestDatabase};

pub(crate) struct Node {
    child: Child,
    pub(crate) base: String,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One unit (a key unit with a key area when `in_key_area`) and a generic-JSON device, reachable
/// with `token`. Returns the device id.
async fn seed_device(store: &dyn neibao_store::Store, uscc_body: &str, in_key_area: bool, token: &str) -> String {
    let now = Utc::now();
    let seed = neibao_domain::access::Principal::system("test");
    let unit = store
        .create_unit(
            NewUnit {
                name: format!("节点测试单位{uscc_body}"),
                kind: UnitKind::Enterprise,
                is_university: false,
                is_private_enterprise: false,
                uscc: Uscc::parse(&uscc(uscc_body)).unwrap(),
                address: String::new(),
                division_code: DivisionCode::parse("330106").unwrap(),
                police_station_id: None,
                competent_department_id: None,
                is_key_unit: in_key_area,
                key_unit_category: in_key_area.then_some(4),
                is_counter_terror_target: false,
                armed_schedule: None,
                responsible_persons: vec![],
            },
            &seed.audit("unit.create", "unit", "", None),
            now,
        )
        .await
        .unwrap();
    let key_area_id = match in_key_area {
        true => Some(
            store
                .create_key_area(
                    &Scope::All,
                    &unit.id,
                    "金库",
                    "",
                    &seed.audit("key_area.create", "key_area", "", Some(&unit.id)),
                    now,
                )
                .await
                .unwrap()
                .id,
        ),
        false => None,
    };
    let device = NewDevice {
        unit_id: unit.id,
        key_area_id,
        format: DeviceFormat::GenericJson,
        kind: "camera".into(),
        name: "测试设备".into(),
        serial: String::new(),
        channel_map: Default::default(),
        time_zone: None,
        ingest_token_hash: token_hash(token),
        location_type: None,
        view_note: None,
    };
    store
        .create_device(
            &Scope::All,
            device,
            &seed.audit("device.create", "device", "", None),
            now,
        )
        .await
        .unwrap()
        .id
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_node(db_url: &str, nats_url: &str, prefix: &str, data_dir: &std::path::Path) -> Node {
    start_process(
        &[
            "--database-url",
            db_url,
            "--nats-url",
            nats_url,
            "--bus-prefix",
            prefix,
            "--bus-partitions",
            "4",
        ],
        data_dir,
    )
}

fn start_process(extra: &[&str], data_dir: &std::path::Path) -> Node {
    start_logged(extra, data_dir, "warn").0
}

/// Starts `neibao serve` with `NEIBAO_LOG=log_level`; stdout and stderr go to the returned file.
pub(crate) fn start_logged(extra: &[&str], data_dir: &std::path::Path, log_level: &str) -> (Node, std::path::PathBuf) {
    let port = free_port();
    let path = data_dir.join(format!("node-{port}.log"));
    let log = std::fs::File::create(&path).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_neibao"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(extra)
        .arg("--data-dir")
        .arg(data_dir)
        .env("NEIBAO_ADMIN_PASSWORD", "admin-pass-123")
        .env("NEIBAO_LOG", log_level)
        .stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(log)
        .spawn()
        .expect("start neibao");
    let node = Node {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    (node, path)
}

pub(crate) async fn wait_ready(http: &reqwest::Client, node: &Node) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = http.get(format!("{}/readyz", node.base)).send().await {
            if r.status() == 200 {
                return;
            }
        }
        assert!(Instant::now() < deadline, "node {} not ready", node.base);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_kill_one_mid_stream_nothing_acknowledged_is_lost_or_doubled() {
    let (Some(pg), Ok(nats)) = (postgres_admin_url(), std::env::var("NEIBAO_TEST_NATS_URL")) else {
        println!("multinode test skipped: NEIBAO_TEST_POSTGRES_URL and NEIBAO_TEST_NATS_URL must both be set");
        return;
    };
    let db = TestDatabase::create(&pg).await;
    let dir = tempfile::tempdir().unwrap();
    let prefix = format!("t{}", uuid::Uuid::now_v7().simple());
    // The registry: one unit, a key area, a generic-JSON device in it with a known token.
    let store = neibao::open_store(Some(&db.url), dir.path(), Duration::from_secs(300))
        .await
        .unwrap();
    let device_id = seed_device(store.as_ref(), "91330106000000201", true, "multinode-token").await;

    let a = start_node(&db.url, &nats, &prefix, dir.path());
    let b = start_node(&db.url, &nats, &prefix, dir.path());
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    wait_ready(&http, &a).await;
    wait_ready(&http, &b).await;

    // Post 240 events, alternating nodes, from 4 concurrent senders; kill node B after ~80.
    let total = 240usize;
    let acked = Arc::new(tokio::sync::Mutex::new(HashSet::new()));
    let sent = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (a_base, b_base) = (a.base.clone(), b.base.clone());
    let mut b = Some(b);
    let mut senders = Vec::new();
    for worker in 0..4 {
        let (http, acked, sent, a_base, b_base) = (
            http.clone(),
            acked.clone(),
            sent.clone(),
            a_base.clone(),
            b_base.clone(),
        );
        senders.push(tokio::spawn(async move {
            for i in (worker..total).step_by(4) {
                let base = if i % 2 == 0 { &a_base } else { &b_base };
                let body = json!({"type": "intrusion.field", "region": format!("seq-{i}"), "target": "human"});
                let r = http
                    .post(format!("{base}/ingest/json/multinode-token"))
                    .json(&body)
                    .send()
                    .await;
                if let Ok(r) = r {
                    if r.status() == 200 {
                        acked.lock().await.insert(i);
                    } else {
                        assert!(
                            r.status() == 429 || r.status() == 503,
                            "unexpected status {}",
                            r.status()
                        );
                    }
                }
                sent.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }));
    }
    while sent.load(std::sync::atomic::Ordering::SeqCst) < total / 3 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut killed = b.take().unwrap();
    killed.child.kill().expect("SIGKILL node B");
    let _ = killed.child.wait();
    for s in senders {
        s.await.unwrap();
    }
    let acked = acked.lock().await.clone();
    assert!(acked.len() >= total / 2, "node A answered too few: {}", acked.len());
    assert!(acked.len() < total, "node B was killed, so some posts must have failed");

    // Node A drains the stream (including what B left unacknowledged).
    let deadline = Instant::now() + Duration::from_secs(60);
    let (per_region, alerts) = loop {
        let mut per_region: HashMap<String, usize> = HashMap::new();
        let mut page = 1;
        loop {
            let l = store
                .list_events(
                    &Scope::All,
                    &EventFilter {
                        device_id: Some(device_id.clone()),
                        ..Default::default()
                    },
                    Page::new(Some(page), Some(200)),
                )
                .await
                .unwrap();
            for e in &l.items {
                *per_region.entry(e.region.clone().unwrap_or_default()).or_default() += 1;
            }
            if (page as i64) * 200 >= l.total {
                break;
            }
            page += 1;
        }
        let alerts = store
            .list_alerts(&Scope::All, &AlertFilter::default(), Page::new(Some(1), Some(200)))
            .await
            .unwrap();
        let done = acked.iter().all(|i| per_region.contains_key(&format!("seq-{i}")))
            && alerts.total as usize >= per_region.len();
        if done || Instant::now() > deadline {
            break (per_region, alerts);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    for i in &acked {
        assert_eq!(
            per_region.get(&format!("seq-{i}")),
            Some(&1),
            "acknowledged event seq-{i} stored {:?} times",
            per_region.get(&format!("seq-{i}"))
        );
    }
    assert!(
        per_region.values().all(|n| *n == 1),
        "an event was stored twice: {per_region:?}"
    );
    // One alert per stored event (each region is its own fingerprint), each counted once.
    assert_eq!(alerts.total as usize, per_region.len(), "alerts raised once per event");
    assert!(alerts
        .items
        .iter()
        .all(|a| a.event_count == 1 && a.rule == "intrusion_key_area"));
    let metrics = http
        .get(format!("{}/metrics", a.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("neibao_ingest_requests_total"), "{metrics}");
    println!(
        "acknowledged {} of {total}; stored {}; alerts {}",
        acked.len(),
        per_region.len(),
        alerts.total
    );
    drop(a);
}

/// Single box: an event the node acknowledged survives `kill -9` of the node (the 200 comes after
/// the SQLite commit), and the node starts again on the same data folder.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_box_kill_nine_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = neibao::open_store(None, dir.path(), Duration::from_secs(300))
            .await
            .unwrap();
        seed_device(store.as_ref(), "91330106000000202", false, "kill9-token").await;
    }
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let node = start_process(&[], dir.path());
    wait_ready(&http, &node).await;
    let acked = Arc::new(tokio::sync::Mutex::new(HashSet::new()));
    let mut senders = Vec::new();
    for w in 0..4usize {
        let (http, acked, base) = (http.clone(), acked.clone(), node.base.clone());
        senders.push(tokio::spawn(async move {
            for i in (w..400).step_by(4) {
                let body = json!({"type": "access.granted", "region": format!("seq-{i}")});
                match http
                    .post(format!("{base}/ingest/json/kill9-token"))
                    .json(&body)
                    .send()
                    .await
                {
                    Ok(r) if r.status() == 200 => {
                        acked.lock().await.insert(i);
                    }
                    _ => {}
                }
            }
        }));
    }
    // Kill the node while the senders are at it.
    while acked.lock().await.len() < 60 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let mut node = node;
    node.child.kill().unwrap();
    let _ = node.child.wait();
    for s in senders {
        s.await.unwrap();
    }
    let acked = acked.lock().await.clone();
    assert!(
        acked.len() >= 60 && acked.len() < 400,
        "killed mid-stream: {} acknowledged",
        acked.len()
    );
    // Restart on the same folder; every acknowledged event is there, once.
    let again = start_process(&[], dir.path());
    wait_ready(&http, &again).await;
    let store = neibao::open_store(None, dir.path(), Duration::from_secs(300))
        .await
        .unwrap();
    let evs = store
        .list_events(&Scope::All, &EventFilter::default(), Page::new(Some(1), Some(200)))
        .await
        .unwrap();
    let mut all = evs.items;
    let mut page = 2;
    while (all.len() as i64) < evs.total {
        all.extend(
            store
                .list_events(&Scope::All, &EventFilter::default(), Page::new(Some(page), Some(200)))
                .await
                .unwrap()
                .items,
        );
        page += 1;
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for e in &all {
        *seen.entry(e.region.clone().unwrap_or_default()).or_default() += 1;
    }
    for i in &acked {
        assert_eq!(
            seen.get(&format!("seq-{i}")),
            Some(&1),
            "acknowledged seq-{i} lost or doubled"
        );
    }
    println!("kill -9: {} acknowledged, {} stored", acked.len(), all.len());
}

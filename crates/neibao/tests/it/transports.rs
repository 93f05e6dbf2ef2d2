//! Device transports wired to the ingest path: the MQTT subscriber against the machine's Mosquitto
//! (generic topic → event → alert; a Frigate prefix mapped to a device) and a Dahua attach pull
//! stream from a local fake device, each ending as stored events of the right device.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

use crate::common::*;

fn token_of(path: &str) -> String {
    path.rsplit('/').next().unwrap().to_string()
}

async fn wait_for<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn events_of(admin: &Client, device: &str) -> Vec<Value> {
    let (_, v) = admin.get(&format!("/api/v1/events?device_id={device}")).await;
    v["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn mqtt_messages_become_events_and_alerts() {
    let Ok(url) = std::env::var("NEIBAO_TEST_MQTT") else {
        eprintln!("skipped: NEIBAO_TEST_MQTT unset (e.g. mqtt://127.0.0.1:1883)");
        return;
    };
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "MQTT测试单位（虚构）", "330106", "91330106MA2MQT001").await;
    let (_, area) = admin
        .post(&format!("/api/v1/units/{unit}/key_areas"), json!({"name": "仓库"}))
        .await;
    let (generic, generic_path) = create_device(&admin, &unit, area["id"].as_str(), "generic_json").await;
    let (frigate, frigate_path) = create_device(&admin, &unit, None, "frigate").await;

    let suffix = neibao_domain::ids::new_id().replace('-', "");
    let generic_prefix = format!("nbit-{suffix}/events");
    let frigate_prefix = format!("nbit-{suffix}-frigate");
    let sink: Arc<dyn neibao_transport::Sink> = Arc::new(neibao::transports::DeviceSink::new(
        app.services.intake.clone(),
        HashMap::new(),
        HashMap::from([(frigate_prefix.clone(), token_of(&frigate_path))]),
    ));
    let mut cfg = neibao_transport::MqttConfig::new(url.clone(), format!("nbit-{suffix}"));
    cfg.generic_prefix = generic_prefix.clone();
    cfg.frigate_prefixes = vec![frigate_prefix.clone()];
    let status = neibao_transport::StatusHandle::new();
    let (stop, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(neibao_transport::run_mqtt_with_status(
        cfg.clone(),
        sink,
        rx,
        status.clone(),
    ));
    wait_for("the subscription", || {
        let s = status.clone();
        async move { s.snapshot().connected }
    })
    .await;

    let broker = cfg.broker().unwrap();
    let mut opts = rumqttc::MqttOptions::new(format!("nbit-pub-{suffix}"), broker.host, broker.port);
    opts.set_keep_alive(StdDuration::from_secs(10));
    let (client, mut el) = rumqttc::AsyncClient::new(opts, 16);
    tokio::spawn(async move { while el.poll().await.is_ok() {} });
    let intrusion = json!({"type": "intrusion.field", "region": "warehouse", "target": "human"});
    client
        .publish(
            format!("{generic_prefix}/{}", token_of(&generic_path)),
            rumqttc::QoS::AtLeastOnce,
            false,
            intrusion.to_string(),
        )
        .await
        .unwrap();
    client
        .publish(
            format!("{frigate_prefix}/events"),
            rumqttc::QoS::AtLeastOnce,
            false,
            fixture("frigate-mqtt/events_new_v0.14_snapshot_object.json"),
        )
        .await
        .unwrap();
    // An unknown token and garbage change nothing and stop nothing.
    client
        .publish(
            format!("{generic_prefix}/no-such-token"),
            rumqttc::QoS::AtLeastOnce,
            false,
            intrusion.to_string(),
        )
        .await
        .unwrap();
    client
        .publish(
            format!("{generic_prefix}/{}", token_of(&generic_path)),
            rumqttc::QoS::AtLeastOnce,
            false,
            vec![0xff, 0x00, 0x7b],
        )
        .await
        .unwrap();

    wait_for("the generic event's alert", || {
        let admin = admin.clone();
        let generic = generic.clone();
        async move {
            let (_, v) = admin.get(&format!("/api/v1/alerts?device_id={generic}")).await;
            v["items"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x["rule"] == "intrusion_key_area"))
        }
    })
    .await;
    wait_for("the Frigate event", || {
        let admin = admin.clone();
        let frigate = frigate.clone();
        async move { !events_of(&admin, &frigate).await.is_empty() }
    })
    .await;
    assert_eq!(events_of(&admin, &generic).await.len(), 1);
    stop.send(true).unwrap();
}

#[tokio::test]
async fn a_dahua_attach_stream_is_pulled_into_events() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "拉流测试单位（虚构）", "330106", "91330106MA2PUL001").await;
    let (device, path) = create_device(&admin, &unit, None, "dahua").await;

    // A fake NVR: answers the attach request with a multipart stream of the fixture, written in
    // small pieces, then keeps the connection open.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let _ = tokio::io::AsyncReadExt::read(&mut sock, &mut buf).await;
                let head = "HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=myboundary\r\nConnection: close\r\n\r\n";
                if sock.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let body = fixture("dahua-eventmanager/crosslinedetection_start_stop.txt");
                for chunk in body.chunks(37) {
                    if sock.write_all(chunk).await.is_err() {
                        return;
                    }
                    let _ = sock.flush().await;
                    tokio::time::sleep(StdDuration::from_millis(1)).await;
                }
                tokio::time::sleep(StdDuration::from_secs(30)).await;
            });
        }
    });

    let (stop, rx) = tokio::sync::watch::channel(false);
    neibao::transports::start(
        app.services.intake.clone(),
        None,
        "nbit",
        HashMap::new(),
        vec![neibao::transports::PullSource {
            token: token_of(&path),
            kind: "dahua_attach".into(),
            url: format!("http://{addr}/cgi-bin/eventManager.cgi?action=attach&codes=[All]&heartbeat=5"),
            username: "admin".into(),
            password: "pw".into(),
        }],
        rx,
    )
    .unwrap();
    wait_for("the pulled events", || {
        let admin = admin.clone();
        let device = device.clone();
        async move {
            events_of(&admin, &device)
                .await
                .iter()
                .any(|e| e["kind"] == "intrusion.line_crossing")
        }
    })
    .await;
    let (_, d) = admin.get(&format!("/api/v1/devices/{device}")).await;
    assert_eq!(d["online"], true, "heard from through the stream: {d}");
    stop.send(true).unwrap();
    // A bad pull configuration is refused with the reason.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("pull.json");
    std::fs::write(&f, r#"{"sources":[{"token":"x","kind":"rtsp","url":"http://a"}]}"#).unwrap();
    let err = neibao::transports::read_pull_file(&f).unwrap_err().to_string();
    assert!(err.contains("unknown pull kind"), "{err}");
}

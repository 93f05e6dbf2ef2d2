//! Early warning (issue 4) through the real interfaces: data rules over HTTP (create, version,
//! conflict, import, backtest), suppression windows, the notification outbox against a local
//! webhook receiver that fails twice, the inbox, jurisdiction on rules, device health and the
//! device-silence sweep.

use std::sync::atomic::Ordering;

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::common::*;

async fn post_json_event(app: &TestApp, path: &str, event: Value) {
    let (s, v) = app.ingest(path, "application/json", event.to_string()).await;
    assert_eq!(s, 200, "{v}");
}

async fn alerts_of(admin: &Client, device: &str) -> Vec<Value> {
    let (s, v) = admin.get(&format!("/api/v1/alerts?device_id={device}")).await;
    assert_eq!(s, 200, "{v}");
    v["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn data_rules_are_versioned_raise_alerts_backtest_and_respect_suppression() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "预警规则测试单位（虚构）", "330106", "91330106MA2RULE01").await;
    let (device, path) = create_device(&admin, &unit, None, "generic_json").await;

    // Invalid specs are refused with the reason.
    let (s, v) = admin
        .post(
            "/api/v1/alert_rules",
            json!({"code": "bad", "title": "坏规则", "severity": "high", "kind": {"type": "match"}, "condition": "nosuch == 1"}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("未知字段"), "{v}");

    let rule = json!({
        "code": "denied_burst", "title": "单位多次验证失败", "severity": "high",
        "kind": {"type": "threshold", "count": 3, "window_seconds": 600, "key": ["unit_id"]},
        "condition": "kind == \"access.denied\"", "group_by": ["unit_id"]
    });
    let (s, v) = admin.post("/api/v1/alert_rules", rule.clone()).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["version"], 1);
    let (s, v) = admin.post("/api/v1/alert_rules", rule.clone()).await;
    assert_eq!(s, 409);
    assert!(v["error"]["message"].as_str().unwrap().contains("已被使用"), "{v}");
    // A rule naming a unit that does not exist: refused with the unit named.
    let mut bad = rule.clone();
    bad["code"] = json!("denied_burst_bad_unit");
    bad["scope"] = json!({"unit_ids": ["abc"]});
    let (s, v) = admin.post("/api/v1/alert_rules", bad).await;
    assert_eq!(s, 400, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("指定单位「abc」不存在"),
        "{v}"
    );

    // Two failures: nothing; the third within the window: one alert of the data rule.
    let denied = json!({"type": "access.denied", "region": "door:1"});
    post_json_event(&app, &path, denied.clone()).await;
    post_json_event(&app, &path, denied.clone()).await;
    assert!(alerts_of(&admin, &device)
        .await
        .iter()
        .all(|a| a["rule"] != "denied_burst"));
    post_json_event(&app, &path, denied.clone()).await;
    let alerts = alerts_of(&admin, &device).await;
    let burst: Vec<_> = alerts.iter().filter(|a| a["rule"] == "denied_burst").collect();
    assert_eq!(burst.len(), 1, "{alerts:?}");
    assert_eq!(burst[0]["severity"], "high");

    // A new version (disabled) needs the version it is based on.
    let mut off = rule.clone();
    off["enabled"] = json!(false);
    let (s, v) = admin
        .put("/api/v1/alert_rules/denied_burst?expected_version=1", off.clone())
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["version"], 2);
    assert_eq!(
        admin
            .put("/api/v1/alert_rules/denied_burst?expected_version=1", off.clone())
            .await
            .0,
        409
    );
    let (_, versions) = admin.get("/api/v1/alert_rules/denied_burst/versions").await;
    assert_eq!(versions.as_array().unwrap().len(), 2);
    let (_, list) = admin.get("/api/v1/alert_rules").await;
    assert_eq!(list["rules"][0]["enabled"], false);
    assert!(list["facts"].as_array().unwrap().len() > 10);

    // Backtest a draft over the stored events: the three failures, a threshold of 2.
    let mut draft = rule.clone();
    draft["code"] = json!("denied_two");
    draft["kind"]["count"] = json!(2);
    let (s, r) = admin
        .post(
            "/api/v1/alert_rules/backtest",
            json!({"rule": draft, "from": Utc::now() - Duration::hours(1), "to": Utc::now() + Duration::minutes(1)}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["events_scanned"], 3, "{r}");
    assert_eq!(r["hit_count"], 2, "{r}");
    assert_eq!(r["alerts"], 1, "{r}");
    assert_eq!(r["hits"][0]["new_alert"], true);
    assert_eq!(r["hits"][1]["new_alert"], false);
    // An unknown unit is a 404, not an empty result.
    let (s, _) = admin
        .post(
            "/api/v1/alert_rules/backtest",
            json!({"code": "denied_burst", "unit_id": "no-such-unit", "from": Utc::now() - Duration::hours(1), "to": Utc::now()}),
        )
        .await;
    assert_eq!(s, 404);
    // Absence rules cannot be backtested; the reason says so.
    let (s, r) = admin
        .post(
            "/api/v1/alert_rules/backtest",
            json!({"rule": {"code": "off", "title": "离线", "severity": "low", "kind": {"type": "absence", "silence_seconds": 600}},
                   "from": Utc::now() - Duration::hours(1), "to": Utc::now()}),
        )
        .await;
    assert_eq!(s, 400, "{r}");

    // A maintenance window suppresses the built-in forced-door alert; ended, it raises again.
    let (s, w) = admin
        .post(
            "/api/v1/suppressions",
            json!({"unit_id": unit, "device_id": device, "from": Utc::now() - Duration::minutes(1),
                   "to": Utc::now() + Duration::hours(1), "reason": "maintenance", "note": "门禁检修"}),
        )
        .await;
    assert_eq!(s, 201, "{w}");
    let forced = json!({"type": "access.door_forced", "region": "door:2"});
    post_json_event(&app, &path, forced.clone()).await;
    assert!(alerts_of(&admin, &device)
        .await
        .iter()
        .all(|a| a["rule"] != "access_door_forced"));
    let (_, ws) = admin.get(&format!("/api/v1/suppressions?unit_id={unit}")).await;
    assert_eq!(ws.as_array().unwrap().len(), 1);
    let (s, _) = admin
        .post(
            &format!("/api/v1/suppressions/{}/end", w["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(s, 204);
    post_json_event(&app, &path, forced).await;
    assert!(alerts_of(&admin, &device)
        .await
        .iter()
        .any(|a| a["rule"] == "access_door_forced"));
    // Bad windows are refused: too long, or for a rule that does not exist.
    let (s, v) = admin
        .post(
            "/api/v1/suppressions",
            json!({"unit_id": unit, "rule": "no_such_rule", "from": Utc::now(), "to": Utc::now() + Duration::hours(1), "reason": "visit"}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    let (s, _) = admin
        .post(
            "/api/v1/suppressions",
            json!({"unit_id": unit, "from": Utc::now(), "to": Utc::now() + Duration::days(40), "reason": "maintenance"}),
        )
        .await;
    assert_eq!(s, 400);

    // The shipped rule file imports once; importing it again changes nothing.
    let file = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/rules/default.json")).unwrap();
    let file: Value = serde_json::from_slice(&file).unwrap();
    let (s, r) = admin.post("/api/v1/alert_rules/import", file.clone()).await;
    assert_eq!(s, 200, "{r}");
    assert!(r["created"].as_array().unwrap().len() >= 10, "{r}");
    let (_, r) = admin.post("/api/v1/alert_rules/import", file).await;
    assert!(
        r["created"].as_array().unwrap().is_empty() && r["updated"].as_array().unwrap().is_empty(),
        "{r}"
    );
    // A broken file stores nothing.
    let (s, _) = admin
        .post("/api/v1/alert_rules/import", json!({"rules": [{"code": "x1", "title": "x", "severity": "low", "kind": {"type": "match"}}, {"code": "x2"}]}))
        .await;
    assert_eq!(s, 400);
    assert_eq!(admin.get("/api/v1/alert_rules/x1/versions").await.0, 404);

    // Device health: the device has been heard from.
    let (s, h) = admin.get("/api/v1/devices/health").await;
    assert_eq!(s, 200, "{h}");
    assert_eq!(h["devices"], 1);
    assert_eq!(h["online"], 1);
    assert_eq!(h["units"][0]["online_rate"], 1.0);
    assert_eq!(h["divisions"][0]["division_code"], "330100", "{h}");
}

#[tokio::test]
async fn outbox_retries_a_failing_webhook_and_delivers_exactly_once() {
    let app = TestApp::spawn_configured(|c| c.engine.public_url = Some("https://neibao.example".into()), false).await;
    let admin = app.admin().await;
    let secret = "0123456789abcdef-neibao-test";
    let (url, calls, accepted, _) = flaky_receiver(2, secret).await;
    // Channels are validated and admin-only; secrets never come back.
    let (s, _) = admin
        .post(
            "/api/v1/notification_channels",
            json!({"name": "坏", "config": {"kind": "webhook", "url": "ftp://x", "secret": secret}}),
        )
        .await;
    assert_eq!(s, 400);
    let (s, ch) = admin
        .post(
            "/api/v1/notification_channels",
            json!({"name": "值班平台", "config": {"kind": "webhook", "url": url, "secret": secret}, "min_severity": "low"}),
        )
        .await;
    assert_eq!(s, 201, "{ch}");
    assert!(!ch.to_string().contains(secret), "{ch}");
    assert!(
        !app.stored_bytes().contains(secret),
        "channel secret stored in plaintext"
    );

    let unit = create_unit(&admin, "通知测试单位（虚构）", "330106", "91330106MA2NTE001").await;
    let (device, path) = create_device(&admin, &unit, None, "generic_json").await;
    post_json_event(&app, &path, json!({"type": "access.door_forced", "region": "door:1"})).await;
    let alert = alerts_of(&admin, &device).await[0]["id"].as_str().unwrap().to_string();

    let store = app.store.clone();
    let t0 = Utc::now();
    let scheduler = app.scheduler("n1");
    scheduler.tick(t0 + Duration::seconds(1)).await.unwrap();
    // Running the fan-out again (a re-claimed job) adds nothing.
    let job = neibao_domain::jobs::Job {
        id: "again".into(),
        kind: neibao_domain::jobs::JobKind::AlertNotify,
        subject_id: alert.clone(),
        due_at: t0,
        payload: json!({"level": 0}),
        attempts: 1,
    };
    neibao_engine::notifications::outbox::on_notify(store.as_ref(), &job, None)
        .await
        .unwrap();

    let outbox = neibao_engine::notifications::outbox::Outbox::new(store.clone(), "n1");
    let r1 = outbox.tick(t0 + Duration::seconds(2)).await.unwrap();
    assert_eq!((r1.delivered, r1.retried), (0, 1), "{r1:?}");
    // Not due again before its backoff (≥ 24 s).
    let early = outbox.tick(t0 + Duration::seconds(10)).await.unwrap();
    assert_eq!(early, Default::default());
    let r2 = outbox.tick(t0 + Duration::minutes(1)).await.unwrap();
    assert_eq!((r2.delivered, r2.retried), (0, 1), "{r2:?}");
    let r3 = outbox.tick(t0 + Duration::minutes(5)).await.unwrap();
    assert_eq!(r3.delivered, 1, "{r3:?}");
    // Delivered means never sent again.
    let later = outbox.tick(t0 + Duration::days(1)).await.unwrap();
    assert_eq!(later, Default::default());
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    let got = accepted.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "received exactly once");

    let (s, d) = admin.get(&format!("/api/v1/alerts/{alert}/deliveries")).await;
    assert_eq!(s, 200, "{d}");
    let d = d.as_array().unwrap();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["status"], "delivered");
    assert_eq!(d[0]["attempts"], 3);
    assert_eq!(d[0]["id"], got[0].as_str());
    assert_eq!(
        d[0]["payload"]["link"],
        format!("https://neibao.example/alerts/{alert}")
    );
}

#[tokio::test]
async fn inbox_jurisdiction_on_rules_and_the_silence_sweep() {
    let app = TestApp::demo().await;
    let store = app.store.clone();
    // The demo alert's fan-out: the unit's users and its police station get an inbox item.
    let scheduler = app.scheduler("n1");
    scheduler.tick(Utc::now() + Duration::seconds(1)).await.unwrap();
    let unit = app.client_for("demo_unit").await;
    let (s, inbox) = unit.get("/api/v1/inbox").await;
    assert_eq!(s, 200, "{inbox}");
    assert!(inbox["unread"].as_i64().unwrap() >= 1, "{inbox}");
    let station = app.client_for("demo_station").await;
    let (_, st) = station.get("/api/v1/inbox").await;
    assert!(st["unread"].as_i64().unwrap() >= 1, "{st}");
    let (_, after) = unit.post("/api/v1/inbox/read", json!({})).await;
    assert_eq!(after["unread"], 0, "{after}");
    // Another unit's manager sees none of it.
    let admin = app.admin().await;
    let (_, admin_inbox) = admin.get("/api/v1/inbox").await;
    assert_eq!(admin_inbox["unread"], 0);

    // Rules: the demo imported the examples; officers write only inside their jurisdiction.
    let (_, list) = admin.get("/api/v1/alert_rules").await;
    assert!(list["rules"].as_array().unwrap().len() >= 10);
    assert_eq!(unit.get("/api/v1/alert_rules").await.0, 403);
    let county = app.client_for("demo_county").await;
    let (_, me) = county.get("/api/v1/me").await;
    let mine = me["division_code"].as_str().unwrap().to_string();
    let spec = |prefix: &str| {
        json!({"code": format!("county_rule_{}", prefix.len()), "title": "县局规则", "severity": "low",
               "kind": {"type": "match"}, "condition": "kind == \"motion\"", "scope": {"division_prefix": prefix}})
    };
    assert_eq!(county.post("/api/v1/alert_rules", spec("3399")).await.0, 403);
    let (s, v) = county.post("/api/v1/alert_rules", spec("")).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["spec"]["scope"]["division_prefix"], mine.as_str());
    assert_eq!(
        station.post("/api/v1/alert_rules", spec("")).await.0,
        403,
        "stations read rules but do not write them"
    );
    // An officer cannot edit a province-wide rule.
    let (s, _) = county
        .put(
            "/api/v1/alert_rules/camera_offline",
            json!({"code": "camera_offline", "title": "改", "severity": "low", "kind": {"type": "absence", "silence_seconds": 600}}),
        )
        .await;
    assert_eq!(s, 403);

    // The demo imports the offline rules switched off (its devices are fictional and silent). Switched
    // on for the demo unit only, an hour of silence raises one alert per camera, and not again for
    // the same silence.
    let (_, me) = unit.get("/api/v1/me").await;
    let demo_unit = me["unit_id"].as_str().unwrap().to_string();
    let (_, versions) = admin.get("/api/v1/alert_rules/camera_offline/versions").await;
    assert_eq!(versions[0]["enabled"], false, "{versions}");
    let mut on = versions[0]["spec"].clone();
    on["enabled"] = json!(true);
    on["scope"]["unit_ids"] = json!([demo_unit]);
    let (s, v) = admin
        .put("/api/v1/alert_rules/camera_offline?expected_version=1", on)
        .await;
    assert_eq!(s, 200, "{v}");
    let engine = neibao_engine::warning::ruleset::RuleEngine::default();
    neibao_engine::warning::engine::reload(store.as_ref(), &engine)
        .await
        .unwrap();
    let sweep = neibao_engine::warning::engine::SilenceSweep::new(store.clone(), engine);
    let later = Utc::now() + Duration::hours(1);
    let raised = sweep.run(later).await.unwrap();
    assert!(
        (1..10).contains(&raised),
        "the demo unit's silent cameras raise offline alerts: {raised}"
    );
    assert_eq!(sweep.run(later + Duration::minutes(1)).await.unwrap(), 0);
    let (_, alerts) = admin.get("/api/v1/alerts?per_page=200").await;
    assert!(
        alerts["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["type"] == "device.offline"
                && a["rule"] == "camera_offline"
                && a["unit_id"] == demo_unit.as_str()),
        "{alerts}"
    );
    // Device health over the demo: most demo devices were never heard from.
    let (s, h) = county.get("/api/v1/devices/health").await;
    assert_eq!(s, 200);
    assert!(h["devices"].as_i64().unwrap() > 0);
    assert!(h["online_rate"].as_f64().unwrap() <= 1.0);
}

/// The one audit row of `action` (a full code), after checking there is exactly one.
async fn audit_row(admin: &Client, action: &str) -> Value {
    let (s, log) = admin.get(&format!("/api/v1/audit?action={action}&per_page=50")).await;
    assert_eq!(s, 200, "{log}");
    let rows: Vec<Value> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == action)
        .cloned()
        .collect();
    assert_eq!(rows.len(), 1, "{action}: {log}");
    rows[0].clone()
}

/// Every change of alerts, rules, suppression windows, channels and the inbox is audited with a
/// semantic action code in the change's own transaction: with the audit chain broken (its head
/// row gone) the change fails and nothing is stored.
#[tokio::test]
async fn changes_are_audited_in_their_transaction_or_not_made() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let unit = app.client_for("demo_unit").await;
    let (_, me) = unit.get("/api/v1/me").await;
    let unit_id = me["unit_id"].as_str().unwrap().to_string();
    let (_, alerts) = unit.get("/api/v1/alerts?status=open").await;
    let alert = alerts["items"][0]["id"].as_str().unwrap().to_string();
    let rule = |code: &str| {
        json!({"code": code, "title": "审计测试规则", "severity": "low", "kind": {"type": "match"},
               "condition": "kind == \"motion\""})
    };
    let window = || {
        json!({"unit_id": unit_id, "from": Utc::now() - Duration::minutes(1), "to": Utc::now() + Duration::hours(1),
               "reason": "maintenance", "note": "审计测试"})
    };
    let secret = "0123456789abcdef-audit-test";
    let channel = |name: &str| json!({"name": name, "config": {"kind": "webhook", "url": "http://127.0.0.1:9/hook", "secret": secret}});

    // Each change leaves its row: who, what, which object, which unit.
    assert_eq!(admin.post("/api/v1/alert_rules", rule("audited_rule")).await.0, 201);
    let r = audit_row(&admin, "alert_rule.create").await;
    assert_eq!(
        (
            r["object_type"].as_str(),
            r["object_id"].as_str(),
            r["actor_name"].as_str()
        ),
        (Some("alert_rule"), Some("audited_rule"), Some("admin"))
    );
    assert_eq!(
        admin
            .put(
                "/api/v1/alert_rules/audited_rule?expected_version=1",
                rule("audited_rule")
            )
            .await
            .0,
        200
    );
    audit_row(&admin, "alert_rule.update").await;
    let (s, _) = admin
        .put("/api/v1/alerts/escalation", json!({"delays_minutes": [10, 20]}))
        .await;
    assert_eq!(s, 200);
    assert!(audit_row(&admin, "escalation_policy.update").await["detail"]
        .as_str()
        .unwrap()
        .contains("[10,20]"));
    let (s, w) = unit.post("/api/v1/suppressions", window()).await;
    assert_eq!(s, 201, "{w}");
    let r = audit_row(&admin, "suppression.create").await;
    assert_eq!(r["object_id"], w["id"]);
    assert_eq!(r["unit_id"], unit_id.as_str());
    let end = format!("/api/v1/suppressions/{}/end", w["id"].as_str().unwrap());
    assert_eq!(unit.post(&end, json!({})).await.0, 204);
    assert_eq!(audit_row(&admin, "suppression.end").await["unit_id"], unit_id.as_str());
    assert_eq!(
        unit.post(&end, json!({})).await.0,
        204,
        "ending it again changes nothing"
    );
    audit_row(&admin, "suppression.end").await;
    let (s, ch) = admin.post("/api/v1/notification_channels", channel("审计渠道")).await;
    assert_eq!(s, 201, "{ch}");
    let r = audit_row(&admin, "channel.create").await;
    assert_eq!(r["object_id"], ch["id"]);
    assert!(!r.to_string().contains(secret), "no secret in the audit log: {r}");
    let switch = format!("/api/v1/notification_channels/{}", ch["id"].as_str().unwrap());
    assert_eq!(admin.put(&switch, json!({"enabled": false})).await.0, 200);
    audit_row(&admin, "channel.disable").await;
    let (s, v) = unit
        .post(
            &format!("/api/v1/alerts/{alert}/acknowledge"),
            json!({"comment": "保安已到场"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let r = audit_row(&admin, "alert.acknowledge").await;
    assert_eq!(
        (r["object_id"].as_str(), r["unit_id"].as_str()),
        (Some(alert.as_str()), Some(unit_id.as_str()))
    );
    assert!(!r.to_string().contains("保安已到场"), "comments stay on the alert: {r}");
    app.scheduler("n1")
        .tick(Utc::now() + Duration::seconds(1))
        .await
        .unwrap();
    let (_, inbox) = unit.get("/api/v1/inbox").await;
    assert!(inbox["unread"].as_i64().unwrap() >= 1, "{inbox}");
    assert_eq!(unit.post("/api/v1/inbox/read", json!({})).await.0, 200);
    assert_eq!(audit_row(&admin, "inbox.read").await["actor_name"], "demo_unit");

    // The chain's head row gone: the change is refused and not stored.
    let head = app.store.audit_head().await.unwrap();
    app.exec_sql("DELETE FROM audit_head").await;
    let (s, _) = admin.post("/api/v1/alert_rules", rule("unaudited_rule")).await;
    assert!(s >= 400, "{s}");
    assert_eq!(admin.get("/api/v1/alert_rules/unaudited_rule/versions").await.0, 404);
    app.exec_sql(&format!(
        "INSERT INTO audit_head (id, first_seq, first_prev_hash, last_seq, last_hash) VALUES (1, {}, '{}', {}, '{}')",
        head.first_seq, head.first_prev_hash, head.last_seq, head.last_hash
    ))
    .await;
    // The audit log not writable: every change fails, and nothing of it is stored.
    app.exec_sql("ALTER TABLE audit_log RENAME TO audit_log_away").await;
    assert_eq!(admin.post("/api/v1/alert_rules", rule("unaudited_rule")).await.0, 500);
    assert_eq!(admin.get("/api/v1/alert_rules/unaudited_rule/versions").await.0, 404);
    assert_eq!(
        admin
            .put(
                "/api/v1/alert_rules/audited_rule?expected_version=2",
                rule("audited_rule")
            )
            .await
            .0,
        500
    );
    let (_, versions) = admin.get("/api/v1/alert_rules/audited_rule/versions").await;
    assert_eq!(versions.as_array().unwrap().len(), 2);
    let (s, _) = admin
        .put("/api/v1/alerts/escalation", json!({"delays_minutes": [5]}))
        .await;
    assert_eq!(s, 500);
    assert_eq!(
        admin.get("/api/v1/alerts/escalation").await.1["delays_minutes"],
        json!([10, 20])
    );
    assert_eq!(unit.post("/api/v1/suppressions", window()).await.0, 500);
    let (_, ws) = unit.get(&format!("/api/v1/suppressions?unit_id={unit_id}")).await;
    assert_eq!(ws.as_array().unwrap().len(), 0, "{ws}");
    assert_eq!(
        admin
            .post("/api/v1/notification_channels", channel("未审计渠道"))
            .await
            .0,
        500
    );
    assert_eq!(admin.put(&switch, json!({"enabled": true})).await.0, 500);
    let (_, channels) = admin.get("/api/v1/notification_channels").await;
    assert_eq!(channels.as_array().unwrap().len(), 1, "{channels}");
    assert_eq!(channels[0]["enabled"], false);
    assert_eq!(
        unit.post(&format!("/api/v1/alerts/{alert}/resolve"), json!({})).await.0,
        500
    );
    assert_eq!(
        unit.get(&format!("/api/v1/alerts/{alert}")).await.1["status"],
        "acknowledged"
    );
    let file = json!({"rules": [rule("unaudited_import")]});
    assert_eq!(admin.post("/api/v1/alert_rules/import", file).await.0, 500);
    assert_eq!(admin.get("/api/v1/alert_rules/unaudited_import/versions").await.0, 404);
    // Nothing was appended meanwhile.
    app.exec_sql("ALTER TABLE audit_log_away RENAME TO audit_log").await;
    assert_eq!(app.store.audit_head().await.unwrap().last_seq, head.last_seq);
    assert!(app.store.audit_rows(head.last_seq, 10).await.unwrap().is_empty());
}

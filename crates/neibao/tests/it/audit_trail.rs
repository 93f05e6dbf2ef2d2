//! The audit trail (issue 21, items 3 and 4): every row names its actor, its object and the unit
//! it concerns, reads as a sentence, and is read inside the jurisdiction; signed checkpoints
//! kept outside the database catch rows appended and backdated after them. Runs on SQLite and,
//! with NEIBAO_TEST_BACKEND=postgres, on PostgreSQL.

use std::process::Command;

use chrono::{Duration, Utc};
use neibao_domain::audit::{link_hash, AuditEntry, ProblemKind};
use serde_json::{json, Value};

use crate::common::*;

async fn unit_of(app: &TestApp, username: &str) -> Value {
    let c = app.client_for(username).await;
    let (_, me) = c.get("/api/v1/me").await;
    let id = me["unit_id"].as_str().unwrap().to_string();
    let (s, u) = c.get(&format!("/api/v1/units/{id}")).await;
    assert_eq!(s, 200, "{u}");
    u
}

/// Walks the main write paths as a county officer and a unit manager and checks every row they
/// wrote: an actor with an id, an object kind and id, and the unit where the object has one.
#[tokio::test]
async fn every_write_names_actor_object_and_unit() {
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let manager = app.client_for("demo_unit").await;
    let demo = unit_of(&app, "demo_unit").await;
    let demo_unit = demo["id"].as_str().unwrap().to_string();
    let start = app.store.audit_head().await.unwrap().last_seq;

    // Registry and devices, as the county officer.
    let division = demo["division_code"].as_str().unwrap();
    let unit = create_unit(&county, "审计测试公司", division, "91330106MA2100211").await;
    let (s, area) = county
        .post(&format!("/api/v1/units/{unit}/key_areas"), json!({"name": "机房"}))
        .await;
    assert_eq!(s, 201, "{area}");
    let area = area["id"].as_str().unwrap().to_string();
    let (device, _) = create_device(&county, &unit, Some(&area), "hikvision").await;
    let (s, v) = county
        .put(&format!("/api/v1/units/{unit}/armed_schedule"), json!({"periods": []}))
        .await;
    assert_eq!(s, 204, "{v}");

    // Supervision: a hazard reported and ordered by the police, an inspection by the unit.
    let (s, h) = county
        .post(
            "/api/v1/hazards",
            json!({"unit_id": demo_unit, "title": "消防通道堵塞", "class": "general", "source": "report"}),
        )
        .await;
    assert_eq!(s, 201, "{h}");
    let hazard = h["id"].as_str().unwrap().to_string();
    let (s, v) = county
        .post(
            &format!("/api/v1/hazards/{hazard}/actions"),
            json!({"action": "issue_order", "deadline": Utc::now() + Duration::days(7), "reason": "限期整改"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, i) = manager.post("/api/v1/inspections", json!({"unit_id": demo_unit})).await;
    assert_eq!(s, 201, "{i}");
    let inspection = i["id"].as_str().unwrap().to_string();

    // Alerts: the demo alert acknowledged by the unit manager.
    let (_, alerts) = manager.get("/api/v1/alerts?status=open").await;
    let alert = alerts["items"][0]["id"].as_str().expect("a demo alert").to_string();
    let (s, v) = manager
        .post(
            &format!("/api/v1/alerts/{alert}/acknowledge"),
            json!({"comment": "已到场"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");

    // A sign-in.
    let (_, s, v) = app.session("demo_unit", DEMO_PASSWORD, None).await;
    assert_eq!(s, 200, "{v}");

    let rows = app.store.audit_rows(start, 1000).await.unwrap();
    let want: &[(&str, &str, &str, &str)] = &[
        ("unit.create", "unit", unit.as_str(), unit.as_str()),
        ("key_area.create", "key_area", area.as_str(), unit.as_str()),
        ("device.create", "device", device.as_str(), unit.as_str()),
        ("armed_schedule.update", "unit", unit.as_str(), unit.as_str()),
        ("hazard.report", "hazard", hazard.as_str(), demo_unit.as_str()),
        ("hazard.issue_order", "hazard", hazard.as_str(), demo_unit.as_str()),
        (
            "inspection.start",
            "inspection",
            inspection.as_str(),
            demo_unit.as_str(),
        ),
        ("alert.acknowledge", "alert", alert.as_str(), demo_unit.as_str()),
        ("session.login", "users", "", demo_unit.as_str()),
    ];
    for (action, object_type, object_id, unit_id) in want {
        let row = rows
            .iter()
            .find(|r| r.entry.action == *action)
            .unwrap_or_else(|| panic!("no {action} row in {rows:#?}"));
        let e = &row.entry;
        assert_eq!(e.object_type, *object_type, "{action}");
        if object_id.is_empty() {
            assert!(!e.object_id.is_empty(), "{action}: {e:?}");
        } else {
            assert_eq!(e.object_id, *object_id, "{action}");
        }
        assert_eq!(e.unit_id.as_deref(), Some(*unit_id), "{action}: {e:?}");
    }
    for r in rows
        .iter()
        .filter(|r| ["demo_county", "demo_unit"].contains(&r.entry.actor_name.as_str()))
    {
        let e = &r.entry;
        assert!(
            e.actor_id.as_deref().is_some_and(|a| !a.is_empty()) && !e.actor_name.is_empty(),
            "every row of a person's action names the person: {e:?}"
        );
        assert!(!e.object_type.is_empty() && !e.object_id.is_empty(), "{e:?}");
    }

    // The API adds the label and the sentence, and keeps the stable code.
    let admin = app.admin().await;
    let (_, log) = admin.get("/api/v1/audit?action=alert.acknowledge").await;
    let row = &log["items"][0];
    assert_eq!(row["action"], "alert.acknowledge");
    assert_eq!(row["action_label"], "确认告警");
    assert_eq!(row["sentence"], format!("demo_unit 确认了告警 {alert}"));
    let (_, log) = admin.get("/api/v1/audit?action=hazard.").await;
    let sentences: Vec<_> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["sentence"].as_str().unwrap())
        .collect();
    assert!(
        sentences.contains(&format!("demo_county 上报了隐患 {hazard}").as_str()),
        "{sentences:?}"
    );
    assert!(
        sentences.contains(&format!("demo_county 对隐患 {hazard} 执行了“责令限期整改并警告”").as_str()),
        "{sentences:?}"
    );
}

/// A county officer reads the rows about the units of their county, including those written
/// by a unit manager there (sign-ins and refused attempts too), and nothing of another county;
/// the officer of the other county sees none of them. Unit managers do not read the log.
#[tokio::test]
async fn audit_reading_is_scoped_to_the_jurisdiction_both_ways() {
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let other = app.client_for("demo_county_other").await;
    let manager = app.client_for("demo_unit").await;
    let demo_unit = unit_of(&app, "demo_unit").await["id"].as_str().unwrap().to_string();
    let (_, theirs) = other.get("/api/v1/units").await;
    let other_unit = theirs["items"][0]["id"].as_str().unwrap().to_string();
    assert_ne!(other_unit, demo_unit);

    // The unit manager: a change, a sign-in, a refused attempt on another county's unit.
    let (s, v) = manager
        .post(
            &format!("/api/v1/units/{demo_unit}/key_areas"),
            json!({"name": "财务室"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (_, s, _) = app.session("demo_unit", DEMO_PASSWORD, None).await;
    assert_eq!(s, 200);
    let (s, _) = manager
        .post(
            &format!("/api/v1/units/{other_unit}/key_areas"),
            json!({"name": "越权"}),
        )
        .await;
    assert!(s == 403 || s == 404, "{s}");
    // The other county's officer, in their own county.
    let (s, v) = other
        .post(
            &format!("/api/v1/units/{other_unit}/key_areas"),
            json!({"name": "另一分局的部位"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");

    let actions = |log: &Value| -> Vec<String> {
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["action"].as_str().unwrap().to_string())
            .collect()
    };
    // In scope: the county officer sees the unit manager's rows.
    let (s, log) = county.get("/api/v1/audit?actor=demo_unit&per_page=200").await;
    assert_eq!(s, 200, "{log}");
    let seen = actions(&log);
    for want in ["key_area.create", "session.login", "POST /api/v1/units/{id}/key_areas"] {
        assert!(seen.iter().any(|a| a == want), "{want} not in {seen:?}");
    }
    // Out of scope: nothing of the other county's officer, and the other officer sees nothing of
    // the demo unit's manager.
    let (_, log) = county.get("/api/v1/audit?actor=demo_county_other").await;
    assert_eq!(log["total"], 0, "{log}");
    let (_, log) = other.get("/api/v1/audit?actor=demo_unit").await;
    assert_eq!(log["total"], 0, "{log}");
    let (_, log) = other.get("/api/v1/audit?per_page=200").await;
    let about = |log: &Value, unit: &str| log["items"].as_array().unwrap().iter().any(|r| r["unit_id"] == unit);
    assert!(
        !about(&log, &demo_unit),
        "the other county sees no row about the demo unit"
    );
    assert!(
        actions(&log).iter().any(|a| a == "key_area.create"),
        "but its own: {log}"
    );
    let (_, log) = county.get("/api/v1/audit?per_page=200").await;
    assert!(
        about(&log, &demo_unit) && !about(&log, &other_unit),
        "nor the other way round"
    );
    // Unit managers do not read the audit log (docs/SECURITY.md, audit.read).
    assert_eq!(manager.get("/api/v1/audit").await.0, 403);

    // The page shows the sentence beside the code.
    let (b, s, _) = app.session("demo_county", DEMO_PASSWORD, None).await;
    assert_eq!(s, 200);
    let html = b
        .get(app.url("/audit?actor=demo_unit"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("demo_unit 新建了重点部位"), "{html}");
    assert!(html.contains("demo_unit 尝试提交单位"), "{html}");
}

fn cli(app: &TestApp, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_neibao"))
        .args(["audit"])
        .args(args)
        .arg("--data-dir")
        .arg(&app.data_dir)
        .args(app.database_url.iter().flat_map(|u| ["--database-url", u.as_str()]))
        .output()
        .unwrap()
}

/// An anchor proves the rows up to it and nothing after; signed checkpoints catch a row
/// appended later with an earlier time, a forged checkpoint and a rewritten chain, and name the
/// rows after the last checkpoint.
#[tokio::test]
async fn signed_checkpoints_catch_rows_appended_after_them() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    create_unit(&admin, "检查点公司一", "330106", "91330106MA2100212").await;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("checkpoint.key");
    let log = dir.path().join("checkpoints.log");
    let (key_s, log_s) = (key.to_str().unwrap(), log.to_str().unwrap());

    let out = cli(
        &app,
        &[
            "checkpoint",
            "--create-key",
            "--checkpoint-key",
            key_s,
            "--checkpoints",
            log_s,
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let head = app.store.audit_head().await.unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains(&format!("seq={} hash={}", head.last_seq, head.last_hash)),
        "{text}"
    );
    let out = cli(&app, &["verify", "--checkpoint-key", key_s, "--checkpoints", log_s]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("有效检查点 1 个") && !stdout.contains("尚无检查点覆盖"),
        "{stdout}"
    );

    // A real change after the checkpoint: not a problem, but named as not covered yet.
    create_unit(&admin, "检查点公司二", "330106", "91330106MA2100213").await;
    let out = cli(&app, &["verify", "--checkpoint-key", key_s, "--checkpoints", log_s]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let head2 = app.store.audit_head().await.unwrap();
    assert!(
        stdout.contains(&format!(
            "第 {}–{} 条记录在最后一个有效检查点之后",
            head.last_seq + 1,
            head2.last_seq
        )),
        "{stdout}"
    );

    // A forged row appended with correct links and a time an hour before the checkpoint: the
    // chain and an anchor at the old head pass it; the checkpoint catches it.
    let forged = AuditEntry {
        actor_id: Some("x".into()),
        actor_name: "admin".into(),
        action: "unit.update".into(),
        object_type: "unit".into(),
        object_id: "forged".into(),
        ..AuditEntry::default()
    };
    let at = Utc::now().timestamp_millis() - 3_600_000;
    let seq = head2.last_seq + 1;
    let hash = link_hash(&head2.last_hash, at, &forged);
    app.exec_sql(&format!(
        "INSERT INTO audit_log (seq, at, actor_id, actor_name, action, object_type, object_id, unit_id, purpose, detail, prev_hash, hash)
         VALUES ({seq}, {at}, 'x', 'admin', 'unit.update', 'unit', 'forged', NULL, '', '', '{}', '{hash}');
         UPDATE audit_head SET last_seq = {seq}, last_hash = '{hash}' WHERE id = 1;",
        head2.last_hash
    ))
    .await;
    let anchor = format!("{}:{}", head.last_seq, head.last_hash);
    let report = neibao::audit_verify(&app.services, &[anchor]).await.unwrap();
    assert!(
        report.problems.is_empty(),
        "an anchor proves nothing after it: {:?}",
        report.problems
    );
    let key_bytes = neibao::audit_cli::read_checkpoint_key(&key).unwrap();
    let verify = || async {
        neibao::audit_cli::audit_verify_with(&app.services, &[], Some((key_bytes.as_slice(), log.as_path())))
            .await
            .unwrap()
    };
    let report = verify().await;
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert_eq!(
        (report.problems[0].seq, report.problems[0].kind),
        (seq, ProblemKind::Backdated)
    );
    let out = cli(&app, &["verify", "--checkpoint-key", key_s, "--checkpoints", log_s]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("[backdated] 第 {seq} 条")));
    app.exec_sql(&format!(
        "DELETE FROM audit_log WHERE seq = {seq}; UPDATE audit_head SET last_seq = {}, last_hash = '{}' WHERE id = 1;",
        head2.last_seq, head2.last_hash
    ))
    .await;
    assert!(verify().await.problems.is_empty());

    // A checkpoint edited in the log (a later time, to cover a forgery) no longer verifies.
    let edited = text.replace(" at=", " at=9");
    std::fs::write(&log, &edited).unwrap();
    let report = verify().await;
    assert_eq!(report.problems[0].kind, ProblemKind::Forged, "{:?}", report.problems);
    assert_eq!(report.checkpoints, 0);
    std::fs::write(&log, &text).unwrap();

    // The chain rewritten with fresh hashes from the checkpointed row on: self-consistent, yet
    // the checkpoint no longer matches.
    let rows = app.store.audit_rows(head.last_seq - 1, 100).await.unwrap();
    let mut prev = rows[0].prev_hash.clone();
    let mut sql = String::new();
    for r in &rows {
        let mut e = r.entry.clone();
        e.detail = "rewritten".into();
        let h = link_hash(&prev, r.at, &e);
        sql.push_str(&format!(
            "UPDATE audit_log SET detail = 'rewritten', prev_hash = '{prev}', hash = '{h}' WHERE seq = {};",
            r.seq
        ));
        prev = h;
    }
    sql.push_str(&format!("UPDATE audit_head SET last_hash = '{prev}' WHERE id = 1;"));
    app.exec_sql(&sql).await;
    assert!(neibao::audit_verify(&app.services, &[])
        .await
        .unwrap()
        .problems
        .is_empty());
    let report = verify().await;
    assert_eq!(
        (report.problems.len(), report.problems[0].seq, report.problems[0].kind),
        (1, head.last_seq, ProblemKind::Edited),
        "{:?}",
        report.problems
    );
}

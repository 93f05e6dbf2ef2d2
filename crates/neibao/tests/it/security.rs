//! Security and privacy: the audit chain catches tampering, unmasked reads need a purpose and are
//! logged, the blind index finds an ID number, TOTP and the bureau's requirement, scoped and
//! revocable tokens, the password policy, key rotation, and retention with a controlled clock.

use std::process::Command;

use chrono::{Duration, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::ProblemKind;
use neibao_domain::events::EventFilter;
use neibao_domain::events::{DecodedEvent, EventKind, EventState};
use neibao_domain::ids::token_hash;
use neibao_domain::paging::Page;
use serde_json::{json, Value};

use crate::common::*;

const ID_NUMBER: &str = "11010519491231002X";
const PHONE: &str = "13812345678";

/// A unit with a responsible person whose ID number and phone are known; returns (unit, person).
async fn unit_with_person(admin: &Client, name: &str, uscc_body: &str) -> (String, String) {
    let (s, v) = admin
        .post(
            "/api/v1/units",
            json!({"name": name, "kind": "enterprise", "uscc": uscc(uscc_body), "division_code": "330106", "address": "测试路1号",
                   "responsible_persons": [{"role": "principal", "name": "王小明", "citizen_id": ID_NUMBER, "phone": PHONE}]}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let unit = v["id"].as_str().unwrap().to_string();
    let person = v["responsible_persons"][0]["id"].as_str().unwrap().to_string();
    (unit, person)
}

async fn verify(app: &TestApp) -> Vec<neibao_domain::audit::AuditProblem> {
    neibao::audit_verify(&app.services, &[]).await.unwrap().problems
}

#[tokio::test]
async fn unmasked_reads_need_a_purpose_and_are_audited() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (unit, person) = unit_with_person(&admin, "审计测试单位", "91330106000000031").await;
    let (_, u) = admin.get(&format!("/api/v1/units/{unit}")).await;
    assert_eq!(
        u["responsible_persons"][0]["citizen_id"], "110105********002X",
        "masked by default"
    );

    let reveal = format!("/api/v1/persons/{person}/reveal");
    let (s, v) = admin.post(&reveal, json!({})).await;
    assert_eq!((s, v["error"]["code"].as_str()), (400, Some("purpose_required")), "{v}");
    let (s, v) = admin.post(&reveal, json!({"purpose": "核查"})).await;
    assert_eq!(s, 400, "too short: {v}");
    let (s, v) = admin
        .post(&reveal, json!({"purpose": "核查案件线索，联系13812345678"}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["citizen_id"].as_str(), v["phone"].as_str()),
        (Some(ID_NUMBER), Some(PHONE))
    );

    // Blind index: exact lookup by ID number, audited with the masked number only.
    let (s, found) = admin
        .post(
            "/api/v1/persons/lookup",
            json!({"citizen_id": "11010519491231002x", "purpose": "核查重点人员"}),
        )
        .await;
    assert_eq!(s, 200, "{found}");
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["unit_id"], unit.as_str());
    let (s, v) = admin
        .post(
            "/api/v1/persons/lookup",
            json!({"citizen_id": "123", "purpose": "核查重点人员"}),
        )
        .await;
    assert_eq!((s, v["error"]["code"].as_str()), (400, Some("invalid_citizen_id")));

    // A guard may not read unmasked data; an officer of another county does not find it.
    let demo = TestApp::demo().await;
    let guard = demo.client_for("demo_guard").await;
    let (_, me) = guard.get("/api/v1/me").await;
    let (_, gu) = guard
        .get(&format!("/api/v1/units/{}", me["unit_id"].as_str().unwrap()))
        .await;
    let gp = gu["responsible_persons"][0]["id"].as_str().unwrap();
    let (s, _) = guard
        .post(&format!("/api/v1/persons/{gp}/reveal"), json!({"purpose": "想看看"}))
        .await;
    assert_eq!(s, 403);
    let other = demo.client_for("demo_county_other").await;
    let (s, _) = other
        .post(
            &format!("/api/v1/persons/{gp}/reveal"),
            json!({"purpose": "越权读取测试"}),
        )
        .await;
    assert_eq!(s, 404);
    // An officer sees their own look-ups in the audit log (they have no unit).
    let (s, _) = other
        .post(
            "/api/v1/persons/lookup",
            json!({"citizen_id": ID_NUMBER, "purpose": "核查重点人员"}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, own) = other.get("/api/v1/audit?action=person.lookup").await;
    assert_eq!(own["total"], 1, "{own}");
    assert_eq!(own["items"][0]["actor_name"], "demo_county_other");

    // The audit log: the unit's creation, the reveal with its purpose (numbers masked), the lookup.
    let (s, log) = admin.get("/api/v1/audit?per_page=50").await;
    assert_eq!(s, 200, "{log}");
    let items = log["items"].as_array().unwrap();
    let find = |action: &str| items.iter().find(|r| r["action"] == action).cloned();
    assert!(find("unit.create").is_some(), "{log}");
    let r = find("person.reveal").expect("reveal audited");
    assert_eq!(r["object_id"], person.as_str());
    assert_eq!(r["actor_name"], "admin");
    assert_eq!(r["purpose"], "核查案件线索，联系138****5678");
    assert_eq!(r["unit_id"], unit.as_str());
    let r = find("person.lookup").expect("lookup audited");
    assert_eq!(r["object_id"], "110105********002X");
    let text = log.to_string();
    assert!(
        !text.contains(ID_NUMBER) && !text.contains(PHONE),
        "no plaintext in the audit log"
    );
    // Unit managers cannot read the audit log.
    let (s, _) = demo.client_for("demo_unit").await.get("/api/v1/audit").await;
    assert_eq!(s, 403);
    assert!(verify(&app).await.is_empty());
}

/// An app with at least six audit rows.
async fn audited_app() -> TestApp {
    let app = TestApp::spawn().await;
    let admin = app.session_client("admin", ADMIN_PASSWORD).await;
    for i in 0..6 {
        let (s, v) = admin
            .post("/api/v1/tokens", json!({"name": format!("令牌{i}"), "scope": "read"}))
            .await;
        assert_eq!(s, 201, "{v}");
    }
    assert!(app.store.audit_head().await.unwrap().last_seq >= 6);
    app
}

#[tokio::test]
async fn audit_verify_catches_rows_cut_from_the_front_with_the_head_moved() {
    let app = audited_app().await;
    let third = app.store.audit_rows(2, 1).await.unwrap().remove(0);
    app.exec_sql(&format!(
        "DELETE FROM audit_log WHERE seq <= 2; UPDATE audit_head SET first_seq = 3, first_prev_hash = '{}' WHERE id = 1;",
        third.prev_hash
    ))
    .await;
    let p = verify(&app).await;
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!((p[0].seq, p[0].kind), (1, ProblemKind::Deleted));
}

#[tokio::test]
async fn typed_names_that_look_like_numbers_are_masked_in_the_audit_log() {
    let app = TestApp::spawn().await;
    for name in [ID_NUMBER, PHONE] {
        let (_, s, _) = app.session(name, "x", None).await;
        assert_eq!(s, 401);
    }
    let r = reqwest::Client::new()
        .post(app.url("/login"))
        .form(&[("username", "330106199510127142"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let (_, log) = app.admin().await.get("/api/v1/audit?action=session.login_failed").await;
    assert_eq!(log["total"], 3, "{log}");
    let text = log.to_string();
    for plain in [ID_NUMBER, PHONE, "330106199510127142"] {
        assert!(!text.contains(plain), "{plain} in {text}");
    }
    assert!(
        !app.stored_bytes().contains("330106199510127142"),
        "nor in the login failures"
    );
}

#[tokio::test]
async fn audit_verify_catches_an_edited_row() {
    let app = audited_app().await;
    assert!(verify(&app).await.is_empty());
    app.exec_sql("UPDATE audit_log SET detail = 'harmless' WHERE seq = 2")
        .await;
    let p = verify(&app).await;
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!((p[0].seq, p[0].kind), (2, ProblemKind::Edited));
}

#[tokio::test]
async fn audit_verify_catches_a_deleted_row_and_the_cli_says_which() {
    let app = audited_app().await;
    app.exec_sql("DELETE FROM audit_log WHERE seq = 3").await;
    let p = verify(&app).await;
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!((p[0].seq, p[0].kind), (3, ProblemKind::Deleted));
    let out = Command::new(env!("CARGO_BIN_EXE_neibao"))
        .args(["audit", "verify", "--data-dir"])
        .arg(&app.data_dir)
        .args(app.database_url.iter().flat_map(|u| ["--database-url", u.as_str()]))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("[deleted] 第 3 条"), "{stdout}");
}

#[tokio::test]
async fn audit_verify_catches_reordered_rows_a_cut_tail_and_a_rewritten_chain() {
    let app = audited_app().await;
    let head = app.store.audit_head().await.unwrap();
    let anchor = format!("{}:{}", 2, app.store.audit_rows(1, 1).await.unwrap()[0].hash);
    app.exec_sql(
        "UPDATE audit_log SET seq = -1 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = 5; UPDATE audit_log SET seq = 5 WHERE seq = -1;",
    )
    .await;
    let p = verify(&app).await;
    assert_eq!((p[0].seq, p[0].kind), (4, ProblemKind::Reordered), "{p:?}");
    // Swap back, then cut the newest row: the head still names it.
    app.exec_sql(
        "UPDATE audit_log SET seq = -1 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = 5; UPDATE audit_log SET seq = 5 WHERE seq = -1;",
    )
    .await;
    assert!(verify(&app).await.is_empty());
    app.exec_sql(&format!("DELETE FROM audit_log WHERE seq = {}", head.last_seq))
        .await;
    let p = verify(&app).await;
    assert_eq!((p[0].seq, p[0].kind), (head.last_seq, ProblemKind::Deleted), "{p:?}");
    // A chain rewritten from row 2 with fresh hashes passes on its own; the recorded anchor
    // catches it.
    let rows = app.store.audit_rows(0, 100).await.unwrap();
    let mut prev = rows[0].hash.clone();
    let mut sql = String::new();
    for r in &rows[1..] {
        let mut e = r.entry.clone();
        e.detail = "rewritten".into();
        let h = neibao_domain::audit::link_hash(&prev, r.at, &e);
        sql.push_str(&format!(
            "UPDATE audit_log SET detail = 'rewritten', prev_hash = '{prev}', hash = '{h}' WHERE seq = {};",
            r.seq
        ));
        prev = h;
    }
    sql.push_str(&format!(
        "UPDATE audit_head SET last_seq = {}, last_hash = '{prev}' WHERE id = 1;",
        rows.last().unwrap().seq
    ));
    app.exec_sql(&sql).await;
    assert!(verify(&app).await.is_empty(), "self-consistent rewrite");
    let p = neibao::audit_verify(&app.services, &[anchor]).await.unwrap().problems;
    assert_eq!((p.len(), p[0].seq), (1, 2), "{p:?}");
}

#[tokio::test]
async fn totp_second_factor_and_the_bureau_requirement() {
    use neibao_engine::accounts::totp;
    let app = TestApp::demo().await;
    let now = || Utc::now().timestamp() as u64;
    let (http, s, v) = app.session("demo_county", DEMO_PASSWORD, None).await;
    assert_eq!(s, 200, "{v}");
    let csrf = v["csrf_token"].as_str().unwrap().to_string();
    let r = http
        .post(app.url("/api/v1/me/totp"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let secret = r.json::<Value>().await.unwrap()["secret"].as_str().unwrap().to_string();
    let r = http
        .post(app.url("/api/v1/me/totp/confirm"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"code": "000000"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "a wrong code does not enable it");
    // The code used to confirm, kept: recomputing it later could cross into the next 30-second
    // step and give a fresh code.
    let confirmed_at = now();
    let used = totp::code_at(&secret, confirmed_at);
    let r = http
        .post(app.url("/api/v1/me/totp/confirm"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"code": used}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);

    let (_, s, v) = app.session("demo_county", DEMO_PASSWORD, None).await;
    assert_eq!((s, v["error"]["code"].as_str()), (401, Some("totp_required")), "{v}");
    // The code already used to confirm cannot be used again (replay).
    let (_, s, _) = app.session("demo_county", DEMO_PASSWORD, Some(&used)).await;
    assert_eq!(s, 401);
    let (_, s, v) = app
        .session(
            "demo_county",
            DEMO_PASSWORD,
            Some(&totp::code_at(&secret, confirmed_at + 30)),
        )
        .await;
    assert_eq!(s, 200, "next step's code: {v}");

    // The bureau requires a second factor for police: a station officer without one gets a
    // session that can only enrol.
    let admin = app.admin().await;
    let (s, _) = admin
        .put("/api/v1/security/settings", json!({"require_totp_police": true}))
        .await;
    assert_eq!(s, 200);
    let (s, _) = app
        .client_for("demo_county")
        .await
        .put("/api/v1/security/settings", json!({"require_totp_police": false}))
        .await;
    assert_eq!(s, 403, "only administrators change it");
    let (http, s, v) = app.session("demo_station", DEMO_PASSWORD, None).await;
    assert_eq!((s, v["second_factor"].as_str()), (200, Some("enroll")), "{v}");
    let csrf = v["csrf_token"].as_str().unwrap().to_string();
    let r = http.get(app.url("/api/v1/units")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "second_factor_pending"
    );
    let r = http
        .post(app.url("/api/v1/me/totp"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    let secret = r.json::<Value>().await.unwrap()["secret"].as_str().unwrap().to_string();
    let r = http
        .post(app.url("/api/v1/me/totp/confirm"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"code": totp::code_at(&secret, now())}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = http.get(app.url("/api/v1/units")).send().await.unwrap();
    assert_eq!(r.status(), 200, "enrolled: the session is whole");
    // Removing it is refused while required; unit staff are not affected.
    let r = http
        .delete(app.url("/api/v1/me/totp"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"code": totp::code_at(&secret, now() + 30)}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let (_, s, v) = app.session("demo_unit", DEMO_PASSWORD, None).await;
    assert_eq!((s, v.get("second_factor")), (200, None));
}

#[tokio::test]
async fn api_tokens_are_scoped_expiring_and_revocable() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let browser = app.session_client("admin", ADMIN_PASSWORD).await;
    let (s, v) = browser
        .post(
            "/api/v1/tokens",
            json!({"name": "只读报表", "scope": "read", "expires_in_days": 7}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    // A token (even an administrator's write token) cannot mint another one.
    let (s, _) = admin
        .post("/api/v1/tokens", json!({"name": "衍生令牌", "scope": "write"}))
        .await;
    assert_eq!(s, 403);
    let reader = Client {
        base: app.base.clone(),
        http: reqwest::Client::new(),
        token: v["token"].as_str().unwrap().to_string(),
    };
    let id = v["id"].as_str().unwrap().to_string();
    assert!(v["expires_at"].as_i64().unwrap() > Utc::now().timestamp_millis() + 6 * 86_400_000);
    let (s, _) = reader.get("/api/v1/units").await;
    assert_eq!(s, 200);
    let (s, v) = reader
        .post(
            "/api/v1/units",
            json!({"name": "x", "kind": "enterprise", "uscc": uscc("91330106000000032"), "division_code": "330106"}),
        )
        .await;
    assert_eq!((s, v["error"]["code"].as_str()), (403, Some("forbidden")));
    let (s, list) = admin.get("/api/v1/tokens").await;
    assert_eq!(s, 200);
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == id.as_str() && t["scope"] == "read"));
    assert!(!list.to_string().contains(&reader.token), "tokens are never listed");
    let (s, _) = admin.delete(&format!("/api/v1/tokens/{id}"), None).await;
    assert_eq!(s, 204);
    let (s, _) = reader.get("/api/v1/units").await;
    assert_eq!(s, 401, "revoked");
    let (s, _) = admin.delete(&format!("/api/v1/tokens/{id}"), None).await;
    assert_eq!(s, 404);
    let (s, _) = browser
        .post("/api/v1/tokens", json!({"name": "x", "expires_in_days": 0}))
        .await;
    assert_eq!(s, 400);
    // A password change revokes every token of the user.
    let (s, v) = browser.post("/api/v1/tokens", json!({"name": "改密前"})).await;
    assert_eq!(s, 201);
    let before = Client {
        base: app.base.clone(),
        http: reqwest::Client::new(),
        token: v["token"].as_str().unwrap().to_string(),
    };
    let r = browser
        .http
        .put(app.url("/api/v1/me/password"))
        .header("x-csrf-token", &browser.csrf)
        .json(&json!({"current_password": ADMIN_PASSWORD, "new_password": "Xk7#mq-Lw9-pz"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (s, _) = before.get("/api/v1/me").await;
    assert_eq!(s, 401, "revoked with the password change");
}

#[tokio::test]
async fn password_policy_and_a_change_ends_every_session() {
    let app = TestApp::spawn().await;
    let (http, s, v) = app.session("admin", ADMIN_PASSWORD, None).await;
    assert_eq!(s, 200, "{v}");
    let csrf = v["csrf_token"].as_str().unwrap().to_string();
    let change = |current: &str, new: &str| {
        http.put(app.url("/api/v1/me/password"))
            .header("x-csrf-token", &csrf)
            .json(&json!({"current_password": current, "new_password": new}))
            .send()
    };
    let r = change(ADMIN_PASSWORD, "short").await.unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "weak_password");
    assert!(body["error"]["message"].as_str().unwrap().contains("12"));
    let r = change("wrong-password", "Xk7#mq-Lw9-pz").await.unwrap();
    assert_eq!(r.status(), 401);
    let r = change(ADMIN_PASSWORD, "Xk7#mq-Lw9-pz").await.unwrap();
    assert_eq!(r.status(), 204);
    let r = http.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.status(), 401, "sessions end with the password change");
    let (_, s, _) = app.session("admin", ADMIN_PASSWORD, None).await;
    assert_eq!(s, 401);
    let (http, s, v) = app.session("admin", "Xk7#mq-Lw9-pz", None).await;
    assert_eq!(s, 200);
    // Guessing the current password from a session counts against the login lockout.
    let csrf = v["csrf_token"].as_str().unwrap().to_string();
    let mut last = 0;
    for _ in 0..11 {
        let r = http
            .put(app.url("/api/v1/me/password"))
            .header("x-csrf-token", &csrf)
            .json(&json!({"current_password": "guess", "new_password": "Yk8#mq-Lw9-pz"}))
            .send()
            .await
            .unwrap();
        last = r.status().as_u16();
    }
    assert_eq!(last, 429);
}

#[tokio::test]
async fn key_rotation_reencrypts_everything_and_lookups_still_work() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (unit, person) = unit_with_person(&admin, "密钥轮换单位", "91330106000000033").await;
    let (_, path) = create_device(&admin, &unit, None, "hikvision").await;
    let (s, _) = app
        .ingest(
            &path,
            "application/json",
            fixture("hikvision-acs/accesscontrollerevent_card_pass_plain_json.json"),
        )
        .await;
    assert_eq!(s, 200);
    // The other encrypted columns: the unit's security body and a guard (phone, ID number), a
    // notification channel's secret, a checkpoint photo (an attachment) and a kept answer.
    let (s, acc) = admin
        .post(
            "/api/v1/users",
            json!({"username": "kr_manager", "display_name": "轮换测试负责人", "role": "unit_manager", "unit_id": unit}),
        )
        .await;
    assert_eq!(s, 201, "{acc}");
    let manager = app.client_for("kr_manager").await;
    let base = format!("/api/v1/units/{unit}/security");
    let (s, v) = manager
        .put(
            &format!("{base}/body"),
            json!({"name": "保卫科", "kind": "dedicated", "head": "王保卫", "phone": "0571-87654321"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let guard_id = {
        let body = "33010619900307123";
        format!(
            "{body}{}",
            neibao_domain::validate::citizen_id_check_char(body).unwrap()
        )
    };
    let (s, v) = manager
        .post(
            &format!("{base}/guards"),
            json!({"name": "钱保安", "full_time": true, "on_duty": true, "phone": "13812345678",
                   "employment": "own_hired", "certificate_no": "浙保证2026009", "citizen_id": guard_id,
                   "started_on": "2026-01-05", "vetting": "passed"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = admin
        .post(
            "/api/v1/notification_channels",
            json!({"name": "轮换渠道", "config": {"kind": "webhook", "url": "http://127.0.0.1:9/hook", "secret": "rotate-me-secret"}}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (s, route) = manager
        .post(
            &format!("/api/v1/units/{unit}/patrol/routes"),
            json!({"name": "轮换路线", "note": "", "max_minutes": 60, "schedule": [],
                   "checkpoints": [{"name": "东门", "location": "", "tag": "KR-1"}]}),
        )
        .await;
    assert_eq!(s, 201, "{route}");
    let (_, round) = manager
        .post(
            &format!("/api/v1/patrol/routes/{}/rounds", route["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    let round_id = round["id"].as_str().unwrap().to_string();
    let (s, visit) = manager
        .post(
            &format!("/api/v1/patrol/rounds/{round_id}/visits"),
            json!({"tag": "KR-1"}),
        )
        .await;
    assert_eq!(s, 201, "{visit}");
    // A report with a person involved (docs/REPORTS.md): people encrypted with the field cipher.
    let (s, report) = manager
        .post(
            &format!("/api/v1/units/{unit}/reports"),
            json!({"title": "轮换测试报告", "people": [{"name": "孙轮换", "phone": "13912345678"}]}),
        )
        .await;
    assert_eq!(s, 201, "{report}");
    let report_id = report["id"].as_str().unwrap().to_string();
    let mut photo = b"\x89PNG\r\n\x1a\n".to_vec();
    photo.extend_from_slice(b"NEIBAO-PLAINTEXT-PHOTO-MARKER");
    let r = manager
        .http
        .post(format!(
            "{}/api/v1/patrol/rounds/{round_id}/visits/{}/photo",
            manager.base,
            visit["id"].as_str().unwrap()
        ))
        .bearer_auth(&manager.token)
        .header("idempotency-key", "kr-photo-1")
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(photo.clone()).file_name("东门.png"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let attachment: Value = r.json().await.unwrap();
    assert!(
        !app.stored_bytes().contains("NEIBAO-PLAINTEXT-PHOTO-MARKER"),
        "an evidence file is encrypted at rest"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_neibao"))
        .args(["keys", "rotate", "--data-dir"])
        .arg(&app.data_dir)
        .args(app.database_url.iter().flat_map(|u| ["--database-url", u.as_str()]))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("新密钥 k2") && stdout.contains("k1"), "{stdout}");
    // Each category counted as its own: the report's people (one value), the security body's
    // phone and the guard's phone and ID number (three), no liaison point.
    assert!(
        stdout.contains("报告涉事人员和联系方式 1 项") && stdout.contains("保卫人员信息 3 项"),
        "{stdout}"
    );
    assert!(stdout.contains("警企联系点电话 0 项"), "{stdout}");
    assert!(app.data_dir.join("keys/retired/k1.key").exists());
    assert!(!app.data_dir.join("keys/k1.key").exists());
    // A fresh process with only the new key reads everything.
    let store = neibao::open_store(
        app.database_url.as_deref(),
        &app.data_dir,
        std::time::Duration::from_secs(300),
    )
    .await
    .unwrap();
    let p = store.reveal_person(&Scope::All, &person).await.unwrap();
    assert_eq!(p.citizen_id.as_deref(), Some(ID_NUMBER));
    assert_eq!(
        store
            .find_persons_by_citizen_id(&Scope::All, ID_NUMBER)
            .await
            .unwrap()
            .len(),
        1
    );
    let evs = store
        .list_events(
            &Scope::All,
            &EventFilter {
                unit_id: Some(unit.clone()),
                ..Default::default()
            },
            Page::new(None, None),
        )
        .await
        .unwrap();
    let (raw, _) = store.get_event_raw(&Scope::All, &evs.items[0].id).await.unwrap();
    assert_eq!(
        raw,
        fixture("hikvision-acs/accesscontrollerevent_card_pass_plain_json.json")
    );
    assert!(!app.stored_bytes().contains("k1:"), "no value left under the old key");
    let rep = store.report(&Scope::All, &report_id).await.unwrap().unwrap();
    assert_eq!(
        rep.people[0].phone, "13912345678",
        "a report's people read under the new key"
    );
    let staff = store.unit_security(&Scope::All, &unit).await.unwrap();
    let (body, guards) = (
        serde_json::to_value(&staff.body).unwrap(),
        serde_json::to_value(&staff.guards).unwrap(),
    );
    assert_eq!(body["phone"], "057******4321", "{body}");
    assert_eq!(guards[0]["phone"], "138****5678", "{guards}");
    assert!(
        guards[0]["citizen_id"]
            .as_str()
            .is_some_and(|c| c.starts_with("3301") && c.ends_with(&guard_id[14..])),
        "the guard's ID number reads under the new key: {guards}"
    );
    let channels = store.list_channels().await.unwrap();
    assert!(
        channels.iter().any(|c| c.config.contains("rotate-me-secret")),
        "the channel's secret reads under the new key"
    );
    let (_, bytes) = store
        .get_attachment(&Scope::All, attachment["id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(bytes, photo, "the photo reads under the new key");
    let report = neibao::audit_verify(&neibao::cli_services(store.clone()), &[])
        .await
        .unwrap();
    assert!(report.problems.is_empty());
    let (_, log) = app.admin().await.get("/api/v1/audit?action=keys.").await;
    assert_eq!(log["items"][0]["object_id"], "k2", "{log}");
    let detail: Value = serde_json::from_str(log["items"][0]["detail"].as_str().unwrap_or("{}")).unwrap();
    assert_eq!(detail["reports"], 1, "{detail}");
    assert_eq!(detail["security_staff"], 3, "{detail}");
}

#[tokio::test]
async fn retention_deletes_by_class_with_minimums_holds_and_a_controlled_clock() {
    use neibao_engine::privacy::retention::schedule_next;
    let app = TestApp::spawn().await;
    let store = app.store.clone();
    let t0 = Utc::now();
    // Old audit rows (400 days) that the log retention (max 365) removes: the first rows of the
    // chain (the administrator's API token, whose creation is audited, comes after them).
    for i in 0..3 {
        store
            .append_audit(
                &neibao_domain::audit::AuditEntry {
                    actor_name: "system".into(),
                    action: format!("old.{i}"),
                    ..Default::default()
                },
                t0 - Duration::days(400),
            )
            .await
            .unwrap();
    }
    let admin = app.admin().await;
    let mut units = Vec::new();
    for (name, body, counter_terror) in [
        ("普通单位", "91330106000000034", false),
        ("反恐重点目标单位", "91330106000000035", true),
        ("涉案保全单位", "91330106000000036", false),
    ] {
        let (s, v) = admin
            .post(
                "/api/v1/units",
                json!({"name": name, "kind": "enterprise", "uscc": uscc(body), "division_code": "330106",
                       "is_counter_terror_target": counter_terror}),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        let unit = v["id"].as_str().unwrap().to_string();
        let (_, path) = create_device(&admin, &unit, None, "hikvision").await;
        let token = path.rsplit('/').next().unwrap();
        let device = store.device_for_ingest(&token_hash(token)).await.unwrap().unwrap();
        for age in [10, 40, 100] {
            let mut ev = DecodedEvent::new(EventKind::FaceCapture, "faceCapture", EventState::Active);
            ev.person.name = Some("王小明".into());
            store
                .record_event(&device, &ev, b"{}", None, None, t0 - Duration::days(age))
                .await
                .unwrap();
        }
        units.push(unit);
    }
    let (s, v) = admin.put("/api/v1/retention/events", json!({"max_days": 7})).await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (400, Some("validation_failed")),
        "below the legal minimum"
    );
    let (s, _) = admin.put("/api/v1/retention/events", json!({"max_days": 30})).await;
    assert_eq!(s, 204);
    let (s, hold) = admin
        .post(
            "/api/v1/legal_holds",
            json!({"case_no": "杭公(西)刑案字〔2026〕101号", "unit_id": units[2], "reason": "涉案证据保全"}),
        )
        .await;
    assert_eq!(s, 201, "{hold}");

    let count = |unit: String| {
        let store = store.clone();
        async move {
            store
                .list_events(
                    &Scope::All,
                    &EventFilter {
                        unit_id: Some(unit),
                        ..Default::default()
                    },
                    Page::new(None, None),
                )
                .await
                .unwrap()
                .total
        }
    };
    let due = schedule_next(store.as_ref(), t0).await.unwrap();
    let scheduler = app.scheduler("test");
    assert!(
        scheduler.tick(due - Duration::seconds(1)).await.unwrap().is_empty(),
        "not due yet"
    );
    let ran = scheduler.tick(due).await.unwrap();
    assert_eq!(ran.len(), 1);
    assert!(ran[0].ok);
    assert_eq!(
        count(units[0].clone()).await,
        1,
        "ordinary unit: older than 30 days deleted"
    );
    assert_eq!(count(units[1].clone()).await, 2, "counter-terror target: kept 90 days");
    assert_eq!(count(units[2].clone()).await, 3, "legal hold: nothing deleted");
    let (_, overview) = admin.get("/api/v1/retention").await;
    let deletions = overview["deletions"]["items"].as_array().unwrap();
    assert!(deletions
        .iter()
        .any(|d| d["data_class"] == "events" && d["unit_id"] == units[0].as_str() && d["rows_deleted"] == 2));
    assert!(deletions
        .iter()
        .any(|d| d["data_class"] == "logs" && d["rows_deleted"] == 3));
    assert!(!deletions.iter().any(|d| d["unit_id"] == units[2].as_str()));
    // The audit chain survives the trimming of its oldest rows.
    assert!(verify(&app).await.is_empty());
    assert_eq!(store.audit_head().await.unwrap().first_seq, 4);

    // Released: the next day's sweep (scheduled by the first) deletes the held unit's old data.
    let (s, _) = admin
        .post(
            &format!("/api/v1/legal_holds/{}/release", hold["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(s, 200);
    let ran = scheduler.tick(due + Duration::days(1)).await.unwrap();
    assert_eq!(ran.len(), 1);
    assert_eq!(count(units[2].clone()).await, 1);
    let (_, log) = admin.get("/api/v1/audit?action=retention.").await;
    assert!(log["total"].as_i64().unwrap() >= 3, "{log}");
}

/// A change whose audit row cannot be written does not happen (the row is written in the
/// change's transaction), and a purpose-logged read whose audit row cannot be written hands out
/// no data: the caller gets an internal error either way.
#[tokio::test]
async fn a_change_whose_audit_row_cannot_be_written_does_not_happen() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (unit, person) = unit_with_person(&admin, "审计失败单位", "91330106000000037").await;
    let browser = app.session_client("admin", ADMIN_PASSWORD).await;
    let store = &app.store;
    let tokens_before = store.list_api_tokens(None).await.unwrap().len();
    // Without the chain's head no row can be linked to it.
    app.exec_sql("DELETE FROM audit_head").await;

    let (s, _) = browser.post("/api/v1/tokens", json!({"name": "无审计令牌"})).await;
    assert_eq!(s, 500);
    assert_eq!(
        store.list_api_tokens(None).await.unwrap().len(),
        tokens_before,
        "no token"
    );
    let (s, v) = admin
        .post(
            &format!("/api/v1/persons/{person}/reveal"),
            json!({"purpose": "核查案件线索需联系负责人"}),
        )
        .await;
    assert_eq!(s, 500);
    assert!(
        !v.to_string().contains(ID_NUMBER) && !v.to_string().contains(PHONE),
        "{v}"
    );
    let (s, _) = admin.put("/api/v1/retention/events", json!({"max_days": 400})).await;
    assert_eq!(s, 500);
    let policies = store.retention_policies().await.unwrap();
    assert_eq!(policies[0].max_days, 365, "policy unchanged");
    let (s, _) = admin
        .post(
            "/api/v1/legal_holds",
            json!({"case_no": "杭公(西)刑案字〔2026〕102号", "unit_id": unit, "reason": "涉案证据保全"}),
        )
        .await;
    assert_eq!(s, 500);
    assert!(
        store.list_legal_holds(&Scope::All, true).await.unwrap().is_empty(),
        "no hold"
    );
    let (s, _) = admin
        .put("/api/v1/security/settings", json!({"require_totp_police": true}))
        .await;
    assert_eq!(s, 500);
    assert!(!store.security_settings().await.unwrap().require_totp_police);
    let r = browser
        .http
        .put(app.url("/api/v1/me/password"))
        .header("x-csrf-token", &browser.csrf)
        .json(&json!({"current_password": ADMIN_PASSWORD, "new_password": "Xk7#mq-Lw9-pz"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 500);
    let (_, hash) = store.user_credentials("admin").await.unwrap().unwrap();
    assert!(
        neibao_engine::accounts::verify_password(ADMIN_PASSWORD, &hash),
        "password unchanged"
    );
    let r = browser.http.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.status(), 200, "the session did not end");
    // A login is refused too: no session opens unaudited.
    let (_, s, _) = app.session("admin", ADMIN_PASSWORD, None).await;
    assert_eq!(s, 500);
}

/// Account changes are audited by the service with their own action codes (beside the web
/// layer's `METHOD route` rows), naming the object and never a secret.
#[tokio::test]
async fn account_changes_are_audited_with_their_action_codes() {
    let app = TestApp::spawn().await;
    let browser = app.session_client("admin", ADMIN_PASSWORD).await;
    let (s, t) = browser.post("/api/v1/tokens", json!({"name": "审计令牌"})).await;
    assert_eq!(s, 201, "{t}");
    let id = t["id"].as_str().unwrap();
    let r = browser
        .http
        .delete(app.url(&format!("/api/v1/tokens/{id}")))
        .header("x-csrf-token", &browser.csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (s, _) = browser.post("/api/v1/me/totp", json!({})).await;
    assert_eq!(s, 200);
    let r = browser
        .http
        .put(app.url("/api/v1/security/settings"))
        .header("x-csrf-token", &browser.csrf)
        .json(&json!({"require_totp_police": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = browser.http.delete(app.url("/api/v1/session")).send().await.unwrap();
    assert_eq!(r.status(), 204);

    let (_, log) = app.admin().await.get("/api/v1/audit?per_page=200").await;
    let items = log["items"].as_array().unwrap();
    let find = |action: &str| {
        items
            .iter()
            .find(|r| r["action"] == action && r["actor_name"] == "admin")
            .unwrap_or_else(|| panic!("{action} not audited: {log}"))
    };
    assert_eq!(find("session.login")["detail"], "password");
    assert_eq!(find("token.create")["object_id"], id);
    assert_eq!(find("token.revoke")["object_id"], id);
    assert_eq!(find("totp.begin")["actor_name"], "admin");
    assert_eq!(find("security_settings.update")["detail"], "require_totp_police=true");
    assert_eq!(find("session.logout")["actor_name"], "admin");
    assert!(
        !log.to_string().contains(t["token"].as_str().unwrap()),
        "no token in the log"
    );
    assert!(verify(&app).await.is_empty());
}

/// A change is audited once, by its service (semantic action, in its transaction); an attempt
/// that was refused is audited by the middleware with its route and status.
#[tokio::test]
async fn a_change_is_audited_once_and_a_refused_attempt_with_its_status() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let unit = create_unit(&admin, "审计一次单位（虚构）", "330106", "91330106MA2AUD001").await;
    let (_, log) = admin.get(&format!("/api/v1/audit?per_page=200&object_id={unit}")).await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["unit.create"], "{log}");
    // A guard may not register a device: refused, and that attempt is on the log.
    let guard = app.client_for("demo_guard").await;
    let (_, me) = guard.get("/api/v1/me").await;
    let (s, _) = guard
        .post(
            "/api/v1/devices",
            json!({"unit_id": me["unit_id"], "format": "hikvision", "name": "越权设备"}),
        )
        .await;
    assert_eq!(s, 403);
    let (_, log) = admin.get("/api/v1/audit?per_page=5&action=POST%20").await;
    let row = &log["items"][0];
    assert_eq!(row["action"], "POST /api/v1/devices", "{log}");
    assert_eq!(row["actor_name"], "demo_guard");
    assert!(row["detail"].as_str().unwrap().contains("\"status\":403"), "{row}");
}

/// Guards work at the gate and connect no system: they may not create API tokens (issue 20),
/// neither through the API with their session nor through the account page, which offers no form.
#[tokio::test]
async fn guards_may_not_create_api_tokens() {
    let app = TestApp::demo().await;
    for (user, status) in [("demo_guard", 403), ("demo_unit", 201)] {
        let s = app.session_client(user, DEMO_PASSWORD).await;
        let (code, v) = s
            .post(
                "/api/v1/tokens",
                serde_json::json!({"name": "对接值班系统", "scope": "read"}),
            )
            .await;
        assert_eq!(code, status, "{user}: {v}");
        let page = app.browser(user, DEMO_PASSWORD).await;
        let html = page
            .get(app.url("/account"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(
            html.contains("action=\"/account/tokens\""),
            status == 201,
            "{user}: the token form"
        );
    }
}

//! The early-warning pages over HTTP with a browser session: rules (create through the form, a
//! refused condition shown with the text kept, versions, conflict, import, backtests), the
//! refusal for unit users, suppression windows, the inbox and its badge, device online rate,
//! notification channels (secrets never shown) and the alert page's deliveries.

use chrono::{Duration, Utc};
use chrono_tz::Asia::Shanghai;
use serde_json::json;

use crate::common::*;

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
        .unwrap()
}

async fn login(app: &TestApp, username: &str, password: &str) -> reqwest::Client {
    let b = browser();
    let r = b
        .post(app.url("/login"))
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "login {username}");
    b
}

async fn page(b: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = b.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post(b: &reqwest::Client, app: &TestApp, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
    let r = b.post(app.url(path)).form(form).send().await.unwrap();
    let status = r.status().as_u16();
    let url = r.url().path().to_string();
    (status, url, r.text().await.unwrap())
}

/// The text after `marker` up to the next `until`.
fn after<'a>(html: &'a str, marker: &str, until: char) -> &'a str {
    let i = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not on the page:\n{html}"))
        + marker.len();
    html[i..].split(until).next().unwrap()
}

/// A `datetime-local` value in Beijing time, `minutes` from now.
fn local(minutes: i64) -> String {
    (Utc::now() + Duration::minutes(minutes))
        .with_timezone(&Shanghai)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The rule form's fields of a threshold rule on failed verifications (`count` as typed).
fn denied<'a>(code: &'a str, count: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("code", code),
        ("title", "界面测试验证失败"),
        ("severity", "high"),
        ("enabled", "1"),
        ("kind", "threshold"),
        ("th_count", count),
        ("th_window", "600"),
        ("th_key", "unit_id"),
        ("condition", "kind == \"access.denied\""),
        ("group_by", "unit_id"),
    ]
}

/// A rule form as posted: the token, the version it is based on, the action, the fields.
fn sent<'a>(
    csrf: &'a str,
    version: &'a str,
    action: &'a str,
    fields: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut v = vec![("csrf_token", csrf), ("expected_version", version), ("action", action)];
    v.extend_from_slice(fields);
    v
}

async fn demo_unit_id(app: &TestApp) -> String {
    let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    me["unit_id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn rules_are_written_imported_and_backtested_from_the_ui() {
    let app = TestApp::demo().await;
    let api = app.admin().await;
    let unit = demo_unit_id(&app).await;
    // Three failed card reads on a new device of the demo unit.
    let (_, ingest) = create_device(&api, &unit, None, "generic_json").await;
    for _ in 0..3 {
        let (s, v) = app
            .ingest(
                &ingest,
                "application/json",
                json!({"type": "access.denied", "region": "door:1"}).to_string(),
            )
            .await;
        assert_eq!(s, 200, "{v}");
    }

    let b = login(&app, "admin", ADMIN_PASSWORD).await;
    let (s, html) = page(&b, &app, "/warning/rules").await;
    assert_eq!(s, 200);
    assert!(html.contains("预警规则") && html.contains("条件字段"), "{html}");
    assert!(
        html.contains("silence_seconds") && html.contains("设备静默秒数"),
        "facts listed"
    );
    assert!(html.contains("fire_alarm_input"), "the demo's example rules are listed");
    assert!(
        html.contains("内置规则") && html.contains("重要部位入侵"),
        "built-in note"
    );
    assert!(html.contains("id=\"rule-form\"") && html.contains("id=\"rule-kind\""));
    assert!(html.contains("id=\"import-form\"") && html.contains("以 JSON 导入/导出"));
    let csrf = csrf_of(&html);

    // A condition on an unknown field: refused, the message shown, the text kept.
    let bad = [
        ("code", "ui_bad"),
        ("title", "坏规则"),
        ("severity", "high"),
        ("kind", "match"),
        ("condition", "nosuch == 1"),
    ];
    let (s, _, html) = post(&b, &app, "/warning/rules", &sent(&csrf, "0", "save", &bad)).await;
    assert_eq!(s, 400);
    assert!(html.contains("未知字段「nosuch」"), "{html}");
    assert!(
        html.contains("value=\"ui_bad\"") && html.contains("nosuch == 1"),
        "text kept"
    );
    // A count that is not a number names the field.
    let (s, _, html) = post(
        &b,
        &app,
        "/warning/rules",
        &sent(&csrf, "0", "save", &denied("ui_denied", "五")),
    )
    .await;
    assert_eq!(s, 400);
    assert!(
        html.contains("阈值规则的「次数」应为整数") && html.contains("value=\"五\""),
        "{html}"
    );
    // A forged token changes nothing.
    let (s, _, _) = post(
        &b,
        &app,
        "/warning/rules",
        &[("csrf_token", "forged"), ("code", "ui_x")],
    )
    .await;
    assert_eq!(s, 403);

    // A valid threshold rule: saved, shown with its version.
    let (s, url, html) = post(
        &b,
        &app,
        "/warning/rules",
        &sent(&csrf, "0", "save", &denied("ui_denied", "2")),
    )
    .await;
    assert_eq!(s, 200, "{html}");
    assert_eq!(url, "/warning/rules/ui_denied");
    assert!(html.contains("已保存为新版本") && html.contains("第1版"), "{html}");
    assert!(html.contains("阈值（T内N次）") && html.contains("界面测试验证失败"));
    let (_, list) = page(&b, &app, "/warning/rules").await;
    assert!(list.contains("href=\"/warning/rules/ui_denied\""), "listed");
    // Creating it again is a conflict, shown in the page.
    let (s, _, html) = post(
        &b,
        &app,
        "/warning/rules",
        &sent(&csrf, "0", "save", &denied("ui_denied", "2")),
    )
    .await;
    assert_eq!(s, 400, "{html}");
    assert!(html.contains("id=\"rule-error\""), "{html}");

    // Backtest of the stored rule over the last hour: the table and the summary.
    let (s, _, html) = post(
        &b,
        &app,
        "/warning/rules/ui_denied/backtest",
        &[
            ("csrf_token", &csrf),
            ("from", &local(-60)),
            ("to", &local(5)),
            ("unit_id", &unit),
        ],
    )
    .await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("回测结果") && html.contains("扫描事件数") && html.contains("将产生告警数"));
    let scanned: usize = after(&html, "id=\"bt-scanned\">", '<').parse().unwrap();
    assert!(scanned >= 3, "{html}");
    assert_eq!(after(&html, "id=\"bt-hits\">", '<'), "2");
    assert_eq!(after(&html, "id=\"bt-alerts\">", '<'), "1");
    let table = after(&html, "id=\"backtest-hits\"", '§');
    assert!(table.contains("新告警") && table.contains("并入已有告警"), "{table}");
    // A bad period is shown in the page.
    let (s, _, html) = post(
        &b,
        &app,
        "/warning/rules/ui_denied/backtest",
        &[("csrf_token", &csrf), ("from", ""), ("to", &local(5))],
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("请填写「开始时间」"), "{html}");

    // Backtest of a draft from the editor: nothing saved, the text kept.
    let mut draft = sent(&csrf, "0", "backtest", &denied("ui_draft", "3"));
    let (from, to) = (local(-60), local(5));
    draft.extend([("from", from.as_str()), ("to", to.as_str()), ("unit_id", "")]);
    let (s, _, html) = post(&b, &app, "/warning/rules", &draft).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("回测结果（草稿）") && html.contains("ui_draft"), "{html}");
    assert_eq!(after(&html, "id=\"bt-hits\">", '<'), "1");
    let (s, _) = page(&b, &app, "/warning/rules/ui_draft").await;
    assert_eq!(s, 404, "a draft is not saved");

    // A new version from the rule's page (switched off: the box unticked); the page shows the
    // current version in the form; a stale version is a conflict.
    let (_, html) = page(&b, &app, "/warning/rules/ui_denied").await;
    assert!(html.contains("name=\"expected_version\" value=\"1\""));
    assert!(
        html.contains("name=\"th_count\" id=\"th-count\" class=\"num\" value=\"2\""),
        "{html}"
    );
    assert!(html.contains("id=\"rule-enabled\" checked"), "{html}");
    let off: Vec<(&str, &str)> = denied("ignored", "2")
        .into_iter()
        .filter(|(k, _)| *k != "enabled" && *k != "code")
        .collect();
    let (s, _, html) = post(&b, &app, "/warning/rules/ui_denied", &sent(&csrf, "1", "save", &off)).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("第2版") && html.contains("停用"));
    assert!(
        !html.contains("id=\"rule-enabled\" checked"),
        "the form shows the new version"
    );
    let versions = after(&html, "id=\"versions-table\"", '§');
    assert!(versions.contains("第1版") && versions.contains("第2版"));
    let (s, _, html) = post(&b, &app, "/warning/rules/ui_denied", &sent(&csrf, "1", "save", &off)).await;
    assert_eq!(s, 400);
    assert!(html.contains("请刷新后再改"), "{html}");

    // Import a rule file through the upload form.
    let file = json!({"rules": [{
        "code": "ui_imported", "title": "导入的规则", "severity": "low",
        "kind": {"type": "match"}, "condition": "kind == \"video.tamper\""
    }]})
    .to_string();
    let upload = |csrf: String, file: String| {
        reqwest::multipart::Form::new().text("csrf", csrf).part(
            "file",
            reqwest::multipart::Part::bytes(file.into_bytes())
                .file_name("rules.json")
                .mime_str("application/json")
                .unwrap(),
        )
    };
    let r = b
        .post(app.url("/warning/rules/import"))
        .multipart(upload(csrf.clone(), file.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("规则文件已导入：新建 1 条（ui_imported）"), "{html}");
    assert!(html.contains("href=\"/warning/rules/ui_imported\""));
    let r = b
        .post(app.url("/warning/rules/import"))
        .multipart(upload(csrf.clone(), file))
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("未变 1 条（ui_imported）"));
    // A broken file: nothing imported, the reason shown.
    let r = b
        .post(app.url("/warning/rules/import"))
        .multipart(upload(csrf.clone(), "[{\"code\": 1}]".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("规则文件不是有效的 JSON 规则列表"));
    // Without the token the upload is refused.
    let r = b
        .post(app.url("/warning/rules/import"))
        .multipart(upload("forged".into(), "[]".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // The unit's security manager may not see the rules; a station officer reads without forms.
    let u = login(&app, "demo_unit", DEMO_PASSWORD).await;
    let (s, html) = page(&u, &app, "/warning/rules").await;
    assert_eq!(s, 403);
    assert!(html.contains("仅公安机关和系统管理员可以查看预警规则"));
    let unit_csrf = csrf_of(&html);
    let (s, _, _) = post(
        &u,
        &app,
        "/warning/rules",
        &sent(&unit_csrf, "0", "save", &denied("ui_unit", "2")),
    )
    .await;
    assert_eq!(s, 403);
    let st = login(&app, "demo_station", DEMO_PASSWORD).await;
    let (s, html) = page(&st, &app, "/warning/rules").await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"readonly-note\"") && !html.contains("id=\"rule-form\""));
}

#[tokio::test]
async fn suppressions_inbox_health_and_channels_from_the_ui() {
    let app = TestApp::demo().await;
    let unit = demo_unit_id(&app).await;

    // Suppression windows, as the unit's security manager.
    let u = login(&app, "demo_unit", DEMO_PASSWORD).await;
    let (s, html) = page(&u, &app, &format!("/units/{unit}")).await;
    assert_eq!(s, 200);
    assert!(
        html.contains(&format!("/warning/suppressions?unit_id={unit}")),
        "unit page links it"
    );
    let (s, html) = page(&u, &app, &format!("/warning/suppressions?unit_id={unit}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("新增屏蔽时段") && html.contains("维护检修") && html.contains("登记来访"));
    assert!(
        html.contains(&format!("<option value=\"{unit}\" selected")),
        "unit preselected"
    );
    // The device is chosen from the unit's devices (named), never typed.
    let (_, devices) = app
        .client_for("demo_unit")
        .await
        .get(&format!("/api/v1/devices?unit_id={unit}"))
        .await;
    let first = &devices["items"][0];
    assert!(
        html.contains("<select name=\"device_id\" id=\"sup-device\" data-devices-of=\"sup-unit\"")
            && html.contains(&format!(
                "<option value=\"{}\">{}</option>",
                first["id"].as_str().unwrap(),
                first["name"].as_str().unwrap()
            )),
        "{html}"
    );
    let (_, plain) = page(&u, &app, "/warning/suppressions").await;
    assert!(plain.contains("id=\"sup-device\"") && !plain.contains("<input name=\"device_id\""));
    let csrf = csrf_of(&html);
    // An end before the start: refused with the reason, values kept.
    let (s, _, html) = post(
        &u,
        &app,
        "/warning/suppressions",
        &[
            ("csrf_token", &csrf),
            ("unit_id", &unit),
            ("from", &local(60)),
            ("to", &local(10)),
            ("reason", "visit"),
            ("note", "来访登记测试"),
        ],
    )
    .await;
    assert_eq!(s, 400);
    assert!(
        html.contains("屏蔽时段的结束时间应晚于开始时间") && html.contains("来访登记测试"),
        "{html}"
    );
    let (s, url, html) = post(
        &u,
        &app,
        "/warning/suppressions",
        &[
            ("csrf_token", &csrf),
            ("filter_unit", &unit),
            ("unit_id", &unit),
            ("device_id", ""),
            ("rule", ""),
            ("from", &local(-1)),
            ("to", &local(120)),
            ("reason", "maintenance"),
            ("note", "门禁检修（界面）"),
        ],
    )
    .await;
    assert_eq!(s, 200, "{html}");
    assert_eq!(url, "/warning/suppressions");
    assert!(
        html.contains("已添加屏蔽时段") && html.contains("门禁检修（界面）"),
        "{html}"
    );
    let table = after(&html, "id=\"suppressions\"", '§');
    assert!(table.contains("维护检修") && table.contains("生效中") && table.contains("全部设备"));
    let end = after(&html, "action=\"/warning/suppressions/", '"').to_string();
    let (s, _, html) = post(
        &u,
        &app,
        &format!("/warning/suppressions/{end}"),
        &[("csrf_token", &csrf), ("filter_unit", &unit)],
    )
    .await;
    assert_eq!(s, 200);
    assert!(
        html.contains("已结束屏蔽时段") && !html.contains("门禁检修（界面）"),
        "{html}"
    );

    // Notification channels: administrators manage all; a unit manager only the unit's own (no
    // division prefix, no installation channel listed); a guard none. The secret never comes back.
    let (s, html) = page(&u, &app, "/warning/channels").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("本单位（部门）的通知渠道") && !html.contains("name=\"division_prefix\""),
        "{html}"
    );
    let g = login(&app, "demo_guard", DEMO_PASSWORD).await;
    let (s, html) = page(&g, &app, "/warning/channels").await;
    assert_eq!(s, 403);
    assert!(html.contains("仅系统管理员，或单位、行业主管部门为自己设置时可以管理通知渠道"));
    let a = login(&app, "admin", ADMIN_PASSWORD).await;
    let (s, html) = page(&a, &app, "/warning/channels").await;
    assert_eq!(s, 200);
    let csrf = csrf_of(&html);
    let secret = "ui-secret-0123456789abcdef";
    let (s, _, html) = post(
        &a,
        &app,
        "/warning/channels",
        &[
            ("csrf_token", &csrf),
            ("name", "值班室接收"),
            ("kind", "webhook"),
            ("url", "http://127.0.0.1:9/hook"),
            ("secret", "short"),
            ("min_severity", "high"),
        ],
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("签名密钥至少需要 16 个字符") && html.contains("值班室接收"));
    let (s, url, html) = post(
        &a,
        &app,
        "/warning/channels",
        &[
            ("csrf_token", &csrf),
            ("name", "值班室接收"),
            ("kind", "webhook"),
            ("url", "http://127.0.0.1:9/hook"),
            ("secret", secret),
            ("division_prefix", "3301"),
            ("min_severity", "high"),
        ],
    )
    .await;
    assert_eq!(s, 200, "{html}");
    assert_eq!(url, "/warning/channels");
    assert!(html.contains("已添加通知渠道") && html.contains("值班室接收") && html.contains("签名 Webhook"));
    assert!(html.contains("3301*") && html.contains("启用"));
    // Its settings in words, the secret masked.
    assert!(
        html.contains("地址：http://127.0.0.1:9/hook；签名密钥：******"),
        "{html}"
    );
    assert!(!html.contains(secret), "the secret is not shown");
    // The demo alert's fan-out (alert.notify job): inbox items, and a delivery to the channel.
    let scheduler = app.scheduler("n1");
    scheduler.tick(Utc::now() + Duration::seconds(1)).await.unwrap();

    // The alert page lists its deliveries.
    let (_, alerts) = page(&a, &app, "/alerts").await;
    let link = format!("/alerts/0{}", after(&alerts, "href=\"/alerts/0", '"'));
    let (s, html) = page(&a, &app, &link).await;
    assert_eq!(s, 200);
    let deliveries = after(&html, "id=\"deliveries-table\"", '§');
    assert!(html.contains("通知投递"));
    assert!(
        deliveries.contains("值班室接收") && deliveries.contains("新告警"),
        "{deliveries}"
    );
    assert!(
        deliveries.contains("投递中") || deliveries.contains("失败"),
        "{deliveries}"
    );

    let (_, html) = page(&a, &app, "/warning/channels").await;
    let row = after(&html, "action=\"/warning/channels/", '"').to_string();
    let (s, _, html) = post(
        &a,
        &app,
        &format!("/warning/channels/{row}"),
        &[("csrf_token", &csrf), ("enabled", "false")],
    )
    .await;
    assert_eq!(s, 200);
    assert!(
        html.contains("已更新渠道状态") && html.contains("badge offline\">停用"),
        "{html}"
    );
    assert!(!html.contains(secret));

    // The inbox: the demo alert's notification, the badge, read one, read all.
    let (s, badge) = page(&u, &app, "/inbox/badge").await;
    assert_eq!(s, 200);
    let unread: i64 = badge.trim().parse().unwrap_or_else(|_| panic!("badge {badge:?}"));
    assert!(unread >= 1);
    let (s, html) = page(&u, &app, "/").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("id=\"inbox-badge\"") && html.contains(">消息<"),
        "nav link"
    );
    let (s, html) = page(&u, &app, "/inbox").await;
    assert_eq!(s, 200);
    assert_eq!(after(&html, "id=\"inbox-unread\">", '<'), unread.to_string());
    assert!(html.contains("href=\"/alerts/") && html.contains("重要部位入侵") && html.contains("未读"));
    let id = after(&html, "name=\"id\" value=\"", '"').to_string();
    let csrf = csrf_of(&html);
    let (s, _, html) = post(&u, &app, "/inbox/read", &[("csrf_token", &csrf), ("id", &id)]).await;
    assert_eq!(s, 200);
    assert_eq!(after(&html, "id=\"inbox-unread\">", '<'), (unread - 1).to_string());
    assert!(after(&html, &format!("id=\"msg-{id}\""), '§').contains("已读"));
    let (s, _, html) = post(&u, &app, "/inbox/read", &[("csrf_token", &csrf)]).await;
    assert_eq!(s, 200);
    assert_eq!(after(&html, "id=\"inbox-unread\">", '<'), "0");
    assert!(!html.contains("全部标为已读"));
    assert_eq!(page(&u, &app, "/inbox/badge").await.1, "");

    // Device online rate over the county.
    let c = login(&app, "demo_county", DEMO_PASSWORD).await;
    let (s, html) = page(&c, &app, "/devices/health").await;
    assert_eq!(s, 200);
    assert!(html.contains("设备在线率") && html.contains("在线率") && html.contains("按单位"));
    assert!(after(&html, "id=\"online-rate\">", '<').ends_with('%'), "{html}");
    assert!(html.contains("id=\"health-units\"") && html.contains("href=\"/units/"));
}

/// The rule form (issue 20): a sequence rule with its parameters, weekly periods, holidays, a
/// one-off window and a scope, read back through the API; the rule page shows it in the form; a
/// new version of another kind from the form; refused forms name the field and keep the text.
#[tokio::test]
async fn the_rule_form_sets_kind_parameters_schedule_and_scope() {
    let app = TestApp::demo().await;
    let api = app.admin().await;
    let unit = demo_unit_id(&app).await;
    let (_, du) = api.get(&format!("/api/v1/units/{unit}")).await;
    let division = du["division_code"].as_str().unwrap()[..4].to_string();
    let b = login(&app, "admin", ADMIN_PASSWORD).await;
    let (_, html) = page(&b, &app, "/warning/rules").await;
    for id in [
        "th-count",
        "th-window",
        "seq-then",
        "seq-within",
        "abs-silence",
        "cor-subject",
        "cor-units",
    ] {
        assert!(
            html.contains(&format!("id=\"{id}\"")),
            "{id} on the page without script"
        );
    }
    assert!(html.contains("跨单位关联") && html.contains("data-division=\"prefix\""));
    assert!(html.contains("id=\"weekly-rows\"") && html.contains("name=\"w1_start\""));
    let csrf = csrf_of(&html);
    let units = format!("{unit}\n");
    let fields = [
        ("code", "form_sequence"),
        ("title", "先刷卡后强行开门"),
        ("description", "表单测试"),
        ("severity", "critical"),
        ("enabled", "1"),
        ("kind", "sequence"),
        ("seq_then", "kind == \"access.door_forced\""),
        ("seq_within", "120"),
        ("seq_key", "device_id"),
        // Another kind's fields, as a form without script sends them: not read.
        ("th_count", "1"),
        ("condition", "kind == \"access.granted\""),
        ("division_prefix", division.as_str()),
        ("key_units_only", "1"),
        ("unit_ids", units.as_str()),
        ("w0_day", "1"),
        ("w0_day", "2"),
        ("w0_day", "3"),
        ("w0_start", "20:00"),
        ("w0_end", "07:00"),
        ("w1_start", ""),
        ("w1_end", ""),
        ("w2_day", "6"),
        ("w2_day", "7"),
        ("w2_start", "00:00"),
        ("w2_end", "00:00"),
        ("holidays", "2026-10-01\n2026-10-02"),
        ("holiday_armed", "1"),
        ("use_unit_schedule", "1"),
        ("o0_from", "2026-12-24T18:00"),
        ("o0_to", "2026-12-25T08:00"),
        ("o0_armed", "1"),
        ("o1_from", ""),
        ("o1_to", ""),
        ("o1_armed", "0"),
        ("group_by", "device_id, unit_id"),
    ];
    let (s, url, html) = post(&b, &app, "/warning/rules", &sent(&csrf, "0", "save", &fields)).await;
    assert_eq!(s, 200, "{html}");
    assert_eq!(url, "/warning/rules/form_sequence");
    let (_, list) = api.get("/api/v1/alert_rules").await;
    let spec = list["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "form_sequence")
        .unwrap()["spec"]
        .clone();
    assert_eq!(
        spec["kind"],
        json!({"type": "sequence", "then": "kind == \"access.door_forced\"", "within_seconds": 120, "key": ["device_id"]})
    );
    assert_eq!(
        spec["scope"],
        json!({"division_prefix": division, "unit_ids": [unit], "key_units_only": true})
    );
    assert_eq!(
        spec["schedule"],
        json!({
            "weekly": [{"weekdays": [1, 2, 3], "start": "20:00", "end": "07:00"},
                       {"weekdays": [6, 7], "start": "00:00", "end": "00:00"}],
            "holidays": ["2026-10-01", "2026-10-02"], "holiday_armed": true, "holidays_only": false,
            "one_off": [{"from": "2026-12-24T10:00:00Z", "to": "2026-12-25T00:00:00Z", "armed": true}],
            "use_unit_schedule": true
        })
    );
    assert_eq!(spec["group_by"], json!(["device_id", "unit_id"]));
    assert_eq!(
        (spec["severity"].as_str(), spec["enabled"].as_bool()),
        (Some("critical"), Some(true))
    );
    assert_eq!(spec["description"], "表单测试");

    // The rule page shows the stored version in the form.
    let (_, html) = page(&b, &app, "/warning/rules/form_sequence").await;
    assert!(html.contains("<option value=\"sequence\" selected>"), "{html}");
    assert!(html.contains("name=\"w0_start\" value=\"20:00\"") && html.contains("name=\"w1_day\" value=\"6\" checked"));
    assert!(html.contains("value=\"2026-12-24T18:00\"") && html.contains("2026-10-02"));
    assert!(html.contains("id=\"rule-key-units\" checked") && html.contains("id=\"rule-holiday-armed\" checked"));
    assert!(html.contains("id=\"rule-json-text\""), "the JSON export");

    // A new version of another kind, without a schedule.
    let v2 = [
        ("title", "同卡多单位"),
        ("severity", "high"),
        ("enabled", "1"),
        ("kind", "correlation"),
        ("cor_subject", "card_no"),
        ("cor_units", "3"),
        ("cor_window", "900"),
        ("condition", "kind == \"access.granted\""),
    ];
    let (s, _, html) = post(&b, &app, "/warning/rules/form_sequence", &sent(&csrf, "1", "save", &v2)).await;
    assert_eq!(s, 200, "{html}");
    let (_, versions) = api.get("/api/v1/alert_rules/form_sequence/versions").await;
    let newest = versions
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|v| v["version"].as_i64())
        .unwrap();
    assert_eq!(newest["version"], 2);
    assert_eq!(
        newest["spec"]["kind"],
        json!({"type": "correlation", "subject": "card_no", "units": 3, "window_seconds": 900})
    );
    assert!(newest["spec"]["schedule"].is_null() && newest["spec"]["code"] == "form_sequence");

    // A weekday row with times but no day: refused, named, everything kept.
    let mut bad: Vec<(&str, &str)> = v2
        .iter()
        .map(|&(k, v)| if k == "title" { (k, "保留的标题") } else { (k, v) })
        .collect();
    bad.extend([("w0_start", "08:00"), ("w0_end", "18:00")]);
    let (s, _, html) = post(
        &b,
        &app,
        "/warning/rules/form_sequence",
        &sent(&csrf, "2", "save", &bad),
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("规则布防时段第1行：请勾选「星期」"), "{html}");
    assert!(html.contains("value=\"保留的标题\"") && html.contains("name=\"w0_start\" value=\"08:00\""));
    assert!(html.contains("<option value=\"correlation\" selected>") && html.contains("value=\"card_no\""));
    // A threshold count of 1: the engine's message names 次数; the count is kept.
    let (s, _, html) = post(
        &b,
        &app,
        "/warning/rules",
        &sent(&csrf, "0", "save", &denied("form_one", "1")),
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("阈值规则的次数应为 2–100000"), "{html}");
    assert!(html.contains("id=\"th-count\" class=\"num\" value=\"1\"") && html.contains("value=\"form_one\""));
    let (s, _) = page(&b, &app, "/warning/rules/form_one").await;
    assert_eq!(s, 404);
}

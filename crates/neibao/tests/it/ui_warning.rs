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
    assert!(html.contains("id=\"rule-spec\"") && html.contains("id=\"import-form\""));
    let csrf = csrf_of(&html);

    // A condition on an unknown field: refused, the message shown, the text kept.
    let bad = r#"{"code": "ui_bad", "title": "坏规则", "severity": "high", "kind": {"type": "match"}, "condition": "nosuch == 1"}"#;
    let (s, _, html) = post(
        &b,
        &app,
        "/warning/rules",
        &[
            ("csrf_token", &csrf),
            ("expected_version", "0"),
            ("spec", bad),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("未知字段「nosuch」"), "{html}");
    assert!(html.contains("ui_bad") && html.contains("nosuch == 1"), "text kept");
    // Not JSON at all.
    let (s, _, html) = post(
        &b,
        &app,
        "/warning/rules",
        &[
            ("csrf_token", &csrf),
            ("expected_version", "0"),
            ("spec", "{oops"),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("规则内容不是有效的规则 JSON") && html.contains("{oops"));
    // A forged token changes nothing.
    let (s, _, _) = post(&b, &app, "/warning/rules", &[("csrf_token", "forged"), ("spec", bad)]).await;
    assert_eq!(s, 403);

    // A valid threshold rule: saved, shown with its version.
    let spec = json!({
        "code": "ui_denied", "title": "界面测试验证失败", "severity": "high",
        "kind": {"type": "threshold", "count": 2, "window_seconds": 600, "key": ["unit_id"]},
        "condition": "kind == \"access.denied\"", "group_by": ["unit_id"]
    })
    .to_string();
    let (s, url, html) = post(
        &b,
        &app,
        "/warning/rules",
        &[
            ("csrf_token", &csrf),
            ("expected_version", "0"),
            ("spec", &spec),
            ("action", "save"),
        ],
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
        &[
            ("csrf_token", &csrf),
            ("expected_version", "0"),
            ("spec", &spec),
            ("action", "save"),
        ],
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
    let draft = spec
        .replace("ui_denied", "ui_draft")
        .replace("\"count\":2", "\"count\":3");
    let (s, _, html) = post(
        &b,
        &app,
        "/warning/rules",
        &[
            ("csrf_token", &csrf),
            ("expected_version", "0"),
            ("spec", &draft),
            ("from", &local(-60)),
            ("to", &local(5)),
            ("unit_id", ""),
            ("action", "backtest"),
        ],
    )
    .await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("回测结果（草稿）") && html.contains("ui_draft"), "{html}");
    assert_eq!(after(&html, "id=\"bt-hits\">", '<'), "1");
    let (s, _) = page(&b, &app, "/warning/rules/ui_draft").await;
    assert_eq!(s, 404, "a draft is not saved");

    // A new version from the rule's page (switched off); a stale version is a conflict.
    let (_, html) = page(&b, &app, "/warning/rules/ui_denied").await;
    assert!(html.contains("name=\"expected_version\" value=\"1\""));
    let off = spec.replace("\"severity\"", "\"enabled\":false,\"severity\"");
    let (s, _, html) = post(
        &b,
        &app,
        "/warning/rules/ui_denied",
        &[
            ("csrf_token", &csrf),
            ("expected_version", "1"),
            ("spec", &off),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("第2版") && html.contains("停用"));
    let versions = after(&html, "id=\"versions-table\"", '§');
    assert!(versions.contains("第1版") && versions.contains("第2版"));
    let (s, _, html) = post(
        &b,
        &app,
        "/warning/rules/ui_denied",
        &[
            ("csrf_token", &csrf),
            ("expected_version", "1"),
            ("spec", &off),
            ("action", "save"),
        ],
    )
    .await;
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
    let (s, _, _) = post(
        &u,
        &app,
        "/warning/rules",
        &[("csrf_token", &csrf_of(&html)), ("spec", &spec)],
    )
    .await;
    assert_eq!(s, 403);
    let st = login(&app, "demo_station", DEMO_PASSWORD).await;
    let (s, html) = page(&st, &app, "/warning/rules").await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"readonly-note\"") && !html.contains("id=\"rule-spec\""));
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
        html.contains("屏蔽时段应晚于现在结束") && html.contains("来访登记测试"),
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

    // Notification channels: administrators only; the secret never comes back.
    let (s, html) = page(&u, &app, "/warning/channels").await;
    assert_eq!(s, 403);
    assert!(html.contains("仅系统管理员可以管理通知渠道"));
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

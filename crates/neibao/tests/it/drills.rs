//! Emergency drills (docs/DRILLS.md; R18, R34, R46 ¶2; Decree 421 Art 15) over HTTP: a drill
//! planned, run step by step (the server times each step; a double tap one step), evaluated; a
//! shortfall opened as exactly one hazard with a link back; the after-action report as a PDF; a
//! counter-terror target without a drill by 31 December overdue on 1 January and listed for the
//! police of its jurisdiction only; a double submit one drill; a zh-CN 400; another unit's
//! manager 404; and the phone page in a browser.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use serde_json::{json, Value};

use crate::common::*;

fn plan_body(title: &str) -> Value {
    json!({
        "scenario": "violent_attack",
        "plan_id": "plan-demo-1",
        "title": title,
        "planned_at": (Utc::now() + Duration::hours(1)).to_rfc3339(),
        "participants_count": 12,
        "participants": ["张三丰", "李四"],
        "observers": ["王五"],
        "police_station": "演示派出所",
        "police_officer": "赵六",
    })
}

async fn unit_of(c: &Client) -> String {
    let (_, me) = c.get("/api/v1/me").await;
    me["unit_id"].as_str().unwrap().to_string()
}

/// Plans a drill as the demo unit's manager, runs its first two steps as the guard and finishes it.
async fn run_drill(app: &TestApp, title: &str) -> (String, String) {
    let manager = app.client_for("demo_unit").await;
    let guard = app.client_for("demo_guard").await;
    let unit = unit_of(&manager).await;
    let (s, d) = manager
        .post(&format!("/api/v1/units/{unit}/drills"), plan_body(title))
        .await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_str().unwrap().to_string();
    assert_eq!(d["state"], "planned");
    assert_eq!(
        d["expected"].as_array().unwrap().len(),
        5,
        "the scenario's default actions"
    );
    assert_eq!(d["expected"][1]["label"], "保安到场");
    // A step before the start is refused (409), in Chinese.
    let (s, v) = guard
        .post(&format!("/api/v1/drills/{id}/steps"), json!({"seq": 1}))
        .await;
    assert_eq!(s, 409, "{v}");
    assert!(error_message(&v).contains("尚未开始"), "{v}");
    let (s, v) = guard.post(&format!("/api/v1/drills/{id}/start"), json!({})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["state"], "running");
    let (s, first) = guard
        .post(&format!("/api/v1/drills/{id}/steps"), json!({"seq": 1}))
        .await;
    assert_eq!(s, 201, "{first}");
    let (s, again) = guard
        .post(&format!("/api/v1/drills/{id}/steps"), json!({"seq": 1}))
        .await;
    assert_eq!(s, 200, "a double tap: {again}");
    assert_eq!(again["id"], first["id"]);
    let (s, v) = guard
        .post(&format!("/api/v1/drills/{id}/steps"), json!({"seq": 2}))
        .await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = guard
        .post(&format!("/api/v1/drills/{id}/steps"), json!({"seq": 9}))
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("预定动作"), "{v}");
    let (s, v) = guard.post(&format!("/api/v1/drills/{id}/finish"), json!({})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["state"], "finished");
    assert_eq!(v["steps"].as_array().unwrap().len(), 2);
    (unit, id)
}

#[tokio::test]
async fn a_drill_is_planned_run_evaluated_and_a_shortfall_becomes_one_hazard() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let station = app.client_for("demo_station").await;
    let (unit, id) = run_drill(&app, "暴力袭击处置演练").await;

    // The guard may not evaluate (403); the manager evaluates.
    let guard = app.client_for("demo_guard").await;
    let (s, v) = guard.put(&format!("/api/v1/drills/{id}/evaluation"), json!({})).await;
    assert_eq!(s, 403, "{v}");
    let (s, d) = manager
        .put(
            &format!("/api/v1/drills/{id}/evaluation"),
            json!({"scores": [{"seq": 2, "score": 90}],
                   "strengths": ["报警及时"],
                   "shortfalls": ["封控现场未按时完成", "未报告公安"]}),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["state"], "evaluated");
    let e = &d["evaluation"];
    assert_eq!(e["scores"].as_array().unwrap().len(), 5);
    assert_eq!(e["scores"][0]["score"], 100, "the alarm within its minute: {e}");
    assert_eq!(e["scores"][1]["score"], 90, "the given score");
    assert_eq!(e["scores"][2]["score"], 0, "not recorded");
    assert!(e["scores"][2]["measured_minutes"].is_null());
    assert_eq!(e["overall"], 38, "(100 + 90 + 0 + 0 + 0) / 5: {e}");
    assert_eq!(e["shortfalls"].as_array().unwrap().len(), 2);

    // A shortfall becomes exactly one hazard, linked both ways.
    let (s, h1) = manager
        .post(&format!("/api/v1/drills/{id}/hazards"), json!({"shortfall": 1}))
        .await;
    assert_eq!(s, 201, "{h1}");
    let (s, h2) = manager
        .post(&format!("/api/v1/drills/{id}/hazards"), json!({"shortfall": 1}))
        .await;
    assert_eq!(s, 200, "{h2}");
    assert_eq!(h1["hazard_id"], h2["hazard_id"], "doing it twice makes one hazard");
    let hazard = h1["hazard_id"].as_str().unwrap();
    let (s, h) = station.get(&format!("/api/v1/hazards/{hazard}")).await;
    assert_eq!(s, 200, "{h}");
    let h = if h["hazard"].is_object() {
        h["hazard"].clone()
    } else {
        h
    };
    assert_eq!(h["source"], "drill", "{h}");
    assert_eq!(h["source_id"], id.as_str());
    assert!(h["title"].as_str().unwrap().contains("封控现场未按时完成"), "{h}");
    let (_, list) = station
        .get(&format!("/api/v1/hazards?unit_id={unit}&per_page=200"))
        .await;
    let from_drill = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["source_id"] == id.as_str())
        .count();
    assert_eq!(from_drill, 1, "{list}");
    let (_, d) = station.get(&format!("/api/v1/drills/{id}")).await;
    assert_eq!(d["evaluation"]["shortfalls"][0]["hazard_id"], hazard);
    assert!(d["evaluation"]["shortfalls"][1]["hazard_id"].is_null());
    // The police read the names masked; the manager reads them in full.
    assert_eq!(d["people"]["participants"][0], "张**", "{d}");
    let (_, md) = manager.get(&format!("/api/v1/drills/{id}")).await;
    assert_eq!(md["people"]["participants"][0], "张三丰");
    // The hazard page links back to the drill; the drill page to the hazard.
    let b = app.browser("demo_station", DEMO_PASSWORD).await;
    let html = b
        .get(app.url(&format!("/hazards/{hazard}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("href=\"/drills/{id}\"")), "{html}");
    let html = b
        .get(app.url(&format!("/drills/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("/hazards/{hazard}")), "{html}");
    assert!(html.contains("/emergency-plans?scenario=violent_attack"), "{html}");
    // Evaluating again with the same shortfall text keeps its hazard.
    let (s, d) = manager
        .put(
            &format!("/api/v1/drills/{id}/evaluation"),
            json!({"strengths": [], "shortfalls": ["封控现场未按时完成"]}),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["evaluation"]["shortfalls"][0]["hazard_id"], hazard);

    // The after-action report is an A4 PDF with the title.
    let r = station
        .http
        .get(app.url(&format!("/api/v1/drills/{id}/report")))
        .bearer_auth(&station.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    let path = std::env::temp_dir().join(format!("drill-{id}.pdf"));
    std::fs::write(&path, &pdf).unwrap();
    if let Ok(out) = std::process::Command::new("pdftotext").arg(&path).arg("-").output() {
        if out.status.success() {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains("应急演练总结报告"), "{text}");
            assert!(text.contains("封控现场未按时完成"), "{text}");
        }
    }
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn refusals_a_double_submit_and_another_units_manager() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let manager = app.client_for("demo_unit").await;
    let unit = unit_of(&manager).await;
    // A bad input: a zh-CN 400 and nothing stored.
    let mut body = plan_body("");
    let (s, v) = manager
        .post(&format!("/api/v1/units/{unit}/drills"), body.clone())
        .await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(error_code(&v), "validation_failed");
    assert!(error_message(&v).contains("演练名称"), "{v}");
    body["title"] = json!("目标用时错误");
    body["expected"] = json!([{"label": "报警", "target_minutes": 9999}]);
    let (s, v) = manager.post(&format!("/api/v1/units/{unit}/drills"), body).await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("目标用时"), "{v}");
    // The guard may not plan (403).
    let guard = app.client_for("demo_guard").await;
    let (s, _) = guard
        .post(&format!("/api/v1/units/{unit}/drills"), plan_body("保安计划"))
        .await;
    assert_eq!(s, 403);

    // The plan form sent twice with its one-time token makes one drill; a refused form keeps
    // what was typed.
    let b = app.browser("demo_unit", DEMO_PASSWORD).await;
    let html = b
        .get(app.url(&format!("/units/{unit}/drills")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let field_of = |html: &str, name: &str| {
        let marker = format!("name=\"{name}\" value=\"");
        let i = html.find(&marker).unwrap_or_else(|| panic!("no field {name}")) + marker.len();
        html[i..].split('"').next().unwrap().to_string()
    };
    let form = |title: &str, once: String| {
        vec![
            ("csrf_token", csrf_of(&html)),
            ("_once", once),
            ("scenario", "fire".to_string()),
            ("title", title.to_string()),
            ("planned_at", "2026-12-20T09:30".to_string()),
            ("participants_count", "8".to_string()),
            ("participants", "甲、乙".to_string()),
            ("actions", "报警，1\n初期灭火，4".to_string()),
        ]
    };
    let once = field_of(&html, "_once");
    let r1 = b
        .post(app.url(&format!("/units/{unit}/drills")))
        .form(&form("消防演练（表单）", once.clone()))
        .send()
        .await
        .unwrap();
    let r2 = b
        .post(app.url(&format!("/units/{unit}/drills")))
        .form(&form("消防演练（表单）", once))
        .send()
        .await
        .unwrap();
    assert_eq!(r1.status(), 200);
    assert_eq!(r2.status(), 200);
    assert_eq!(r1.url().path(), r2.url().path(), "the repeat lands on the same drill");
    let (_, l) = manager.get(&format!("/api/v1/units/{unit}/drills")).await;
    let same = l["drills"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["title"] == "消防演练（表单）")
        .collect::<Vec<_>>();
    assert_eq!(same.len(), 1, "{l}");
    assert_eq!(same[0]["expected"][1]["label"], "初期灭火");
    assert_eq!(same[0]["expected"][1]["target_minutes"], 4);
    let html = b
        .get(app.url(&format!("/units/{unit}/drills")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut bad = form("", field_of(&html, "_once"));
    bad[7].1 = "报警 一分钟".into();
    bad[3].1 = "保留的名称".into();
    let r = b
        .post(app.url(&format!("/units/{unit}/drills")))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let text = r.text().await.unwrap();
    assert!(text.contains("预定动作第1行"), "{text}");
    assert!(text.contains("保留的名称"), "what was typed is kept");

    // Another unit's manager: 404 for the drill and the unit.
    let id = same[0]["id"].as_str().unwrap();
    let (_, ningbo) = admin.get("/api/v1/units?division=3302&per_page=1").await;
    let other = ningbo["items"][0]["id"].as_str().unwrap();
    let (s, v) = admin
        .post(
            "/api/v1/users",
            json!({"username": "drill_other_manager", "display_name": "他单位负责人", "role": "unit_manager", "unit_id": other}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let stranger = app.client_for("drill_other_manager").await;
    let (s, _) = stranger.get(&format!("/api/v1/drills/{id}")).await;
    assert_eq!(s, 404);
    let (s, _) = stranger
        .put(&format!("/api/v1/drills/{id}/evaluation"), json!({}))
        .await;
    assert_eq!(s, 404);
    let (s, _) = stranger
        .post(&format!("/api/v1/units/{unit}/drills"), plan_body("越权"))
        .await;
    assert_eq!(s, 404);
    let (s, _) = stranger.get(&format!("/api/v1/units/{unit}/drills")).await;
    assert_eq!(s, 404);
}

/// Runs every job due at `at` (the scheduler claims 100 at a time); each must succeed.
async fn tick_all(app: &TestApp, at: chrono::DateTime<Utc>) {
    for _ in 0..50 {
        let ran = app.scheduler("n").tick(at).await.unwrap();
        for r in &ran {
            assert!(r.ok, "job {} failed", r.job.kind.code());
        }
        if ran.is_empty() {
            return;
        }
    }
    panic!("jobs still due at {at}");
}

#[tokio::test]
async fn a_counter_terror_target_without_a_drill_is_overdue_on_1_january() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let station = app.client_for("demo_station").await;
    let province = app.client_for("demo_province").await;
    // C: the demo unit, which runs and finishes a drill this year.
    let (c, _) = run_drill(&app, "反恐演练").await;
    // A: another unit of the station, no drill. B: a unit in Ningbo, no drill.
    let (_, cu) = admin.get(&format!("/api/v1/units/{c}")).await;
    let a = create_unit(
        &admin,
        "演练逾期测试单位",
        cu["division_code"].as_str().unwrap(),
        "91330106MA2DRL001",
    )
    .await;
    app.exec_sql(&format!(
        "UPDATE units SET police_station_id = (SELECT police_station_id FROM units WHERE id = '{c}') WHERE id = '{a}'"
    ))
    .await;
    let (_, ningbo) = admin.get("/api/v1/units?division=3302&per_page=1").await;
    let b = ningbo["items"][0]["id"].as_str().unwrap().to_string();
    app.exec_sql(&format!(
        "UPDATE units SET is_counter_terror_target = TRUE, state = 'active' WHERE id IN ('{a}', '{b}', '{c}')"
    ))
    .await;

    let now = Utc::now();
    let year = neibao_engine::drills::obligations::beijing_date(now).year();
    neibao_engine::drills::obligations::schedule_obligations(app.store.as_ref(), now)
        .await
        .unwrap();
    let listed = |v: &Value, id: &str| {
        v["overdue"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["unit_id"] == id && o["rule"] == "counter_terror")
    };
    // On 31 December nothing is overdue yet.
    let dec31 = neibao_engine::filings::deadlines::beijing_midnight(NaiveDate::from_ymd_opt(year, 12, 31).unwrap());
    tick_all(&app, dec31 + Duration::hours(12)).await;
    let (_, v) = province.get("/api/v1/emergency/drills").await;
    assert!(!listed(&v, &a), "{v}");
    // On 1 January: A and B overdue, C (drilled) not; the station sees A only.
    let jan1 = neibao_engine::filings::deadlines::beijing_midnight(NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap());
    tick_all(&app, jan1 + Duration::seconds(1)).await;
    let (s, v) = province.get("/api/v1/emergency/drills").await;
    assert_eq!(s, 200, "{v}");
    assert!(listed(&v, &a) && listed(&v, &b), "{v}");
    assert!(!listed(&v, &c), "the unit with a drill is not overdue: {v}");
    let (_, v) = station.get("/api/v1/emergency/drills").await;
    assert!(listed(&v, &a), "{v}");
    assert!(!listed(&v, &b), "another jurisdiction's unit: {v}");
    assert!(!listed(&v, &c));
    let o = v["overdue"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["unit_id"] == a.as_str())
        .unwrap();
    assert_eq!(o["period_start"], format!("{year}-01-01"));
    assert_eq!(o["period_end"], format!("{year}-12-31"));
    // A job run again records nothing new.
    app.scheduler("n").tick(jan1 + Duration::seconds(2)).await.unwrap();
    let (_, again) = station.get("/api/v1/emergency/drills").await;
    assert_eq!(again["overdue"], v["overdue"]);
    // The police page lists it; the unit was told.
    let br = app.browser("demo_station", DEMO_PASSWORD).await;
    let html = br
        .get(app.url("/emergency/drills"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("data-unit=\"{a}\"")), "{html}");
    assert!(!html.contains(&format!("data-unit=\"{b}\"")));
    assert!(html.contains("反恐演练"), "recent drills: {html}");
    // The next year's jobs are scheduled: next 1 January records the next period.
    let next = neibao_engine::filings::deadlines::beijing_midnight(NaiveDate::from_ymd_opt(year + 2, 1, 1).unwrap());
    tick_all(&app, next + Duration::seconds(1)).await;
    let (_, v) = province.get("/api/v1/emergency/drills").await;
    assert!(
        v["overdue"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["unit_id"] == c.as_str() && o["period_end"] == format!("{}-12-31", year + 1)),
        "{v}"
    );
    // The key units' frequency: only 1, 2, 3, 4, 6 or 12 months, set by the province.
    let (s, _) = station
        .put("/api/v1/emergency/drill_settings", json!({"key_unit_months": 3}))
        .await;
    assert_eq!(s, 403);
    let (s, v) = province
        .put("/api/v1/emergency/drill_settings", json!({"key_unit_months": 5}))
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("演练周期"), "{v}");
    let (s, v) = province
        .put("/api/v1/emergency/drill_settings", json!({"key_unit_months": 3}))
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, v) = station.get("/api/v1/emergency/drill_settings").await;
    assert_eq!(v["key_unit_months"], 3);
}

/// The height (px) of the element `sel`.
async fn height(b: &crate::webdriver::Browser, sel: &str) -> f64 {
    b.call(
        reqwest::Method::POST,
        "execute/sync",
        json!({"script": format!("return document.querySelector('{sel}').getBoundingClientRect().height;"), "args": []}),
    )
    .await
    .unwrap()
    .as_f64()
    .unwrap()
}

#[tokio::test]
async fn a_guard_runs_a_drill_on_a_phone_and_the_officer_sees_the_evaluation() {
    use crate::webdriver::{browser_installed, css, Browser};
    use reqwest::Method;
    if !browser_installed() {
        return;
    }
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let unit = unit_of(&manager).await;
    let (s, d) = manager
        .post(&format!("/api/v1/units/{unit}/drills"), plan_body("手机演练"))
        .await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_str().unwrap().to_string();

    let b = Browser::start().await;
    b.call(Method::POST, "window/rect", json!({"width": 390, "height": 844}))
        .await
        .unwrap();
    b.login(&app, "demo_guard").await;
    b.goto(&app.url(&format!("/drills/{id}/run"))).await;
    b.assert_fits_phone().await;
    assert!(height(&b, "#start").await >= 44.0);
    b.click(&css("#start")).await;
    b.wait_for("the drill started", || async {
        b.try_text(&css("#tap-1")).await.is_ok()
    })
    .await;
    b.assert_fits_phone().await;
    for (n, sel) in [(1, "#tap-1"), (2, "#tap-2"), (3, "#tap-3")] {
        assert!(height(&b, sel).await >= 44.0, "touch target of {sel}");
        b.click(&css(sel)).await;
        b.wait_for("the step recorded", || async {
            b.try_text(&css("#recorded-count")).await.as_deref() == Ok(&n.to_string())
        })
        .await;
        b.assert_fits_phone().await;
    }
    // A photo of the first step.
    let photo = concat!(env!("CARGO_TARGET_TMPDIR"), "/drill-step.png");
    std::fs::write(
        photo,
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89",
    )
    .unwrap();
    b.send_keys(&css("#photo-file-1"), photo).await;
    b.click(&css("#photo-send-1")).await;
    b.wait_for("the photo linked at the first step", || async {
        b.try_text(&css("#photo-1")).await.is_ok_and(|t| t.contains("查看照片"))
    })
    .await;
    assert!(height(&b, "#finish").await >= 44.0);
    b.click(&css("#finish")).await;
    b.wait_for("the drill finished", || async {
        b.try_text(&css("#notice"))
            .await
            .is_ok_and(|t| t.contains("演练已结束"))
    })
    .await;
    b.assert_fits_phone().await;
    let png = b.screenshot().await;
    let shot = concat!(env!("CARGO_TARGET_TMPDIR"), "/drill-run-phone.png");
    std::fs::write(shot, png).unwrap();
    println!("screenshot: {shot}");
    b.quit().await;

    let (_, d) = manager.get(&format!("/api/v1/drills/{id}")).await;
    assert_eq!(d["steps"].as_array().unwrap().len(), 3, "{d}");
    assert!(d["steps"][0]["photo_id"].is_string(), "{d}");
    let (s, d) = manager
        .put(
            &format!("/api/v1/drills/{id}/evaluation"),
            json!({"strengths": ["保安到场迅速"], "shortfalls": ["疏散未完成"]}),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    let overall = d["evaluation"]["overall"].as_i64().unwrap();

    // The officer opens the drill, sees the evaluation, and the PDF link works.
    let b = Browser::start().await;
    b.call(Method::POST, "window/rect", json!({"width": 390, "height": 844}))
        .await
        .unwrap();
    b.login(&app, "demo_station").await;
    b.goto(&app.url(&format!("/drills/{id}"))).await;
    assert_eq!(b.text(&css("#overall-score")).await, overall.to_string());
    assert!(b.text(&css("#shortfalls")).await.contains("疏散未完成"));
    b.assert_fits_phone().await;
    let href = b.attribute(&css("#report-link"), "href").await;
    b.quit().await;
    let officer = app.browser("demo_station", DEMO_PASSWORD).await;
    let url = if href.starts_with("http") { href } else { app.url(&href) };
    let r = officer.get(url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
}

//! One-press alarms (docs/ALARMS.md; R12(4), R20(3), R34) over HTTP: a guard's alarm reaches the
//! station on duty at once (a critical alert it sees, an inbox notice) and climbs the police tree
//! on its own short step while nobody acknowledges it (an acknowledged one stays); the police
//! record their arrival and the durations show; a drill is marked 演练 and counted apart; a
//! device's emergency button takes the same path; a double tap makes one alarm; police outside
//! the jurisdiction do not find it; a competent department cannot raise one.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::common::*;

async fn unit_of(c: &Client) -> String {
    let (_, me) = c.get("/api/v1/me").await;
    me["unit_id"].as_str().unwrap().to_string()
}

async fn inbox_titles(c: &Client) -> Vec<String> {
    let (s, v) = c.get("/api/v1/inbox?per_page=100").await;
    assert_eq!(s, 200, "{v}");
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap_or("").to_string())
        .collect()
}

async fn alert(c: &Client, id: &str) -> Value {
    let (s, v) = c.get(&format!("/api/v1/alerts/{id}")).await;
    assert_eq!(s, 200, "{v}");
    v
}

#[tokio::test]
async fn a_one_press_alarm_reaches_the_station_at_once_and_climbs_when_nobody_acknowledges() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let guard = app.client_for("demo_guard").await;
    let manager = app.client_for("demo_unit").await;
    let station = app.client_for("demo_station").await;
    let unit = unit_of(&guard).await;
    let (_, u) = admin.get(&format!("/api/v1/units/{unit}")).await;
    let station_name = u["police_station_name"].as_str().unwrap().to_string();
    let (_, county_me) = app.client_for("demo_county").await.get("/api/v1/me").await;
    let county = county_me["org_name"].as_str().unwrap().to_string();

    // Speed first: an empty body is an alarm of scenario `other`.
    let t0 = Utc::now();
    let (s, a) = guard.post(&format!("/api/v1/units/{unit}/alarms"), json!({})).await;
    assert_eq!(s, 201, "{a}");
    assert_eq!(a["scenario"], "other");
    assert_eq!(a["drill"], false);
    assert_eq!(a["source"], "button");
    assert_eq!(a["plan_link"], format!("/units/{unit}/emergency-plans?scenario=other"));
    let alarm_id = a["id"].as_str().unwrap().to_string();
    let alert_id = a["alert_id"].as_str().expect("the alarm's alert").to_string();

    // The station sees it at once: a critical alert in its list, the alarm in its jurisdiction.
    let (_, alerts) = station.get("/api/v1/alerts?per_page=50").await;
    let al = alerts["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == alert_id.as_str())
        .cloned()
        .expect("the station sees the alarm's alert");
    assert_eq!(al["rule"], "emergency_alarm");
    assert_eq!(al["severity"], "critical");
    assert!(al["title"].as_str().unwrap().starts_with("一键报警："), "{al}");
    let (s, v) = station.get(&format!("/api/v1/alarms/{alarm_id}")).await;
    assert_eq!(s, 200, "{v}");
    // Its inbox: the notice is due at once (no wait).
    app.scheduler("n").tick(Utc::now()).await.unwrap();
    assert!(
        inbox_titles(&station).await.iter().any(|t| t.starts_with("一键报警")),
        "the station's inbox has the alarm"
    );

    // Another alarm (the manager), acknowledged by the station: it never climbs.
    let (s, b) = manager
        .post(
            &format!("/api/v1/units/{unit}/alarms"),
            json!({"scenario": "intrusion", "note": "东门有人翻墙"}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let acked = b["alert_id"].as_str().unwrap().to_string();
    let (s, v) = station
        .post(
            &format!("/api/v1/alerts/{acked}/acknowledge"),
            json!({"comment": "已派警"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, b2) = station
        .get(&format!("/api/v1/alarms/{}", b["id"].as_str().unwrap()))
        .await;
    assert!(b2["acknowledged_at"].is_string(), "{b2}");
    assert!(b2["seconds_to_acknowledge"].as_i64().unwrap() >= 0, "{b2}");

    // Nobody acknowledges the first: after 1 minute nothing yet, past the 2-minute step the
    // station again, past the next the county bureau (an ordinary alert waits 15 minutes).
    let sch = app.scheduler("n");
    sch.tick(t0 + Duration::seconds(60)).await.unwrap();
    assert_eq!(alert(&admin, &alert_id).await["escalation_level"], 0);
    sch.tick(t0 + Duration::seconds(150)).await.unwrap();
    let v = alert(&admin, &alert_id).await;
    assert_eq!(v["escalation_level"], 1, "{v}");
    assert_eq!(v["escalated_to"], station_name.as_str());
    sch.tick(t0 + Duration::seconds(270)).await.unwrap();
    let v = alert(&admin, &alert_id).await;
    assert_eq!(v["escalation_level"], 2, "{v}");
    assert_eq!(v["escalated_to"], county.as_str());
    let (_, a2) = admin.get(&format!("/api/v1/alarms/{alarm_id}")).await;
    assert_eq!(a2["escalation_level"], 2, "{a2}");
    // The acknowledged one stayed.
    assert_eq!(alert(&admin, &acked).await["escalation_level"], 0);

    // The step is configurable by an administrator (1–60 minutes): 10 minutes.
    let (_, step) = station.get("/api/v1/alarms/escalation").await;
    assert_eq!(step["step_minutes"], 2, "{step}");
    let (s, _) = station
        .put("/api/v1/alarms/escalation", json!({"step_minutes": 10}))
        .await;
    assert_eq!(s, 403);
    let (s, v) = admin.put("/api/v1/alarms/escalation", json!({"step_minutes": 0})).await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    let (s, v) = admin
        .put("/api/v1/alarms/escalation", json!({"step_minutes": 10}))
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, c) = app
        .client_for("demo_guard")
        .await
        .post(
            &format!("/api/v1/units/{unit}/alarms"),
            json!({"scenario": "fire", "drill": true}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    let slow = c["alert_id"].as_str().unwrap().to_string();
    let t1 = Utc::now();
    sch.tick(t1 + Duration::minutes(5)).await.unwrap();
    assert_eq!(alert(&admin, &slow).await["escalation_level"], 0);
    sch.tick(t1 + Duration::minutes(11)).await.unwrap();
    assert_eq!(alert(&admin, &slow).await["escalation_level"], 1);
}

#[tokio::test]
async fn the_police_record_arrival_and_the_durations_show() {
    let app = TestApp::demo().await;
    let guard = app.client_for("demo_guard").await;
    let station = app.client_for("demo_station").await;
    let unit = unit_of(&guard).await;
    let (_, a) = guard
        .post(
            &format!("/api/v1/units/{unit}/alarms"),
            json!({"scenario": "violent_attack", "note": "门口持刀人员"}),
        )
        .await;
    let id = a["id"].as_str().unwrap().to_string();
    let alert_id = a["alert_id"].as_str().unwrap().to_string();
    assert!(a["arrived_at"].is_null());

    // A guard cannot record the police's arrival; the station can, once.
    let (s, _) = guard.post(&format!("/api/v1/alarms/{id}/arrival"), json!({})).await;
    assert_eq!(s, 403);
    let (s, v) = station
        .post(
            &format!("/api/v1/alarms/{id}/arrival"),
            json!({"arrived_at": (Utc::now() - Duration::hours(2)).to_rfc3339()}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "before the alarm: {v}");
    station
        .post(&format!("/api/v1/alerts/{alert_id}/acknowledge"), json!({}))
        .await;
    let (s, v) = station
        .post(
            &format!("/api/v1/alarms/{id}/arrival"),
            json!({"note": "民警两人到场，嫌疑人已控制"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert!(v["arrived_at"].is_string(), "{v}");
    assert!(v["seconds_to_arrive"].as_i64().unwrap() >= 0, "{v}");
    assert!(v["seconds_to_acknowledge"].is_i64(), "{v}");
    assert!(v["arrival_by"].as_str().unwrap().contains("派出所"), "{v}");
    let (s, v) = station.post(&format!("/api/v1/alarms/{id}/arrival"), json!({})).await;
    assert_eq!((s, error_code(&v)), (409, "invalid_transition"), "{v}");

    // The page shows the timeline with both durations and the plan link; the unit sees it too.
    let br = app.browser("demo_guard", DEMO_PASSWORD).await;
    let page = br
        .get(app.url(&format!("/alarms/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"to-ack\"") && page.contains("id=\"to-arrive\""),
        "{page}"
    );
    assert!(
        page.contains("暴力袭击") && page.contains("emergency-plans?scenario=violent_attack"),
        "{page}"
    );
    assert!(!page.contains("id=\"arrival-form\""), "no arrival form for a guard");
    let (_, counts) = station.get("/api/v1/alarms/counts").await;
    assert_eq!(counts["real"], 1, "{counts}");
    assert_eq!(counts["real_without_arrival"], 0, "{counts}");
}

#[tokio::test]
async fn a_drill_alarm_is_marked_and_counted_apart() {
    let app = TestApp::demo().await;
    let guard = app.client_for("demo_guard").await;
    let station = app.client_for("demo_station").await;
    let unit = unit_of(&guard).await;
    let (s, d) = guard
        .post(
            &format!("/api/v1/units/{unit}/alarms"),
            json!({"scenario": "terrorism", "drill": true}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(d["drill"], true);
    let (_, real) = guard
        .post(&format!("/api/v1/units/{unit}/alarms"), json!({"scenario": "fire"}))
        .await;
    assert_ne!(real["id"], d["id"], "a drill and a real alarm are two alarms");
    let al = alert(&station, d["alert_id"].as_str().unwrap()).await;
    assert!(al["title"].as_str().unwrap().starts_with("【演练】一键报警"), "{al}");
    let al = alert(&station, real["alert_id"].as_str().unwrap()).await;
    assert!(!al["title"].as_str().unwrap().contains("演练"), "{al}");
    app.scheduler("n").tick(Utc::now()).await.unwrap();
    let titles = inbox_titles(&station).await;
    assert!(titles.iter().any(|t| t.starts_with("【演练】一键报警")), "{titles:?}");

    let (_, counts) = station.get("/api/v1/alarms/counts").await;
    assert_eq!(
        (counts["real"].as_i64(), counts["drills"].as_i64()),
        (Some(1), Some(1)),
        "{counts}"
    );
    let (_, drills) = station.get("/api/v1/alarms?drill=true").await;
    assert_eq!(drills["total"], 1, "{drills}");
    let (_, reals) = station.get("/api/v1/alarms?drill=false").await;
    assert_eq!(reals["total"], 1, "{reals}");

    // The police list says 演练 and counts drills apart; the alarm's page has the banner.
    let br = app.browser("demo_station", DEMO_PASSWORD).await;
    let page = br
        .get(app.url("/emergency/alarms"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"count-drills\">1<") && page.contains("id=\"count-real\">1<"),
        "{page}"
    );
    assert!(page.contains("badge drill"), "{page}");
    let page = br
        .get(app.url(&format!("/alarms/{}", d["id"].as_str().unwrap())))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"drill-banner\"") && page.contains("id=\"arrival-form\""),
        "{page}"
    );
}

#[tokio::test]
async fn a_device_emergency_button_raises_the_same_alarm() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let station = app.client_for("demo_station").await;
    let unit = unit_of(&app.client_for("demo_unit").await).await;
    let (device, path) = create_device(&admin, &unit, None, "generic_json").await;
    let (s, v) = app
        .ingest(
            &path,
            "application/json",
            json!({"type": "alarm.emergency", "region": "前台紧急按钮"}).to_string(),
        )
        .await;
    assert!(s == 200 || s == 202, "{s} {v}");
    let (_, list) = station.get("/api/v1/alarms").await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["source"], "device");
    assert_eq!(items[0]["device_id"], device.as_str());
    assert!(items[0]["note"].as_str().unwrap().contains("前台紧急按钮"));
    let al = alert(&station, items[0]["alert_id"].as_str().unwrap()).await;
    assert_eq!(
        (al["rule"].as_str(), al["severity"].as_str()),
        (Some("emergency_alarm"), Some("critical"))
    );
    // The button held down (the same event again) folds into the same alert: one alarm.
    app.ingest(
        &path,
        "application/json",
        json!({"type": "alarm.emergency", "region": "前台紧急按钮"}).to_string(),
    )
    .await;
    let (_, list) = station.get("/api/v1/alarms").await;
    assert_eq!(list["total"], 1, "{list}");
}

#[tokio::test]
async fn a_double_tap_makes_one_alarm_and_who_may_do_what() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let guard = app.client_for("demo_guard").await;
    let unit = unit_of(&guard).await;

    // API: the same account twice within a minute is the same alarm.
    let (s, a) = guard.post(&format!("/api/v1/units/{unit}/alarms"), json!({})).await;
    assert_eq!(s, 201, "{a}");
    let (s, b) = guard.post(&format!("/api/v1/units/{unit}/alarms"), json!({})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(a["id"], b["id"]);
    let (_, l) = guard.get(&format!("/api/v1/alarms?unit_id={unit}")).await;
    assert_eq!(l["total"], 1, "{l}");

    // The phone page: the big button; a double tap of the form opens the same alarm.
    let br = app.browser("demo_unit", DEMO_PASSWORD).await;
    let page = br
        .get(app.url(&format!("/units/{unit}/alarm")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"alarm-now\""), "{page}");
    let csrf = csrf_of(&page);
    let once = page
        .split("name=\"_once\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let mut firsts = Vec::new();
    for _ in 0..2 {
        let r = br
            .post(app.url(&format!("/units/{unit}/alarm")))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("_once", once.as_str()),
                ("scenario", "crowd_incident"),
                ("note", "校门口聚集"),
                ("drill", "0"),
            ])
            .send()
            .await
            .unwrap();
        firsts.push(r.url().path().to_string());
    }
    assert_eq!(firsts[0], firsts[1], "{firsts:?}");
    assert!(firsts[0].starts_with("/alarms/"), "{firsts:?}");
    let (_, l) = guard.get(&format!("/api/v1/alarms?unit_id={unit}")).await;
    assert_eq!(l["total"], 2, "one from the guard, one from the manager's page: {l}");
    // A refused form keeps what was typed.
    let r = br
        .post(app.url(&format!("/units/{unit}/alarm")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("_once", "x-refused-1"),
            ("scenario", "flood"),
            ("note", "保留的说明"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body = r.text().await.unwrap();
    assert!(body.contains("id=\"error\"") && body.contains("保留的说明"), "{body}");

    // A competent department may not raise one (403); police cannot raise either.
    let (s, v) = app
        .client_for("demo_department")
        .await
        .post(&format!("/api/v1/units/{unit}/alarms"), json!({}))
        .await;
    assert_eq!(s, 403, "{v}");
    let (s, _) = app
        .client_for("demo_station")
        .await
        .post(&format!("/api/v1/units/{unit}/alarms"), json!({}))
        .await;
    assert_eq!(s, 403);

    // Another unit's alarm, outside the demo station's jurisdiction: not found.
    let other = create_unit(&admin, "报警测试外单位", "330206", "91330206MA2AL0001").await;
    let (s, acc) = admin
        .post(
            "/api/v1/users",
            json!({"username": "al_other_guard", "display_name": "外单位保安", "role": "guard", "unit_id": other}),
        )
        .await;
    assert_eq!(s, 201, "{acc}");
    let stranger = app.client_for("al_other_guard").await;
    let (s, far) = stranger.post(&format!("/api/v1/units/{other}/alarms"), json!({})).await;
    assert_eq!(s, 201, "{far}");
    let far_id = far["id"].as_str().unwrap();
    let station = app.client_for("demo_station").await;
    let (s, _) = station.get(&format!("/api/v1/alarms/{far_id}")).await;
    assert_eq!(s, 404);
    let (s, _) = station
        .post(&format!("/api/v1/alarms/{far_id}/arrival"), json!({}))
        .await;
    assert_eq!(s, 404);
    let r = app
        .browser("demo_station", DEMO_PASSWORD)
        .await
        .get(app.url(&format!("/alarms/{far_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    // …and the stranger cannot raise one at the demo unit.
    let (s, _) = stranger.post(&format!("/api/v1/units/{unit}/alarms"), json!({})).await;
    assert_eq!(s, 404);
}

/// The emergency hub (`/emergency`, docs/EMERGENCY.md): a guard is led to its own unit's five
/// pages, a station officer to the jurisdiction's lists; every link opens.
#[tokio::test]
async fn the_emergency_hub_leads_each_account_to_its_pages() {
    let app = TestApp::demo().await;
    let unit = unit_of(&app.client_for("demo_guard").await).await;
    for (user, expected) in [
        (
            "demo_guard",
            vec![
                format!("/units/{unit}/alarm"),
                format!("/units/{unit}/emergency-plans"),
                format!("/units/{unit}/drills"),
                format!("/units/{unit}/equipment"),
                format!("/units/{unit}/protection-level"),
            ],
        ),
        (
            "demo_station",
            vec![
                "/emergency/alarms".to_string(),
                "/emergency/plans".to_string(),
                "/emergency/drills".to_string(),
                "/emergency/equipment".to_string(),
                "/emergency/levels".to_string(),
            ],
        ),
    ] {
        let br = app.browser(user, DEMO_PASSWORD).await;
        let html = br.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(
            html.contains(r#"<a href="/emergency">应急</a>"#),
            "{user}: the nav links the hub"
        );
        let r = br.get(app.url("/emergency")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{user}");
        let html = r.text().await.unwrap();
        assert!(html.contains("应急管理"), "{user}");
        for href in &expected {
            assert!(html.contains(&format!(r#"href="{href}""#)), "{user}: {href} in {html}");
            let r = br.get(app.url(href)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{user}: {href}");
        }
    }
}

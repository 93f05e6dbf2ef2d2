//! Reports to the police (docs/REPORTS.md; R12(4), R24, R48) over HTTP: a unit's incident report
//! reaches its police station within the same request (its list and inbox have it right after
//! the 201), the station acknowledges it (time to acknowledgement measured) and records its
//! handling until closed; people involved are encrypted at rest and answered masked; a replayed
//! create is one report; another unit's manager and police of another county do not find it;
//! bad input is refused in Chinese; the public form takes suspicious-activity reports without an
//! account, answers only 已收到 and a receipt, and a flood from one address is limited (429) while
//! every accepted report is kept.

use serde_json::{json, Value};

use crate::common::*;

const ID_NUMBER: &str = "330106199003071236";
const PHONE: &str = "13912348765";
const NAME: &str = "欧阳锋锐";

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

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn an_incident_report_reaches_the_station_at_once_and_is_acknowledged_and_handled() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let manager = app.client_for("demo_unit").await;
    let station = app.client_for("demo_station").await;
    let unit = unit_of(&manager).await;
    let (_, u) = admin.get(&format!("/api/v1/units/{unit}")).await;
    let station_id = u["police_station_id"].as_str().unwrap().to_string();

    let body = json!({
        "kind": "incident",
        "title": "仓库电缆被盗",
        "place": "北区仓库",
        "details": "夜班巡查发现仓库后门被撬，电缆约200米被盗。",
        "occurred_at": (chrono::Utc::now() - chrono::Duration::hours(2)).to_rfc3339(),
        "people": [{"name": NAME, "role": "嫌疑人", "id_number": ID_NUMBER, "phone": PHONE}],
        "first_actions": "已封锁后门，调取监控",
        "scene_preserved": true,
    });
    let r = manager
        .http
        .post(format!("{}/api/v1/units/{unit}/reports", manager.base))
        .bearer_auth(&manager.token)
        .header("Idempotency-Key", "report-once-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let rep: Value = r.json().await.unwrap();
    let id = rep["id"].as_str().unwrap().to_string();
    assert_eq!(rep["status"], "submitted");
    assert_eq!(rep["station_id"], station_id.as_str());
    assert!(rep["receipt_no"].as_str().unwrap().contains('-'), "{rep}");
    // Masked in the answer.
    let p = &rep["people"][0];
    assert_eq!(p["id_number"], "330106********1236", "{rep}");
    assert_eq!(p["phone"], "139****8765");
    assert_eq!(p["name"], "欧***");
    assert!(!rep.to_string().contains(ID_NUMBER));

    // A double tap (the same key) is the same report.
    let r = manager
        .http
        .post(format!("{}/api/v1/units/{unit}/reports", manager.base))
        .bearer_auth(&manager.token)
        .header("Idempotency-Key", "report-once-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let again: Value = r.json().await.unwrap();
    assert_eq!(again["id"], id.as_str());
    let (_, mine) = manager.get(&format!("/api/v1/reports?unit_id={unit}")).await;
    assert_eq!(mine["total"], 1, "{mine}");

    // The station has it right after the 201: its list and its inbox.
    let (s, list) = station.get("/api/v1/reports?status=submitted").await;
    assert_eq!(s, 200, "{list}");
    assert!(ids(&list).contains(&id), "{list}");
    assert!(
        inbox_titles(&station)
            .await
            .iter()
            .any(|t| t.starts_with("内部案事件报告") && t.contains("仓库电缆被盗")),
        "the station's inbox has the report"
    );

    // Encrypted at rest.
    let stored = app.stored_bytes();
    assert!(!stored.contains(ID_NUMBER), "the ID number is stored in plaintext");
    assert!(!stored.contains(PHONE), "the phone is stored in plaintext");
    assert!(!stored.contains(NAME), "the name is stored in plaintext");

    // Another unit's manager and police of another county do not find it; the unit cannot
    // acknowledge.
    let (_, ningbo) = admin.get("/api/v1/units?division=3302&per_page=1").await;
    let other_unit = ningbo["items"][0]["id"].as_str().unwrap();
    let (s, v) = admin
        .post(
            "/api/v1/users",
            json!({"username": "report_other_mgr", "display_name": "他单位负责人", "role": "unit_manager", "unit_id": other_unit}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let other = app.client_for("report_other_mgr").await;
    let (s, _) = other.get(&format!("/api/v1/reports/{id}")).await;
    assert_eq!(s, 404);
    let (_, l) = other.get("/api/v1/reports").await;
    assert!(!ids(&l).contains(&id));
    let (s, _) = other
        .post(&format!("/api/v1/units/{unit}/reports"), json!({"title": "越权"}))
        .await;
    assert_eq!(s, 404);
    let county_other = app.client_for("demo_county_other").await;
    let (s, _) = county_other.get(&format!("/api/v1/reports/{id}")).await;
    assert_eq!(s, 404);
    let (s, _) = county_other
        .post(&format!("/api/v1/reports/{id}/acknowledge"), json!({}))
        .await;
    assert_eq!(s, 404);
    let (s, v) = manager
        .post(&format!("/api/v1/reports/{id}/acknowledge"), json!({}))
        .await;
    assert_eq!(s, 403, "{v}");
    let department = app.client_for("demo_department").await;
    // A competent department is not a channel of reports (report.read not granted).
    let (s, _) = department.get(&format!("/api/v1/reports/{id}")).await;
    assert_eq!(s, 403);

    // The station acknowledges: the time to acknowledgement is measured; not twice.
    let (s, v) = station
        .post(&format!("/api/v1/reports/{id}/acknowledge"), json!({}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "acknowledged");
    assert!(v["acknowledged_at"].is_string());
    assert!(v["seconds_to_acknowledge"].as_i64().unwrap() >= 0, "{v}");
    let (s, v) = station
        .post(&format!("/api/v1/reports/{id}/acknowledge"), json!({}))
        .await;
    assert_eq!(s, 409, "{v}");
    assert!(error_message(&v).contains("已签收"), "{v}");

    // Handling: a note, then closed; nothing after.
    let (s, v) = station
        .post(&format!("/api/v1/reports/{id}/handling"), json!({"note": ""}))
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("处置情况"), "{v}");
    let (s, v) = station
        .post(
            &format!("/api/v1/reports/{id}/handling"),
            json!({"note": "已出警勘查现场"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = station
        .post(
            &format!("/api/v1/reports/{id}/handling"),
            json!({"note": "已立案侦查，办结", "close": true}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "closed");
    assert_eq!(v["notes"].as_array().unwrap().len(), 2, "{v}");
    let (s, _) = station
        .post(&format!("/api/v1/reports/{id}/handling"), json!({"note": "再登记"}))
        .await;
    assert_eq!(s, 409);
    // The unit sees the status.
    let (_, v) = manager.get(&format!("/api/v1/reports/{id}")).await;
    assert_eq!(v["status"], "closed");
    assert!(v["seconds_to_acknowledge"].is_i64(), "{v}");

    // The pages: the unit's own report (masked), the station's list.
    let browser = app.browser("demo_unit", DEMO_PASSWORD).await;
    let html = browser
        .get(app.url(&format!("/reports/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("330106********1236"), "masked on the page");
    assert!(!html.contains(ID_NUMBER));
    assert!(html.contains("已办结"));
}

#[tokio::test]
async fn bad_reports_are_refused_in_chinese() {
    let app = TestApp::demo().await;
    let guard = app.client_for("demo_guard").await;
    let unit = unit_of(&guard).await;
    let path = format!("/api/v1/units/{unit}/reports");
    for (body, words) in [
        (json!({}), "事件概要不能为空"),
        (json!({"title": "x", "kind": "nonsense"}), "报告类型"),
        (json!({"title": "很".repeat(101)}), "事件概要"),
        (
            json!({"title": "打架", "people": [{"name": "张三", "id_number": "330106199003071230"}]}),
            "公民身份号码无效",
        ),
        (
            json!({"title": "打架", "people": [{"name": "张三", "phone": "12345"}]}),
            "第1位涉事人员",
        ),
        (json!({"title": "打架", "people": [{"phone": PHONE}]}), "姓名不能为空"),
        (
            json!({"title": "打架", "key_area_id": "not-ours"}),
            "重要部位不属于本单位",
        ),
        (
            json!({"title": "打架", "occurred_at": (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339()}),
            "不能晚于当前时间",
        ),
    ] {
        let (s, v) = guard.post(&path, body.clone()).await;
        assert_eq!(s, 400, "{body}: {v}");
        assert!(error_message(&v).contains(words), "{body}: {v}");
    }
    // A guard files a surroundings issue.
    let (s, v) = guard
        .post(
            &path,
            json!({"kind": "surroundings", "title": "正门外占道摆摊", "place": "正门外人行道"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["kind"], "surroundings");
    // The public endpoint refuses without a place division.
    let http = reqwest::Client::new();
    let r = http
        .post(app.url("/api/v1/public/reports"))
        .json(&json!({"place": "地铁站", "details": "可疑包裹"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(error_message(&v).contains("辖区"), "{v}");
}

#[tokio::test]
async fn a_public_flood_is_limited_and_every_accepted_report_is_kept() {
    let app = TestApp::demo().await;
    let station = app.client_for("demo_station").await;
    // The demo unit's township is its station's division.
    let unit = unit_of(&app.client_for("demo_unit").await).await;
    let (_, u) = app.admin().await.get(&format!("/api/v1/units/{unit}")).await;
    let division = u["division_code"].as_str().unwrap().to_string();
    let http = reqwest::Client::new();
    let url = app.url("/api/v1/public/reports");

    // A robot fills the honeypot: told 已收到, nothing stored (it spends budget).
    let r = http
        .post(&url)
        .json(&json!({"division_code": division, "place": "广场", "details": "广告", "website": "http://spam"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    // A flood from one address: some accepted, the rest 429 in Chinese.
    let mut tasks = Vec::new();
    for i in 0..12 {
        let http = http.clone();
        let url = url.clone();
        let body = json!({"division_code": division, "place": format!("地铁站{i}号口"), "details": format!("可疑人员反复徘徊{i}"),
                          "contact": if i % 2 == 0 { PHONE } else { "" }});
        tasks.push(tokio::spawn(async move {
            let r = http.post(&url).json(&body).send().await.unwrap();
            let s = r.status().as_u16();
            (s, r.json::<Value>().await.unwrap_or(Value::Null))
        }));
    }
    let mut accepted = Vec::new();
    let mut limited = 0;
    for t in tasks {
        let (s, v) = t.await.unwrap();
        match s {
            201 => {
                assert_eq!(v["message"], "已收到");
                let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
                assert_eq!(keys.len(), 2, "only the receipt: {v}");
                accepted.push(v["receipt_no"].as_str().unwrap().to_string());
            }
            429 => {
                limited += 1;
                assert_eq!(error_code(&v), "busy");
                assert!(error_message(&v).contains("提交过于频繁"), "{v}");
            }
            _ => panic!("{s} {v}"),
        }
    }
    assert!(limited > 0, "the flood is limited");
    assert_eq!(accepted.len(), 4, "the budget (5) less the robot's");

    // Every accepted report is kept, routed to the station of the place; the contact masked.
    let (_, list) = station.get("/api/v1/reports?kind=suspicious&per_page=100").await;
    let mut receipts: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["source"] == "public")
        .map(|r| r["receipt_no"].as_str().unwrap().to_string())
        .collect();
    receipts.sort();
    accepted.sort();
    assert_eq!(receipts, accepted, "{list}");
    for r in list["items"].as_array().unwrap() {
        assert!(r["unit_id"].is_null());
        let c = r["contact"].as_str().unwrap();
        assert!(c.is_empty() || c == "139****8765", "{r}");
        assert_eq!(r["anonymous"], c.is_empty());
    }
    assert!(
        !app.stored_bytes().contains(PHONE),
        "the contact is stored in plaintext"
    );
    assert!(inbox_titles(&station)
        .await
        .iter()
        .any(|t| t.starts_with("可疑情况/涉恐线索报告")));

    // The public page: no account, lists places, says only 已收到 (the budget is spent: 429 in
    // Chinese, what was typed kept).
    let page = http.get(app.url("/report")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("报告可疑情况") && html.contains(&division));
    let r = http
        .post(app.url("/report"))
        .form(&[
            ("division_code", division.as_str()),
            ("place", "东站"),
            ("details", "无人认领的箱子"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    let html = r.text().await.unwrap();
    assert!(html.contains("提交过于频繁") && html.contains("无人认领的箱子"));
}

/// The browser test (issue 15 "What shows it is done"): on a 390×844 page a unit manager
/// reads a bulletin the county police issued (read receipt), acknowledges it with a reply, and
/// files an incident report with a photo; the pages never scroll sideways; the county sees the
/// acknowledgement and the station the report with its photo, people masked.
#[tokio::test]
async fn a_unit_manager_reads_and_acknowledges_a_bulletin_then_files_an_incident_report_on_a_phone() {
    use crate::webdriver::{browser_installed, css, Browser};
    if !browser_installed() {
        return;
    }
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let manager = app.client_for("demo_unit").await;
    let station = app.client_for("demo_station").await;
    let county = app.client_for("demo_county").await;
    let unit = unit_of(&manager).await;
    let (_, u) = admin.get(&format!("/api/v1/units/{unit}")).await;
    let (s, bl) = county
        .post(
            "/api/v1/bulletins",
            json!({
                "kind": "risk_warning",
                "severity": "important",
                "title": "手机签收测试通报",
                "body": "近期辖区发生多起冒充快递员入室盗窃案件，请加强出入口登记查验。",
                "division_prefix": u["division_code"],
                "unit_set": {"unit_ids": [unit]},
                "ack_deadline": (chrono::Utc::now() + chrono::Duration::hours(24)).to_rfc3339(),
                "reply_requested": true,
            }),
        )
        .await;
    assert_eq!(s, 201, "{bl}");
    let bulletin = bl["id"].as_str().unwrap().to_string();
    let photo = concat!(env!("CARGO_TARGET_TMPDIR"), "/report-phone-photo.png");
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(b"browser test photo");
    std::fs::write(photo, &bytes).unwrap();

    let b = Browser::start().await;
    b.call(
        reqwest::Method::POST,
        "window/rect",
        json!({"width": 390, "height": 844}),
    )
    .await
    .unwrap();
    b.login(&app, "demo_unit").await;
    // The bulletin: listed, read, acknowledged with a reply.
    b.goto(&app.url("/bulletins")).await;
    assert!(b
        .text(&css(&format!("#bulletin-{bulletin}")))
        .await
        .contains("手机签收测试通报"));
    b.assert_fits_phone().await;
    b.goto(&app.url(&format!("/bulletins/{bulletin}"))).await;
    assert!(b.text(&css("#bulletin-body")).await.contains("冒充快递员"));
    b.assert_fits_phone().await;
    b.send_keys(&css("#reply"), "已传达至全体保安。").await;
    b.click(&css("#acknowledge")).await;
    b.wait_for("acknowledged", || async {
        b.try_text(&css("#acknowledged"))
            .await
            .is_ok_and(|t| t.contains("已传达至全体保安"))
    })
    .await;
    // The incident report, with a photo.
    b.goto(&app.url(&format!("/units/{unit}/report"))).await;
    b.assert_fits_phone().await;
    b.send_keys(&css("#title"), "员工宿舍发生盗窃").await;
    b.send_keys(&css("#place"), "三号宿舍楼").await;
    b.send_keys(&css("#p1-name"), NAME).await;
    b.send_keys(&css("#p1-id"), ID_NUMBER).await;
    b.send_keys(&css("#first-actions"), "已封锁宿舍楼出入口").await;
    b.click(&css("#scene-preserved")).await;
    b.send_keys(&css("#photos"), photo).await;
    b.click(&css("#file-report")).await;
    b.wait_for("the report filed", || async {
        b.try_text(&css("#notice"))
            .await
            .is_ok_and(|t| t.contains("报告已提交"))
    })
    .await;
    b.assert_fits_phone().await;
    let people = b.text(&css("#people")).await;
    assert!(
        people.contains("330106********1236") && !people.contains(ID_NUMBER),
        "{people}"
    );
    assert_eq!(b.find_all(&css("#photos img")).await.len(), 1);
    let png = b.screenshot().await;
    let shot = concat!(env!("CARGO_TARGET_TMPDIR"), "/report-phone.png");
    std::fs::write(shot, png).unwrap();
    println!("screenshot: {shot}");
    b.quit().await;

    // The county sees the receipt and the acknowledgement.
    let (_, d) = county.get(&format!("/api/v1/bulletins/{bulletin}")).await;
    let mine = d["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit_id"] == unit.as_str())
        .cloned()
        .unwrap_or_else(|| panic!("{d}"));
    assert!(mine["read_at"].is_string(), "{mine}");
    assert_eq!(mine["reply"], "已传达至全体保安。");
    // The station has the report, with its photo.
    let (_, list) = station.get("/api/v1/reports").await;
    let found = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == "员工宿舍发生盗窃")
        .cloned()
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(found["scene_preserved"], true);
    assert_eq!(found["first_actions"], "已封锁宿舍楼出入口");
    let (_, rep) = station
        .get(&format!("/api/v1/reports/{}", found["id"].as_str().unwrap()))
        .await;
    assert_eq!(rep["photos"].as_array().unwrap().len(), 1, "{rep}");
}

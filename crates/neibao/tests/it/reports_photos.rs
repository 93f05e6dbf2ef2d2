//! Photos of reports and the purpose-logged reveal of the people in them (docs/REPORTS.md
//! "Photos", "Sensitive data") over HTTP, on both backends: a unit's account files a report with
//! photos on the phone page (a double submit is one report) and adds more through the API while
//! the report is open (images only, by their bytes; six at most; none once closed); the station
//! reads them through the report, nobody through the generic attachment download; the bytes are
//! encrypted at rest. The police who handle reports reveal the people involved for a stated purpose,
//! each reveal audited before the answer; the unit, a department, an administrator and police of
//! another county cannot.

use serde_json::{json, Value};

use crate::common::*;

const ID_NUMBER: &str = "330106199003071236";
const PHONE: &str = "13912348765";
const NAME: &str = "欧阳锋锐";

async fn unit_of(c: &Client) -> String {
    let (_, me) = c.get("/api/v1/me").await;
    me["unit_id"].as_str().unwrap().to_string()
}

/// A PNG signature followed by `marker` (the server knows images by their first bytes).
fn png(marker: &str) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend_from_slice(marker.as_bytes());
    b
}

/// Adds a photo through the API (see `Client::upload_file`: a replay with the same
/// `Idempotency-Key` is the same request, byte for byte).
async fn add_photo(c: &Client, report: &str, data: Vec<u8>, name: &str, key: Option<&str>) -> (u16, Value) {
    c.upload_file(
        &format!("/api/v1/reports/{report}/photos"),
        name,
        "image/png",
        &data,
        key,
    )
    .await
}

#[tokio::test]
async fn photos_are_added_by_the_unit_and_read_through_the_report_only() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let manager = app.client_for("demo_unit").await;
    let guard = app.client_for("demo_guard").await;
    let station = app.client_for("demo_station").await;
    let unit = unit_of(&manager).await;

    // The phone page files a surroundings issue with two photos; the same form sent twice (its
    // one-time token) is one report.
    let s = app.session_client("demo_unit", DEMO_PASSWORD).await;
    let form = |once: &str| {
        reqwest::multipart::Form::new()
            .text("csrf", s.csrf.clone())
            .text("_once", once.to_string())
            .text("kind", "surroundings")
            .text("title", "正门外占道摆摊")
            .text("place", "正门外人行道")
            .part(
                "photo",
                reqwest::multipart::Part::bytes(png("NEIBAO-REPORT-PHOTO-ONE"))
                    .file_name("摊位1.png")
                    .mime_str("application/octet-stream")
                    .unwrap(),
            )
            .part(
                "photo",
                reqwest::multipart::Part::bytes(png("NEIBAO-REPORT-PHOTO-TWO"))
                    .file_name("摊位2.png")
                    .mime_str("image/png")
                    .unwrap(),
            )
            .part("photo", reqwest::multipart::Part::bytes(Vec::new()).file_name(""))
    };
    for _ in 0..2 {
        let r = s
            .http
            .post(app.url(&format!("/units/{unit}/report")))
            .multipart(form("photo-filing-once-1"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("报告已提交"), "{html}");
    }
    let (_, mine) = manager
        .get(&format!("/api/v1/reports?unit_id={unit}&kind=surroundings"))
        .await;
    assert_eq!(mine["total"], 1, "{mine}");
    let id = mine["items"][0]["id"].as_str().unwrap().to_string();

    // The station sees the report with its photos and reads each through the report.
    let (st, rep) = station.get(&format!("/api/v1/reports/{id}")).await;
    assert_eq!(st, 200, "{rep}");
    let photos = rep["photos"].as_array().unwrap().clone();
    assert_eq!(photos.len(), 2, "{rep}");
    assert_eq!(photos[0]["owner_kind"], "report");
    let photo = photos[0]["id"].as_str().unwrap().to_string();
    let r = station
        .http
        .get(format!("{}/api/v1/reports/{id}/photos/{photo}", station.base))
        .bearer_auth(&station.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().to_vec(), png("NEIBAO-REPORT-PHOTO-ONE"));
    assert!(
        !app.stored_bytes().contains("NEIBAO-REPORT-PHOTO"),
        "a report's photo is encrypted at rest"
    );
    // Not through the generic download, for nobody; not for police of another county nor a
    // department; not as the photo of another report.
    for who in ["admin", "demo_station", "demo_department", "demo_unit"] {
        let c = app.client_for(who).await;
        let (st, _) = c.get(&format!("/api/v1/attachments/{photo}")).await;
        assert_eq!(st, 404, "{who}");
    }
    let county_other = app.client_for("demo_county_other").await;
    let (st, _) = county_other.get(&format!("/api/v1/reports/{id}/photos/{photo}")).await;
    assert_eq!(st, 404);
    let department = app.client_for("demo_department").await;
    let (st, _) = department.get(&format!("/api/v1/reports/{id}/photos/{photo}")).await;
    assert_eq!(st, 403);
    let (st, other) = guard
        .post(&format!("/api/v1/units/{unit}/reports"), json!({"title": "另一份报告"}))
        .await;
    assert_eq!(st, 201, "{other}");
    let other_id = other["id"].as_str().unwrap().to_string();
    let (st, _) = guard.get(&format!("/api/v1/reports/{other_id}/photos/{photo}")).await;
    assert_eq!(st, 404);
    // The report page shows them.
    let page = app.browser("demo_station", DEMO_PASSWORD).await;
    let html = page
        .get(app.url(&format!("/reports/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("/api/v1/reports/{id}/photos/{photo}")), "{html}");

    // More through the API while open: a replay is one photo; not an image (whatever its name)
    // 400; the seventh 409; police may not add; once closed 409.
    let (st, v) = add_photo(&guard, &id, png("three"), "3.png", Some("report-photo-3")).await;
    assert_eq!(st, 201, "{v}");
    let (st, v) = add_photo(&guard, &id, png("three"), "3.png", Some("report-photo-3")).await;
    assert!(st < 300, "{v}");
    assert_eq!(v["photos"].as_array().unwrap().len(), 3, "{v}");
    let (st, v) = add_photo(&guard, &id, b"%PDF-1.7 not a photo".to_vec(), "x.png", None).await;
    assert_eq!(st, 400, "{v}");
    assert_eq!(error_code(&v), "validation_failed");
    assert!(error_message(&v).contains("报告照片应为图片"), "{v}");
    for n in 4..=6 {
        let (st, v) = add_photo(&guard, &id, png(&format!("p{n}")), "p.png", None).await;
        assert_eq!(st, 201, "{v}");
    }
    let (st, v) = add_photo(&guard, &id, png("p7"), "p.png", None).await;
    assert_eq!(st, 409, "{v}");
    assert!(error_message(&v).contains("最多 6 张照片"), "{v}");
    let (st, _) = add_photo(&station, &other_id, png("police"), "p.png", None).await;
    assert_eq!(st, 403);
    let (st, v) = station
        .post(
            &format!("/api/v1/reports/{other_id}/handling"),
            json!({"note": "已劝离", "close": true}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let (st, v) = add_photo(&manager, &other_id, png("late"), "p.png", None).await;
    assert_eq!(st, 409, "{v}");
    assert_eq!(error_code(&v), "invalid_transition");
    assert!(error_message(&v).contains("已办结"), "{v}");

    // A refused photo at filing files nothing and keeps what was typed.
    let r = s
        .http
        .post(app.url(&format!("/units/{unit}/report")))
        .multipart(
            reqwest::multipart::Form::new()
                .text("csrf", s.csrf.clone())
                .text("_once", "photo-filing-once-2")
                .text("title", "配电房门锁被撬")
                .part(
                    "photo",
                    reqwest::multipart::Part::bytes(b"<html>not an image</html>".to_vec()).file_name("门锁.jpg"),
                ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("报告照片应为图片") && html.contains("配电房门锁被撬"),
        "{html}"
    );
    let (_, all) = admin.get(&format!("/api/v1/reports?unit_id={unit}")).await;
    assert_eq!(all["total"], 2, "{all}");
}

#[tokio::test]
async fn the_people_of_a_report_are_revealed_for_a_purpose_and_audited() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let manager = app.client_for("demo_unit").await;
    let station = app.client_for("demo_station").await;
    let unit = unit_of(&manager).await;
    let (st, rep) = manager
        .post(
            &format!("/api/v1/units/{unit}/reports"),
            json!({"title": "仓库盗窃", "people": [{"name": NAME, "role": "嫌疑人", "id_number": ID_NUMBER, "phone": PHONE}]}),
        )
        .await;
    assert_eq!(st, 201, "{rep}");
    let id = rep["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/reveal/reports/{id}");

    // Without a purpose: 400; those who do not handle reports: 403; another county: 404.
    let (st, v) = station.post(&path, json!({})).await;
    assert_eq!(st, 400, "{v}");
    assert_eq!(error_code(&v), "purpose_required");
    for who in ["demo_unit", "demo_guard", "demo_department", "admin"] {
        let c = app.client_for(who).await;
        let (st, v) = c.post(&path, json!({"purpose": "核查涉事人员身份"})).await;
        assert_eq!(st, 403, "{who}: {v}");
    }
    let county_other = app.client_for("demo_county_other").await;
    let (st, _) = county_other.post(&path, json!({"purpose": "核查涉事人员身份"})).await;
    assert_eq!(st, 404);

    // The station: the people in full, after one audit row with the purpose.
    let (st, v) = station.post(&path, json!({"purpose": "核查涉事人员身份"})).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["object"], "reports");
    let people: Value = serde_json::from_str(v["fields"]["people"].as_str().unwrap()).unwrap();
    assert_eq!(people[0]["id_number"], ID_NUMBER, "{v}");
    assert_eq!(people[0]["phone"], PHONE);
    assert_eq!(people[0]["name"], NAME);
    let (_, audit) = admin.get("/api/v1/audit?action=person.reveal").await;
    let rows: Vec<_> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["object_id"] == id.as_str())
        .collect();
    assert_eq!(rows.len(), 1, "{audit}");
    assert_eq!(rows[0]["purpose"], "核查涉事人员身份");
    assert_eq!(rows[0]["object_type"], "reports");
    assert_eq!(rows[0]["unit_id"], unit.as_str());
    // The reports' answers stay masked.
    let (_, again) = station.get(&format!("/api/v1/reports/{id}")).await;
    assert!(!again.to_string().contains(ID_NUMBER));

    // The page: a 查看 form beside the people; a short purpose is refused and kept; a purpose
    // shows them in full, not stored by the browser.
    let b = app.session_client("demo_station", DEMO_PASSWORD).await;
    let html = b
        .http
        .get(app.url(&format!("/reports/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("id=\"reveal-form\"") && !html.contains(ID_NUMBER),
        "{html}"
    );
    let r = b
        .http
        .post(app.url(&format!("/reports/{id}/reveal")))
        .form(&[("csrf_token", b.csrf.as_str()), ("purpose", "看")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"reveal-error\"") && html.contains("value=\"看\""),
        "{html}"
    );
    assert!(!html.contains(ID_NUMBER));
    let r = b
        .http
        .post(app.url(&format!("/reports/{id}/reveal")))
        .form(&[("csrf_token", b.csrf.as_str()), ("purpose", "出警前核实身份")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["cache-control"].to_str().unwrap().contains("no-store"));
    let html = r.text().await.unwrap();
    assert!(html.contains(ID_NUMBER) && html.contains("已记入审计日志"), "{html}");
    let (_, audit) = admin.get("/api/v1/audit?action=person.reveal").await;
    let n = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["object_id"] == id.as_str())
        .count();
    assert_eq!(n, 2, "every reveal is audited: {audit}");
    // The unit's manager has no 查看 on the page.
    let m = app.browser("demo_unit", DEMO_PASSWORD).await;
    let html = m
        .get(app.url(&format!("/reports/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("reveal-form"), "{html}");
}

//! Third-party assessors (docs/ASSESSMENT.md "Third-party assessors"; R32) over HTTP: a county
//! bureau launches a campaign naming a 第三方评估机构, assigns the demo unit to it (another
//! organisation's police may not; a unit outside the jurisdiction is 404); the organisation's
//! account (第三方评估人员) then sees that unit's campaign, due entry and sheet and fills it in,
//! gets 404 for a unit not assigned and sees nothing of any other capability (units, hazards,
//! events, alerts, results, dashboard figures: empty lists or 404); the police cannot take over
//! the draft, review it once submitted (their inbox says so) and sign it (the unit's manager's
//! inbox says so); the assessor cannot sign. The dashboard's mean-score series returns the mean
//! of the results signed, per day and over the period.

use serde_json::{json, Value};

use crate::assessment::signed_assessment;
use crate::common::*;

pub(crate) async fn inbox_titles(c: &Client) -> Vec<String> {
    let (s, v) = c.get("/api/v1/inbox?per_page=100").await;
    assert_eq!(s, 200, "{v}");
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Every hand-scored item of `a` passed.
fn all_passed(a: &Value) -> Value {
    let items: Vec<Value> = a["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["scored_by"] == "hand")
        .map(|i| json!({"code": i["code"], "result": "pass", "note": "第三方现场核查"}))
        .collect();
    json!({ "items": items, "outcome_cases": 0 })
}

#[tokio::test]
async fn a_third_party_assessor_fills_in_only_the_units_assigned_to_its_organisation() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let county = app.client_for("demo_county").await;
    let city = app.client_for("demo_city").await;
    let station = app.client_for("demo_station").await;
    let manager = app.client_for("demo_unit").await;
    let assessor = app.client_for("demo_assessor").await;
    let (_, me) = assessor.get("/api/v1/me").await;
    assert_eq!(me["role"], "assessor", "{me}");
    let org = me["org_id"].as_str().expect("the assessor's organisation").to_string();
    let (_, m) = manager.get("/api/v1/me").await;
    let unit = m["unit_id"].as_str().unwrap().to_string();
    let (_, du) = admin.get(&format!("/api/v1/units/{unit}")).await;
    let division = du["division_code"].as_str().unwrap().to_string();
    let other_unit = create_unit(&admin, "第三方未分派单位", &division, "91330106MA2APT001").await;
    let (_, ningbo) = admin.get("/api/v1/units?division=3302&per_page=1").await;
    let ningbo = ningbo["items"][0]["id"].as_str().unwrap().to_string();

    // Nothing is assigned yet: the assessor sees no campaign and no unit.
    let (s, v) = assessor.get("/api/v1/assessments/due?all=true").await;
    assert_eq!((s, v["total"].as_i64()), (200, Some(0)), "{v}");

    // A campaign naming an organisation that is not a 第三方评估机构 is refused.
    let (_, depts) = admin.get("/api/v1/organisations?kind=department").await;
    let (s, v) = county
        .post(
            "/api/v1/assessment-campaigns",
            json!({"title": "第三方评估", "assessor": "third_party", "assessor_org_id": depts[0]["id"]}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    let (s, c) = county
        .post(
            "/api/v1/assessment-campaigns",
            json!({"title": "第三方评估", "assessor": "third_party", "assessor_org_id": org}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    assert_eq!(c["assessor_org_id"], org.as_str());
    assert!(c["assessor_org"].as_str().unwrap().contains("第三方评估机构"), "{c}");
    let campaign = c["id"].as_str().unwrap().to_string();
    let (s, _) = assessor.get(&format!("/api/v1/assessment-campaigns/{campaign}")).await;
    assert_eq!(s, 404, "not assigned yet");

    // Only the launching bureau assigns; a unit outside its jurisdiction is not found.
    let assign = format!("/api/v1/assessment-campaigns/{campaign}/assignments");
    let (s, v) = city.post(&assign, json!({"unit_ids": [unit]})).await;
    assert_eq!(s, 403, "{v}");
    let (s, v) = county.post(&assign, json!({"unit_ids": [ningbo]})).await;
    assert_eq!(s, 404, "{v}");
    let (s, v) = county.post(&assign, json!({"unit_ids": []})).await;
    assert_eq!(s, 400, "{v}");
    let (s, v) = county.post(&assign, json!({"unit_ids": [unit]})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v[0]["org_id"], org.as_str());

    // The assessor sees the campaign, its assignment and the unit's due entry, nothing more.
    let (s, v) = assessor.get("/api/v1/assessment-campaigns").await;
    assert_eq!(s, 200);
    let ids: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![campaign.as_str()], "{v}");
    let (s, v) = assessor.get(&assign).await;
    assert_eq!((s, v.as_array().map(Vec::len)), (200, Some(1)), "{v}");
    let (s, v) = assessor.get("/api/v1/assessments/due?all=true").await;
    assert_eq!(s, 200);
    let due: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["unit_id"].as_str().unwrap())
        .collect();
    assert_eq!(due, vec![unit.as_str()], "{v}");

    // An unassigned unit: 404, in the campaign or not.
    for body in [
        json!({"unit_id": other_unit, "campaign_id": campaign}),
        json!({"unit_id": ningbo, "campaign_id": campaign}),
    ] {
        let (s, v) = assessor.post("/api/v1/assessments", body).await;
        assert_eq!(s, 404, "{v}");
    }
    // Without the campaign: 400 in Chinese.
    let (s, v) = assessor.post("/api/v1/assessments", json!({"unit_id": unit})).await;
    assert_eq!(s, 400, "{v}");

    // The assessor starts and fills in the assigned unit's sheet.
    let (s, a) = assessor
        .post("/api/v1/assessments", json!({"unit_id": unit, "campaign_id": campaign}))
        .await;
    assert_eq!(s, 201, "{a}");
    assert_eq!(a["assessor"], "third_party");
    assert_eq!(a["assessor_org_id"], org.as_str());
    let id = a["id"].as_str().unwrap().to_string();
    let (s, v) = assessor
        .put(&format!("/api/v1/assessments/{id}/sheet"), all_passed(&a))
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = assessor.get(&format!("/api/v1/assessments/{id}")).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = assessor.get("/api/v1/assessments").await;
    assert_eq!((s, v["total"].as_i64()), (200, Some(1)), "{v}");
    let (s, _) = assessor.get(&format!("/api/v1/assessments/{id}/evidence")).await;
    assert_eq!(s, 200);
    // The page of the sheet, too.
    let page = app.session_client("demo_assessor", DEMO_PASSWORD).await;
    let r = page
        .http
        .get(app.url(&format!("/assessments/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);

    // The police cannot take over the organisation's draft, nor sign it before it is submitted.
    let (s, v) = county
        .put(&format!("/api/v1/assessments/{id}/sheet"), json!({"items": []}))
        .await;
    assert_eq!(s, 409, "{v}");
    let (s, v) = county.post(&format!("/api/v1/assessments/{id}/sign"), json!({})).await;
    assert_eq!(s, 409, "{v}");

    // Submitted: the reviewing police (the unit's station, the launching bureau) are told.
    let (s, v) = assessor
        .post(&format!("/api/v1/assessments/{id}/submit"), json!({}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["state"], "submitted");
    for c in [&county, &station] {
        assert!(
            inbox_titles(c).await.iter().any(|t| t.starts_with("安全评估待复核")),
            "reviewers' inbox"
        );
    }
    assert!(!inbox_titles(&manager)
        .await
        .iter()
        .any(|t| t.starts_with("安全评估待复核")));
    let (s, v) = assessor
        .put(&format!("/api/v1/assessments/{id}/sheet"), json!({"items": []}))
        .await;
    assert_eq!(s, 409, "submitted: {v}");
    let (s, v) = assessor
        .post(&format!("/api/v1/assessments/{id}/sign"), json!({}))
        .await;
    assert_eq!(s, 403, "{v}");
    let (s, v) = county.post(&format!("/api/v1/assessments/{id}/sign"), json!({})).await;
    assert_eq!(s, 200, "{v}");
    assert!(
        inbox_titles(&manager)
            .await
            .iter()
            .any(|t| t.starts_with("安全评估结果已签发")),
        "the unit's manager's inbox"
    );

    // Everything else reads as nothing.
    for path in [
        "/api/v1/units",
        "/api/v1/hazards",
        "/api/v1/events",
        "/api/v1/alerts",
        "/api/v1/inspections",
        "/api/v1/documents",
    ] {
        let (s, v) = assessor.get(path).await;
        assert!(
            (s == 200 && v["items"].as_array().is_some_and(Vec::is_empty)) || s == 403 || s == 404,
            "{path}: {s} {v}"
        );
    }
    for path in [
        format!("/api/v1/units/{unit}"),
        format!("/api/v1/units/{unit}/honours"),
        format!("/api/v1/units/{unit}/credit-entries"),
    ] {
        let (s, v) = assessor.get(&path).await;
        assert!(s == 403 || s == 404, "{path}: {s} {v}");
    }
    let (s, v) = assessor.get("/api/v1/assessment-results").await;
    assert_eq!(s, 200);
    assert!(v.as_array().is_some_and(Vec::is_empty), "{v}");
    let (s, v) = assessor.get("/api/v1/dashboard/charts").await;
    assert_eq!(s, 200);
    assert!(!v.to_string().contains(&unit), "{v}");
    assert_eq!(v["means"][0]["period_count"], 0, "{v}");
}

#[tokio::test]
async fn the_trend_returns_the_mean_score_of_the_results_signed() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let county = app.client_for("demo_county").await;
    let manager = app.client_for("demo_unit").await;
    let (_, m) = manager.get("/api/v1/me").await;
    let unit = m["unit_id"].as_str().unwrap().to_string();
    let (_, du) = admin.get(&format!("/api/v1/units/{unit}")).await;
    let division = du["division_code"].as_str().unwrap().to_string();
    let second = create_unit(&admin, "评估均分单位", &division, "91330106MA2APT002").await;

    let (_, before) = county.get("/api/v1/dashboard/charts?days=7").await;
    assert_eq!(before["means"][0]["key"], "assessment_score", "{before}");
    assert_eq!(before["means"][0]["period_count"], 0);
    assert!(before["means"][0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .all(Value::is_null));

    let passing = signed_assessment(&app, &county, &unit, false).await;
    let failing = signed_assessment(&app, &county, &second, true).await;
    let t1 = passing["result"]["total"].as_f64().unwrap();
    let t2 = failing["result"]["total"].as_f64().unwrap();
    assert_eq!(t2, 59.0);
    let tenths = (t1 * 10.0).round() + (t2 * 10.0).round();
    let expected = (tenths / 2.0).round() / 10.0;

    // The county (read from the area roll-up) and the unit (its own counters).
    let (s, c) = county.get("/api/v1/dashboard/charts?days=7").await;
    assert_eq!(s, 200, "{c}");
    let mean = &c["means"][0];
    assert_eq!(mean["period_count"], 2, "{mean}");
    assert_eq!(mean["period_mean"].as_f64(), Some(expected), "{mean}");
    let today = c["days"].as_array().unwrap().len() - 1;
    assert_eq!(mean["values"][today].as_f64(), Some(expected), "{mean}");
    assert_eq!(mean["counts"][today], 2);
    assert_eq!(mean["link"], "/assessments?state=signed#assessments");
    let (_, own) = manager.get("/api/v1/dashboard/charts?days=7").await;
    assert_eq!(
        own["means"][0]["period_mean"].as_f64(),
        Some((t1 * 10.0).round() / 10.0),
        "{own}"
    );
    assert_eq!(own["means"][0]["period_count"], 1);

    // The chart links to the signed results list, which lists them.
    let page = app.session_client("demo_county", DEMO_PASSWORD).await;
    let html = page.http.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("chart-mean-assessment_score"),
        "the mean chart on the dashboard"
    );
    let html = page
        .http
        .get(app.url("/assessments?state=signed"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("已签发的评估结果") && html.contains("评估均分单位"),
        "{html}"
    );
}

#[tokio::test]
async fn a_department_sees_only_its_sector_in_the_assessment() {
    let app = TestApp::demo().await;
    let department = app.client_for("demo_department").await;
    let (_, me) = department.get("/api/v1/me").await;
    let org = me["org_id"].as_str().unwrap().to_string();
    let (_, units) = department.get("/api/v1/units?per_page=200").await;
    let sector: Vec<String> = units["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();
    assert!(!sector.is_empty());
    let (s, c) = department
        .post(
            "/api/v1/assessment-campaigns",
            json!({"title": "行业安全评估", "assessor": "police"}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    assert_eq!(
        c["department_id"],
        org.as_str(),
        "a department's campaign is its sector"
    );
    let (s, due) = department
        .get(&format!(
            "/api/v1/assessments/due?all=true&per_page=200&campaign_id={}",
            c["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(s, 200, "{due}");
    let listed: Vec<&str> = due["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["unit_id"].as_str().unwrap())
        .collect();
    assert!(!listed.is_empty());
    assert!(listed.iter().all(|u| sector.iter().any(|s| s == u)), "{due}");
    // A unit of another sector (the demo unit's county police see it) is 404 to the department.
    let county = app.client_for("demo_county").await;
    let (_, theirs) = county.get("/api/v1/units?per_page=200").await;
    let outside = theirs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .find(|u| !sector.iter().any(|s| s == u))
        .expect("a unit outside the sector");
    let (s, _) = department.get(&format!("/api/v1/units/{outside}")).await;
    assert_eq!(s, 404);
    // A result signed there is not among the department's results (the county's has it).
    signed_assessment(&app, &county, outside, true).await;
    let (_, county_results) = county.get("/api/v1/assessment-results").await;
    assert!(county_results.to_string().contains(outside), "{county_results}");
    let (s, results) = department.get("/api/v1/assessment-results").await;
    assert_eq!(s, 200);
    assert!(!results.to_string().contains(outside));
}

/// The authorization matrices' third-party setup (tests/it/authz.rs, authz_ui.rs): the demo
/// unit's matrix campaign (`matrix-acamp-<unit>`, made by `authz::objects`) becomes a campaign
/// of the demo assessor's 第三方评估机构 launched by the demo unit's county bureau, with the unit
/// assigned to it, and its matrix draft (`matrix-assess-<unit>`) that organisation's sheet.
pub(crate) async fn matrix_assignment(app: &TestApp, unit: &str) {
    let (_, assessor) = app.client_for("demo_assessor").await.get("/api/v1/me").await;
    let (_, county) = app.client_for("demo_county").await.get("/api/v1/me").await;
    let org = assessor["org_id"].as_str().expect("the assessor's organisation");
    let county = county["org_id"].as_str().expect("the county bureau");
    app.exec_sql(&format!(
        "UPDATE assessment_campaigns SET assessor = 'third_party', assessor_org = '矩阵第三方评估机构', \
         assessor_org_id = '{org}', org_id = '{county}' WHERE id = 'matrix-acamp-{unit}'; \
         INSERT INTO assessment_assignments (campaign_id, unit_id, org_id, assigned_by, assigned_at) \
         VALUES ('matrix-acamp-{unit}', '{unit}', '{org}', '矩阵', 0) ON CONFLICT (campaign_id, unit_id) DO NOTHING; \
         UPDATE assessments SET assessor = 'third_party', assessor_org = '矩阵第三方评估机构', assessor_org_id = '{org}' \
         WHERE id = 'matrix-assess-{unit}'"
    ))
    .await;
}

//! 平安单位 titles and the honours block (docs/HONOURS.md; the Opinions Part 5; S10 Art 29) over
//! HTTP on both backends: the unit applies, the police grant it with validity dates and revoke
//! it on a major case; once the unit's hazard is listed for supervision (挂牌督办) the block
//! runs 6 months from the listing, is shown on the standing and the page, and a grant is
//! refused (409) while a refusal still goes through; who may do what; bad input in Chinese.

use chrono::{DateTime, Datelike, Duration, Utc};
use serde_json::{json, Value};

use crate::common::*;

fn at(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_title_is_granted_revoked_and_blocked_while_listed() {
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let station = app.client_for("demo_station").await;
    let manager = app.client_for("demo_unit").await;
    let guard = app.client_for("demo_guard").await;
    let (_, me) = manager.get("/api/v1/me").await;
    let unit = me["unit_id"].as_str().unwrap().to_string();
    let year = (Utc::now() + Duration::hours(8)).year();

    // The unit applies; a second application for the year is refused; a guard cannot apply.
    let path = format!("/api/v1/units/{unit}/honours");
    let (s, v) = guard.post(&path, json!({"year": year, "statement": "申请"})).await;
    assert_eq!(s, 403, "{v}");
    let (s, v) = manager
        .post(&path, json!({"year": year - 1, "statement": "申请"}))
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    let (s, v) = manager.post(&path, json!({"year": year, "statement": "  "})).await;
    assert_eq!(s, 400, "{v}");
    let (s, t1) = manager
        .post(
            &path,
            json!({"year": year, "statement": "本单位全年未发生案件，制度落实到位。"}),
        )
        .await;
    assert_eq!(s, 201, "{t1}");
    assert_eq!(t1["state"], "applied");
    let t1 = t1["id"].as_str().unwrap().to_string();
    let (s, v) = manager
        .post(&path, json!({"year": year, "statement": "再次申请"}))
        .await;
    assert_eq!((s, error_code(&v)), (409, "invalid_transition"), "{v}");

    // No block yet: the county grants it (after confirming no major case), valid through 31 Dec.
    let (s, st) = county.get(&path).await;
    assert_eq!(s, 200, "{st}");
    assert!(st["block"].is_null(), "{st}");
    let decision = format!("/api/v1/honours/{t1}/decision");
    let (s, v) = station
        .post(
            &decision,
            json!({"decision": "grant", "reason": "同意", "no_major_case": true}),
        )
        .await;
    assert_eq!(s, 403, "a police station does not decide: {v}");
    let (s, v) = county
        .post(&decision, json!({"decision": "grant", "reason": "同意"}))
        .await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("重大案事件"), "{v}");
    // Without a safety assessment of the last two years (R32) the grant is refused and the
    // standing says why; a failing one refuses it too; a passing one lets it through.
    let grant = json!({"decision": "grant", "reason": "经审核，符合平安单位条件", "no_major_case": true});
    let (s, v) = county.post(&decision, grant.clone()).await;
    assert_eq!((s, error_code(&v)), (409, "invalid_transition"), "{v}");
    assert!(error_message(&v).contains("安全评估"), "{v}");
    let (_, st) = county.get(&path).await;
    assert_eq!(st["may_be_granted"], false, "{st}");
    assert!(st["assessment"].is_null(), "{st}");
    let failing = crate::assessment::signed_assessment(&app, &county, &unit, true).await;
    assert_eq!(failing["result"]["grade"], "fail", "{failing}");
    let (s, v) = county.post(&decision, grant.clone()).await;
    assert_eq!(s, 409, "{v}");
    assert!(error_message(&v).contains("安全评估不合格"), "{v}");
    // The failing result opened a hazard (the ladder case); it is closed to test the grant.
    app.exec_sql(&format!("UPDATE hazards SET phase = 'closed' WHERE unit_id = '{unit}'"))
        .await;
    let passing = crate::assessment::signed_assessment(&app, &county, &unit, false).await;
    assert_ne!(passing["result"]["grade"], "fail", "{passing}");
    let (_, st) = county.get(&path).await;
    assert!(st["assessment"].as_str().unwrap().contains("签发"), "{st}");
    let (s, g) = county.post(&decision, grant).await;
    assert_eq!(s, 200, "{g}");
    assert_eq!(g["state"], "granted");
    assert_eq!(g["valid_until"], format!("{year}-12-31"));
    let (s, v) = county
        .post(&decision, json!({"decision": "refuse", "reason": "重复审核"}))
        .await;
    assert_eq!(s, 409, "{v}");

    // Revoked on a major case.
    let (s, v) = manager
        .post(
            &format!("/api/v1/honours/{t1}/revoke"),
            json!({"reason": "发生重大盗窃案件"}),
        )
        .await;
    assert_eq!(s, 403, "{v}");
    let (s, r) = county
        .post(
            &format!("/api/v1/honours/{t1}/revoke"),
            json!({"reason": "发生重大盗窃案件"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["state"], "revoked");
    assert_eq!(r["revoke_reason"], "发生重大盗窃案件");

    // A hazard climbs to 挂牌督办: the block runs 6 months from the listing.
    let (s, h) = county
        .post(
            "/api/v1/hazards",
            json!({"unit_id": unit, "title": "重点部位无人值守", "class": "general", "source": "report"}),
        )
        .await;
    assert_eq!(s, 201, "{h}");
    let hazard = h["id"].as_str().unwrap().to_string();
    let act = format!("/api/v1/hazards/{hazard}/actions");
    let d1 = Utc::now() + Duration::days(10);
    let (s, v) = county
        .post(
            &act,
            json!({"action": "issue_order", "deadline": d1, "reason": "限期整改"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    app.scheduler("n").tick(d1 + Duration::seconds(1)).await.unwrap();
    let (_, v) = county.get(&format!("/api/v1/hazards/{hazard}")).await;
    assert_eq!(v["phase"], "overdue", "{v}");
    let (s, v) = county
        .post(
            &act,
            json!({"action": "escalate", "rung": "listed_supervision", "deadline": Utc::now() + Duration::days(30), "reason": "逾期未整改"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let listed = at(&v["hazard"]["case"]["listed_at"]);

    let (s, st) = county.get(&path).await;
    assert_eq!(s, 200, "{st}");
    let block = &st["block"];
    assert_eq!(block["hazard_id"], hazard.as_str(), "{st}");
    assert_eq!(
        at(&block["until"]),
        listed.checked_add_months(chrono::Months::new(6)).unwrap()
    );
    assert!(block["rule_zh"].as_str().unwrap().contains("六个月"), "{st}");
    assert_eq!(st["may_be_granted"], false);
    assert!(st["open_listings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["hazard_id"] == hazard.as_str()));
    // The passing assessment signed above is shown; the block alone stops the grant.
    assert!(st["assessment"].as_str().unwrap().contains("分"), "{st}");
    let (s, mine) = manager.get(&path).await;
    assert_eq!(s, 200, "the unit sees its block too: {mine}");
    assert_eq!(mine["block"]["hazard_id"], hazard.as_str());

    // Next year's application: the grant is refused while blocked; a refusal goes through.
    let (s, t2) = manager
        .post(&path, json!({"year": year + 1, "statement": "申请下一年度平安单位"}))
        .await;
    assert_eq!(s, 201, "{t2}");
    let t2 = t2["id"].as_str().unwrap().to_string();
    let decision = format!("/api/v1/honours/{t2}/decision");
    let (s, v) = county
        .post(
            &decision,
            json!({"decision": "grant", "reason": "同意", "no_major_case": true}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (409, "invalid_transition"), "{v}");
    assert!(error_message(&v).contains("荣誉限制期至"), "{v}");
    assert!(error_message(&v).contains("挂牌督办"), "{v}");
    let (_, still) = county.get(&path).await;
    let t2_state = still["titles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == t2.as_str())
        .unwrap()["state"]
        .clone();
    assert_eq!(t2_state, "applied", "a refused grant changes nothing");
    let (s, v) = county
        .post(
            &decision,
            json!({"decision": "refuse", "reason": "处于挂牌督办荣誉限制期内"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["state"], "refused");

    // Another county's officer does not find the unit.
    let other = app.client_for("demo_county_other").await;
    let (s, _) = other.get(&path).await;
    assert_eq!(s, 404);

    // The page shows the block where the decision is taken.
    let br = app.browser("demo_county", DEMO_PASSWORD).await;
    let html = br
        .get(app.url(&format!("/units/{unit}/honours")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("荣誉限制期至") && html.contains("挂牌督办"), "{html}");
}

//! 心防 (docs/WELLBEING.md; R36, R87, R88, R64) over HTTP: a unit's volunteer teams, their
//! activities and education activities with counts; a crisis-intervention case raised by a
//! designated reporter and followed by the counsellor named on it. The unit's security head, a
//! station officer, a province officer and an administrator never read the case's content or the
//! person's name through any route (lists, the case, follow-ups, exports, the audit view, error
//! messages: every response body is searched for the name and the health details); police see
//! the right counts; a high-risk escalation sends a notice without health details; the content
//! is not stored in the clear; closed cases are deleted after the retention period with a log.

use serde_json::{json, Value};

use crate::common::*;

/// The person's name and a health detail: neither may appear anywhere but to the counsellor.
const NAME: &str = "心防测试甲某某";
const HEALTH: &str = "既往抑郁症就诊史标记";
const PURPOSE: &str = "个案跟进辅导";

pub(crate) struct CaseWorld {
    pub unit: String,
    pub counsellor: String,
    pub case_id: String,
}

async fn user(admin: &Client, username: &str, name: &str, role: &str, unit: &str) -> String {
    let (s, v) = admin
        .post(
            "/api/v1/users",
            json!({"username": username, "display_name": name, "role": role, "unit_id": unit}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_str().unwrap().to_string()
}

/// The demo unit with a counsellor `wb_counsellor`, a second counsellor `wb_other`, a head
/// teacher `wb_teacher` (an account of the unit) designated a reporter by the security manager,
/// and one high-risk case raised by the teacher about [`NAME`], named to `wb_counsellor`.
pub(crate) async fn case_world(app: &TestApp) -> CaseWorld {
    let admin = app.admin().await;
    let manager = app.client_for("demo_unit").await;
    let unit = manager.get("/api/v1/me").await.1["unit_id"]
        .as_str()
        .unwrap()
        .to_string();
    let counsellor = user(&admin, "wb_counsellor", "王辅导", "counsellor", &unit).await;
    user(&admin, "wb_other", "赵辅导", "counsellor", &unit).await;
    let teacher = user(&admin, "wb_teacher", "李班主任", "guard", &unit).await;
    let t = app.client_for("wb_teacher").await;
    let body = json!({"person_name": NAME, "person_role": "学生", "narrative": "近两周情绪低落，扬言报复同学",
        "health_details": HEALTH, "risk": "high", "threat_to_others": true, "counsellor_ids": [counsellor]});
    // Not yet designated: refused.
    let (s, v) = t.post("/api/v1/crisis-cases", body.clone()).await;
    assert_eq!(s, 403, "{v}");
    assert!(error_message(&v).contains("报告人"), "{v}");
    let (s, v) = manager
        .put(
            &format!("/api/v1/units/{unit}/crisis-reporters"),
            json!({"user_ids": [teacher]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v[0]["name"], "李班主任");
    // Bad input, refused in Chinese.
    let mut bad = body.clone();
    bad["counsellor_ids"] = json!([]);
    let (s, v) = t.post("/api/v1/crisis-cases", bad).await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("心理辅导员"), "{v}");
    let mut bad = body.clone();
    bad["risk"] = json!("extreme");
    let (s, v) = t.post("/api/v1/crisis-cases", bad).await;
    assert_eq!(s, 400, "{v}");
    let (s, v) = t.post("/api/v1/crisis-cases", body).await;
    assert_eq!(s, 201, "{v}");
    assert!(!v.to_string().contains(NAME), "the answer holds no content: {v}");
    CaseWorld {
        unit,
        counsellor,
        case_id: v["id"].as_str().unwrap().to_string(),
    }
}

fn clean(who: &str, route: &str, v: &impl ToString) {
    let s = v.to_string();
    assert!(
        !s.contains(NAME) && !s.contains(HEALTH) && !s.contains("扬言报复"),
        "{who} read case content through {route}: {s}"
    );
}

#[tokio::test]
async fn only_the_named_counsellor_and_the_reporter_read_a_case_and_police_see_counts() {
    let app = TestApp::demo().await;
    let w = case_world(&app).await;
    let id = &w.case_id;
    let counsellor = app.client_for("wb_counsellor").await;
    let teacher = app.client_for("wb_teacher").await;

    // The counsellor: the list (no content), the case for a purpose, audited.
    let (s, l) = counsellor.get("/api/v1/crisis-cases").await;
    assert_eq!(s, 200, "{l}");
    assert_eq!(l.as_array().unwrap().len(), 1);
    assert_eq!(l[0]["mine_as_counsellor"], true);
    clean("counsellor", "the list", &l);
    let (s, v) = counsellor.get(&format!("/api/v1/crisis-cases/{id}")).await;
    assert_eq!(s, 400, "no purpose: {v}");
    assert_eq!(error_code(&v), "purpose_required");
    let (s, d) = counsellor
        .get(&format!("/api/v1/crisis-cases/{id}?purpose={PURPOSE}"))
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["content"]["person_name"], NAME);
    assert_eq!(d["content"]["health_details"], HEALTH);
    assert_eq!(d["counsellors"][0]["user_id"], w.counsellor.as_str());
    // The reporter reads what they reported, not the health details.
    let (s, r) = teacher
        .get(&format!("/api/v1/crisis-cases/{id}?purpose=核对本人报告内容"))
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["content"]["person_name"], NAME);
    assert_eq!(r["content"]["health_details"], "");
    assert_eq!(r["follow_ups"], json!([]));
    // The reporter may not work on it.
    let (s, v) = teacher
        .post(
            &format!("/api/v1/crisis-cases/{id}/follow-ups"),
            json!({"kind": "visit", "note": "x"}),
        )
        .await;
    assert_eq!(s, 403, "{v}");
    clean("reporter", "a refused follow-up", &v);

    // A follow-up and a family contact; the risk stays high.
    for (kind, note) in [("family", "已与家长电话沟通"), ("referral", "建议转介市精神卫生中心")] {
        let (s, v) = counsellor
            .post(
                &format!("/api/v1/crisis-cases/{id}/follow-ups"),
                json!({"kind": kind, "note": note}),
            )
            .await;
        assert_eq!(s, 201, "{v}");
    }
    let (s, v) = counsellor
        .post(
            &format!("/api/v1/crisis-cases/{id}/follow-ups"),
            json!({"kind": "nonsense", "note": "x"}),
        )
        .await;
    assert_eq!(s, 400, "{v}");

    // Everyone else: the other counsellor, the unit's security head, a station officer, a
    // province officer, an administrator. No route answers the content or the name.
    let audit_path = "/api/v1/audit?per_page=200";
    for who in ["wb_other", "demo_unit", "demo_station", "demo_province", "admin"] {
        let c = app.client_for(who).await;
        let gets = [
            "/api/v1/crisis-cases".to_string(),
            format!("/api/v1/crisis-cases/{id}?purpose={PURPOSE}"),
            format!("/api/v1/crisis-cases/{id}"),
            "/api/v1/crisis-counts".to_string(),
            "/api/v1/crisis-escalations".to_string(),
            format!("/api/v1/units/{}/wellbeing", w.unit),
            format!("/api/v1/units/{}", w.unit),
            format!("/api/v1/units/{}/records", w.unit),
            format!("/api/v1/units/{}/history", w.unit),
            "/api/v1/exports/units".to_string(),
            audit_path.to_string(),
            format!("/api/v1/audit?object_id={id}"),
            format!("/api/v1/units?q={NAME}"),
            "/api/v1/inbox".to_string(),
        ];
        for p in &gets {
            let (s, v) = c.get(p).await;
            assert!(s < 500, "{who} {p}: {s} {v}");
            clean(who, p, &v);
        }
        let (s, v) = c.get(&format!("/api/v1/crisis-cases/{id}?purpose={PURPOSE}")).await;
        assert!(s == 403 || s == 404, "{who} reads the case: {s} {v}");
        for (p, b) in [
            ("follow-ups", json!({"kind": "visit", "note": "越权记录"})),
            ("escalate", json!({"contact": "x"})),
            ("close", json!({"note": "越权结案"})),
        ] {
            let (s, v) = c.post(&format!("/api/v1/crisis-cases/{id}/{p}"), b).await;
            assert!(s == 403 || s == 404, "{who} {p}: {s} {v}");
            clean(who, p, &v);
        }
        // The pages, through a browser session.
        let password = if who == "admin" {
            ADMIN_PASSWORD
        } else if who.starts_with("wb_") {
            ""
        } else {
            DEMO_PASSWORD
        };
        if !password.is_empty() {
            let b = app.browser(who, password).await;
            for p in [
                "/wellbeing".to_string(),
                format!("/wellbeing/cases/{id}"),
                format!("/wellbeing/cases/{id}?purpose={PURPOSE}"),
                "/wellbeing/escalations".to_string(),
                format!("/units/{}/wellbeing", w.unit),
                "/audit".to_string(),
                "/inbox".to_string(),
            ] {
                let r = b.get(app.url(&p)).send().await.unwrap();
                let s = r.status().as_u16();
                let t = r.text().await.unwrap();
                assert!(s < 500, "{who} {p}: {s}");
                clean(who, &p, &t);
            }
        }
    }
    // The other counsellor is not named: 404, and an empty list.
    let other = app.client_for("wb_other").await;
    let (_, l) = other.get("/api/v1/crisis-cases").await;
    assert_eq!(l, json!([]));

    // Counts: the station and the province see one open high-risk case at the unit; the unit's
    // head and the administrator are refused.
    for who in ["demo_station", "demo_province"] {
        let (s, v) = app.client_for(who).await.get("/api/v1/crisis-counts").await;
        assert_eq!(s, 200, "{v}");
        let rows: Vec<&Value> = v
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["unit_id"] == w.unit.as_str())
            .collect();
        assert_eq!(rows.len(), 1, "{v}");
        assert_eq!(rows[0]["risk"], "high");
        assert_eq!(rows[0]["open"], 1);
        assert_eq!(rows[0]["closed"], 0);
    }
    for who in ["demo_unit", "admin", "wb_counsellor"] {
        let (s, _) = app.client_for(who).await.get("/api/v1/crisis-counts").await;
        assert_eq!(s, 403, "{who}");
    }
    // Another county's police see no count of it.
    let (s, v) = app.client_for("demo_county").await.get("/api/v1/crisis-counts").await;
    assert_eq!(s, 200);
    let mine = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["unit_id"] == w.unit.as_str())
        .count();
    let (_, unit_seen) = app
        .client_for("demo_county")
        .await
        .get(&format!("/api/v1/units/{}", w.unit))
        .await;
    assert_eq!(mine, usize::from(unit_seen["id"] == w.unit.as_str()));

    // Every read of the content is in the audit log with its purpose; the log holds no name.
    let (_, a) = app.admin().await.get("/api/v1/audit?action=crisis_case.read").await;
    let reads = a["items"].as_array().unwrap();
    assert_eq!(reads.len(), 2, "the counsellor's and the reporter's reads: {a}");
    assert!(reads.iter().any(|r| r["purpose"] == PURPOSE), "{a}");
    clean("admin", "the audit log", &a);

    // Not stored in the clear anywhere.
    let stored = app.stored_bytes();
    assert!(!stored.contains(NAME) && !stored.contains(HEALTH) && !stored.contains("已与家长"));
}

#[tokio::test]
async fn a_high_risk_escalation_sends_a_notice_without_health_details_and_closed_cases_expire() {
    let app = TestApp::demo().await;
    let w = case_world(&app).await;
    let id = &w.case_id;
    let counsellor = app.client_for("wb_counsellor").await;
    let (s, e) = counsellor
        .post(
            &format!("/api/v1/crisis-cases/{id}/escalate"),
            json!({"contact": "0571-88886666"}),
        )
        .await;
    assert_eq!(s, 200, "{e}");
    clean("counsellor", "the escalation answer", &e);
    // The unit's security head and the station get the minimal notice in their inbox.
    for who in ["demo_unit", "demo_station"] {
        let (s, inbox) = app.client_for(who).await.get("/api/v1/inbox").await;
        assert_eq!(s, 200);
        let item = inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["title"].as_str().unwrap_or("").contains("安保关注"))
            .unwrap_or_else(|| panic!("{who} got no notice: {inbox}"));
        let title = item["title"].as_str().unwrap();
        assert!(
            title.contains("高风险") && title.contains("王辅导") && title.contains("0571-88886666"),
            "{title}"
        );
        clean(who, "the inbox", &inbox);
        let (s, l) = app.client_for(who).await.get("/api/v1/crisis-escalations").await;
        assert_eq!(s, 200);
        assert_eq!(l.as_array().unwrap().len(), 1, "{l}");
        clean(who, "the escalations", &l);
    }
    // The notice queued to channels holds no health details either.
    let stored = app.stored_bytes();
    assert!(!stored.contains(HEALTH) && !stored.contains(NAME));

    // A low-risk case cannot be escalated.
    let t = app.client_for("wb_teacher").await;
    let (s, v) = t
        .post(
            "/api/v1/crisis-cases",
            json!({"person_name": "心防测试乙", "narrative": "偶有失眠", "risk": "low", "counsellor_ids": [w.counsellor]}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let low = v["id"].as_str().unwrap().to_string();
    let (s, v) = counsellor
        .post(&format!("/api/v1/crisis-cases/{low}/escalate"), json!({"contact": ""}))
        .await;
    assert_eq!(s, 409, "{v}");

    // Closing; a closed case takes no more follow-ups.
    let (s, v) = counsellor
        .post(&format!("/api/v1/crisis-cases/{id}/close"), json!({"note": ""}))
        .await;
    assert_eq!(s, 400, "{v}");
    let (s, v) = counsellor
        .post(
            &format!("/api/v1/crisis-cases/{id}/close"),
            json!({"note": "已稳定，转入常规关注"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, _) = counsellor
        .post(
            &format!("/api/v1/crisis-cases/{id}/follow-ups"),
            json!({"kind": "visit", "note": "x"}),
        )
        .await;
    assert_eq!(s, 409);
    let (_, c) = app.client_for("demo_station").await.get("/api/v1/crisis-counts").await;
    let high = c
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit_id"] == w.unit.as_str() && r["risk"] == "high")
        .unwrap();
    assert_eq!((high["open"].as_i64(), high["closed"].as_i64()), (Some(0), Some(1)));

    // Retention: four years on, the closed case is deleted with a log line; the open one stays.
    let later = chrono::Utc::now() + chrono::Duration::days(4 * 365);
    let deleted = neibao_engine::privacy::retention::sweep(
        app.store.as_ref(),
        &neibao_domain::access::Principal::system("retention"),
        later,
    )
    .await
    .unwrap();
    let mine: Vec<_> = deleted
        .iter()
        .filter(|d| d.data_class == neibao_domain::privacy::DataClass::CounsellingCases)
        .collect();
    assert_eq!(mine.len(), 1, "{deleted:?}");
    assert_eq!(mine[0].rows_deleted, 1);
    assert_eq!(mine[0].unit_id.as_deref(), Some(w.unit.as_str()));
    let (_, l) = counsellor.get("/api/v1/crisis-cases").await;
    let ids: Vec<&str> = l
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![low.as_str()]);
    let (s, _) = counsellor
        .get(&format!("/api/v1/crisis-cases/{id}?purpose={PURPOSE}"))
        .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn volunteer_teams_and_education_activities_are_recorded_and_counted() {
    let app = TestApp::demo().await;
    let manager = app.client_for("demo_unit").await;
    let unit = manager.get("/api/v1/me").await.1["unit_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, v) = manager
        .post(
            &format!("/api/v1/units/{unit}/volunteer-teams"),
            json!({"name": "", "kind": "护校队"}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(error_message(&v).contains("队伍名称"), "{v}");
    let (s, t) = manager
        .post(
            &format!("/api/v1/units/{unit}/volunteer-teams"),
            json!({"name": "东门护校队", "kind": "护校队", "duties": "上学放学时段校门值守",
                   "members": [{"name": "张三", "duty": "队长"}, {"name": "李四", "duty": ""}]}),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    let team = t["id"].as_str().unwrap();
    let (s, v) = manager
        .post(
            &format!("/api/v1/volunteer-teams/{team}/activities"),
            json!({"held_on": "2026-13-01", "summary": "值守"}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    let (s, v) = manager
        .post(
            &format!("/api/v1/volunteer-teams/{team}/activities"),
            json!({"held_on": "2026-03-30", "summary": "安全教育周校门值守", "participants": 8}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = manager
        .post(
            &format!("/api/v1/units/{unit}/education-activities"),
            json!({"kind": "counter_terror", "title": "反恐怖防范知识讲座", "held_on": "2026-03-31", "attendance": 120, "materials": "反恐宣传手册"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = manager
        .post(
            &format!("/api/v1/units/{unit}/education-activities"),
            json!({"kind": "talk", "title": "讲座", "held_on": "2026-03-31", "attendance": -1}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    // The station reads it with its counts; a guard may not write; a unit elsewhere is not found.
    let (s, w) = app
        .client_for("demo_station")
        .await
        .get(&format!("/api/v1/units/{unit}/wellbeing"))
        .await;
    assert_eq!(s, 200, "{w}");
    assert_eq!(w["counts"]["teams"], 1);
    assert_eq!(w["counts"]["team_members"], 2);
    assert_eq!(w["counts"]["team_activities"], 1);
    assert_eq!(w["counts"]["education_activities"], 1);
    assert_eq!(w["counts"]["education_attendance"], 120);
    assert_eq!(w["education"][0]["kind"], "counter_terror");
    let (s, _) = app
        .client_for("demo_guard")
        .await
        .post(
            &format!("/api/v1/units/{unit}/education-activities"),
            json!({"kind": "talk", "title": "x", "held_on": "2026-01-01"}),
        )
        .await;
    assert_eq!(s, 403);
    let admin = app.admin().await;
    let far = create_unit(&admin, "心防测试外单位", "330206", "91330206MA2WB0001").await;
    let (s, _) = manager.get(&format!("/api/v1/units/{far}/wellbeing")).await;
    assert_eq!(s, 404);
    let (s, _) = manager
        .post(
            &format!("/api/v1/units/{far}/volunteer-teams"),
            json!({"name": "x", "kind": "y"}),
        )
        .await;
    assert_eq!(s, 404);
    // The page shows them.
    let b = app.browser("demo_unit", DEMO_PASSWORD).await;
    let html = b
        .get(app.url(&format!("/units/{unit}/wellbeing")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("东门护校队") && html.contains("反恐怖防范知识讲座"),
        "{html}"
    );
}

/// A volunteer team `matrix-team-<unit>` and a case `matrix-case-<unit>` nobody of the matrix is
/// named on (its content is never decrypted: nobody reaches it), made in the database for the
/// authorization matrices.
pub(crate) async fn matrix_objects(app: &TestApp, unit: &str) {
    app.exec_sql(&format!(
        "INSERT INTO volunteer_teams (id, unit_id, name, kind, duties, members, created_by, created_at) \
         VALUES ('matrix-team-{unit}', '{unit}', '矩阵队伍', '护校队', '', '[]', '矩阵', 0) ON CONFLICT (id) DO NOTHING; \
         INSERT INTO crisis_cases (id, unit_id, reporter_id, reporter_name, risk, state, threat_to_others, content_enc, created_at) \
         VALUES ('matrix-case-{unit}', '{unit}', 'matrix-nobody', '矩阵', 'high', 'open', TRUE, 'case1:x', 0) ON CONFLICT (id) DO NOTHING;"
    ))
    .await;
}

/// The matrix's object of a `/wellbeing/…` or `/volunteer-teams/…` or `/crisis-cases/…` path.
pub(crate) fn matrix_id(path: &str, unit: &str) -> String {
    if path.contains("teams") {
        format!("matrix-team-{unit}")
    } else {
        format!("matrix-case-{unit}")
    }
}

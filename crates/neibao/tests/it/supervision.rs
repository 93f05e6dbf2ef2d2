//! Supervision end to end (issue 3) over HTTP: a hazard walked through order → overdue →
//! interview → listed supervision → re-inspection pass → closed, and one through to a fine,
//! checking the documents produced (numbers, dates, amounts) and the PDF's text; the deadline
//! scheduler with a controlled clock (once across two schedulers and a restart); campaigns,
//! inspections, checklist versions, credit grades and the due list.

use chrono::{DateTime, Datelike, Duration, SubsecRound, Utc};
use neibao_domain::supervision::calendar as sv;
use serde_json::{json, Value};

use crate::common::*;

fn year_now() -> i32 {
    Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).year()
}

async fn demo_unit(app: &TestApp) -> (String, String) {
    let c = app.client_for("demo_unit").await;
    let (_, me) = c.get("/api/v1/me").await;
    let id = me["unit_id"].as_str().unwrap().to_string();
    let (_, u) = c.get(&format!("/api/v1/units/{id}")).await;
    (id, u["name"].as_str().unwrap().to_string())
}

async fn new_hazard(police: &Client, unit_id: &str, title: &str) -> String {
    let (s, h) = police
        .post(
            "/api/v1/hazards",
            json!({"unit_id": unit_id, "title": title, "class": "general", "source": "report",
                   "description": "夜间值班表空缺两班"}),
        )
        .await;
    assert_eq!(s, 201, "{h}");
    assert_eq!(h["phase"], "detected");
    h["id"].as_str().unwrap().to_string()
}

async fn act(c: &Client, hazard: &str, body: Value) -> (u16, Value) {
    c.post(&format!("/api/v1/hazards/{hazard}/actions"), body).await
}

async fn steps(c: &Client, hazard: &str) -> Vec<String> {
    let (_, d) = c.get(&format!("/api/v1/hazards/{hazard}")).await;
    d["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap().to_string())
        .collect()
}

/// A 1×1 PNG.
const TINY_PNG: &[u8] = &[
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 31, 21, 196,
    137, 0, 0, 0, 13, 73, 68, 65, 84, 120, 218, 99, 100, 96, 248, 95, 15, 0, 2, 135, 1, 128, 235, 71, 186, 146, 0, 0,
    0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

/// Uploads a small PNG as evidence; returns the attachment id.
async fn upload_png(c: &Client, hazard: &str) -> String {
    let png = TINY_PNG.to_vec();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(png)
            .file_name("整改后照片.png")
            .mime_str("image/png")
            .unwrap(),
    );
    let r = c
        .http
        .post(format!("{}/api/v1/hazards/{hazard}/evidence", c.base))
        .bearer_auth(&c.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, 201, "{v}");
    v["id"].as_str().unwrap().to_string()
}

async fn documents(c: &Client, hazard: &str) -> Vec<Value> {
    let (_, d) = c.get(&format!("/api/v1/documents?hazard_id={hazard}")).await;
    d["items"].as_array().unwrap().clone()
}

fn field<'a>(doc: &'a Value, label: &str) -> Option<&'a str> {
    doc["content"]["fields"]
        .as_array()?
        .iter()
        .find(|f| f[0] == label)
        .and_then(|f| f[1].as_str())
}

/// `prefix…{head}NNNN号`: the usual document number with a four-digit serial.
fn numbered(no: &str, head: &str) -> bool {
    let Some(i) = no.find(head) else { return false };
    let tail = &no[i + head.len()..];
    tail.len() == 4 + "号".len() && tail.ends_with('号') && tail[..4].bytes().all(|b| b.is_ascii_digit())
}

fn at(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_hazard_climbs_the_ladder_and_closes_with_its_documents() {
    let app = TestApp::demo().await;
    let police = app.client_for("demo_county").await;
    let unit = app.client_for("demo_unit").await;
    let (unit_id, unit_name) = demo_unit(&app).await;
    let hazard = new_hazard(&police, &unit_id, "监控室夜间无人值守").await;

    // The unit cannot order itself; an order needs a deadline in the future.
    let d1 = Utc::now() + Duration::days(10);
    let (s, v) = act(&unit, &hazard, json!({"action": "issue_order", "deadline": d1})).await;
    assert_eq!(s, 403, "{v}");
    let (s, v) = act(
        &police,
        &hazard,
        json!({"action": "issue_order", "deadline": Utc::now() - Duration::days(1)}),
    )
    .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (400, Some("validation_failed")),
        "{v}"
    );
    let (s, v) = act(&police, &hazard, json!({"action": "bogus"})).await;
    assert!(s == 400 || s == 422, "{s} {v}");

    let (s, v) = act(
        &police,
        &hazard,
        json!({"action": "issue_order", "deadline": d1, "reason": "限期整改"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["hazard"]["phase"], "rectifying");
    let order_no = v["step"]["document_number"].as_str().unwrap().to_string();
    assert!(
        numbered(&order_no, &format!("(内保)限字〔{}〕第", year_now())),
        "{order_no}"
    );
    let docs = documents(&police, &hazard).await;
    let order = docs.iter().find(|d| d["kind"] == "rectification_order").unwrap();
    assert_eq!(order["number"], order_no.as_str());
    assert_eq!(field(order, "整改期限"), Some(sv::date_zh(d1).as_str()));
    let text = order["content"]["paragraphs"].to_string();
    assert!(text.contains("警告") && text.contains("第十九条"), "{text}");
    assert_eq!(order["content"]["addressee"], format!("{unit_name}："));

    // The PDF of the order: its text layer holds the unit name and the number, and it renders.
    let r = police
        .http
        .get(police.base.clone() + &format!("/api/v1/documents/{}/pdf", order["id"].as_str().unwrap()))
        .bearer_auth(&police.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    check_pdf_text(&pdf, &[&unit_name, &order_no, "限期整改通知书"]);

    // The clock reaches the deadline: the reminders (D-7, D-3, D-1) and the overdue fire, once.
    let s1 = app.scheduler("node-a");
    let s2 = app.scheduler("node-b");
    let t = d1 + Duration::seconds(1);
    let (a, b) = tokio::join!(s1.tick(t), s2.tick(t));
    let ran = a
        .unwrap()
        .into_iter()
        .chain(b.unwrap())
        .filter(|r| r.job.subject_id == hazard)
        .count();
    assert_eq!(ran, 4, "three reminders and the deadline, each run by one node");
    s1.tick(t).await.unwrap();
    let actions = steps(&police, &hazard).await;
    assert_eq!(actions.iter().filter(|a| *a == "remind").count(), 3, "{actions:?}");
    assert_eq!(
        actions.iter().filter(|a| *a == "mark_overdue").count(),
        1,
        "{actions:?}"
    );
    let (_, h) = police.get(&format!("/api/v1/hazards/{hazard}")).await;
    assert_eq!(h["phase"], "overdue");

    // Interview with a new deadline, overdue again; going back down the ladder is refused.
    // The 约谈通知书 tells the unit's principal when and where: without them it is not issued.
    let d2 = Utc::now() + Duration::days(20);
    let (s, v) = act(
        &police,
        &hazard,
        json!({"action": "escalate", "rung": "interview", "deadline": d2}),
    )
    .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (400, Some("document_incomplete")),
        "{v}"
    );
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("约谈通知书缺少必备事项：约谈时间"),
        "{v}"
    );
    let meet = Utc::now() + Duration::days(3);
    let (s, v) = act(
        &police,
        &hazard,
        json!({"action": "escalate", "rung": "interview", "deadline": d2, "interview_at": meet, "interview_place": "  "}),
    )
    .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (400, Some("document_incomplete")),
        "{v}"
    );
    assert!(v["error"]["message"].as_str().unwrap().contains("约谈地点"), "{v}");
    let (s, v) = act(
        &police,
        &hazard,
        json!({"action": "escalate", "rung": "circular", "deadline": d2, "interview_place": "分局会议室"}),
    )
    .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (400, Some("validation_failed")),
        "{v}"
    );
    assert_eq!(
        steps(&police, &hazard)
            .await
            .iter()
            .filter(|a| *a == "escalate")
            .count(),
        0
    );
    let (s, v) = act(
        &police,
        &hazard,
        json!({"action": "escalate", "rung": "interview", "deadline": d2,
               "interview_at": meet, "interview_place": "西湖区分局三楼会议室"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let no = v["step"]["document_number"].as_str().unwrap();
    assert!(numbered(no, &format!("(内保)谈字〔{}〕第", year_now())), "{no}");
    let docs = documents(&police, &hazard).await;
    let interview = docs.iter().find(|d| d["kind"] == "interview_notice").unwrap();
    let meet_zh = sv::datetime_zh(meet.trunc_subsecs(0));
    assert_eq!(field(interview, "约谈时间"), Some(meet_zh.as_str()));
    assert_eq!(field(interview, "约谈地点"), Some("西湖区分局三楼会议室"));
    let text = interview["content"]["paragraphs"].to_string();
    assert!(
        text.contains(&format!("于{meet_zh}到西湖区分局三楼会议室接受约谈")),
        "{text}"
    );
    s1.tick(d2 + Duration::seconds(1)).await.unwrap();
    let (_, h) = police.get(&format!("/api/v1/hazards/{hazard}")).await;
    assert_eq!(h["phase"], "overdue");
    let (s, v) = act(
        &police,
        &hazard,
        json!({"action": "escalate", "rung": "circular", "deadline": Utc::now() + Duration::days(25)}),
    )
    .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (409, Some("invalid_transition")),
        "{v}"
    );

    // Listed supervision: its notice, the honours bar 6 months from the listing.
    let d3 = Utc::now() + Duration::days(30);
    let (s, v) = act(
        &police,
        &hazard,
        json!({"action": "escalate", "rung": "listed_supervision", "deadline": d3, "reason": "两次逾期"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let bar = at(&v["hazard"]["case"]["honours_bar_until"]);
    let listed = at(&v["hazard"]["case"]["listed_at"]);
    assert_eq!(bar, listed.checked_add_months(chrono::Months::new(6)).unwrap());
    let docs = documents(&police, &hazard).await;
    let notice = docs.iter().find(|d| d["kind"] == "listed_supervision_notice").unwrap();
    assert_eq!(field(notice, "整改期限"), Some(sv::date_zh(d3).as_str()));
    assert_eq!(field(notice, "荣誉限制至"), Some(sv::date_zh(bar).as_str()));

    // Credit: two overdues (5 each), an interview (10) and a listing (25) from this hazard: 45
    // points off (the demo data's own overdue hazard adds its 5), grade D, inspected every 30 days.
    let (_, credit) = police.get(&format!("/api/v1/units/{unit_id}/credit")).await;
    let records = credit["records"].as_array().unwrap();
    let ours: Vec<&Value> = records.iter().filter(|r| r["source_id"] == hazard.as_str()).collect();
    assert_eq!(ours.len(), 4, "{credit}");
    assert_eq!(ours.iter().map(|r| r["points"].as_i64().unwrap()).sum::<i64>(), 45);
    let all: i64 = records.iter().map(|r| r["points"].as_i64().unwrap()).sum();
    assert_eq!(credit["score"].as_i64(), Some(100 - all), "{credit}");
    assert_eq!(credit["grade"], "D");
    assert_eq!(credit["interval_days"], 30);

    // The unit reports its rectification with evidence; the re-inspection passes.
    let (s, v) = act(
        &unit,
        &hazard,
        json!({"action": "submit_rectification", "reason": "已排班"}),
    )
    .await;
    assert_eq!(s, 400, "evidence is required: {v}");
    let photo = upload_png(&unit, &hazard).await;
    let (s, v) = act(
        &unit,
        &hazard,
        json!({"action": "submit_rectification", "reason": "已补齐夜间值班", "evidence": [photo]}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["hazard"]["phase"], "recheck_pending");
    let (s, _) = act(&unit, &hazard, json!({"action": "recheck", "passed": true})).await;
    assert_eq!(s, 403);
    let (s, v) = act(
        &police,
        &hazard,
        json!({"action": "recheck", "passed": true, "reason": "现场复查合格"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["hazard"]["phase"], "closed");
    let (s, v) = act(
        &police,
        &hazard,
        json!({"action": "decide_fine", "fine": {"harm": "serious_threat", "unit_amount_yuan": 20000, "persons": []}}),
    )
    .await;
    assert_eq!(s, 409, "{v}");

    let actions = steps(&police, &hazard).await;
    let kept: Vec<&str> = actions.iter().map(String::as_str).filter(|a| *a != "remind").collect();
    assert_eq!(
        kept,
        [
            "detect",
            "issue_order",
            "mark_overdue",
            "escalate",
            "mark_overdue",
            "escalate",
            "submit_rectification",
            "recheck_pass"
        ]
    );
    let (_, d) = police.get(&format!("/api/v1/hazards/{hazard}")).await;
    for s in d["steps"].as_array().unwrap() {
        if s["action"] != "detect" && s["action"] != "remind" {
            assert!(!s["legal_basis"].as_str().unwrap().is_empty(), "{s}");
        }
        assert!(!s["actor_name"].as_str().unwrap().is_empty());
    }
    // The evidence can be read back by the police.
    let r = police
        .http
        .get(police.base.clone() + &format!("/api/v1/attachments/{photo}"))
        .bearer_auth(&police.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    // Out of the jurisdiction: another county sees none of it.
    let other = app.client_for("demo_county_other").await;
    assert_eq!(other.get(&format!("/api/v1/hazards/{hazard}")).await.0, 404);
    assert_eq!(
        other
            .get(&format!("/api/v1/documents/{}", order["id"].as_str().unwrap()))
            .await
            .0,
        404
    );
    assert_eq!(other.get(&format!("/api/v1/attachments/{photo}")).await.0, 404);
}

/// Checks the PDF's text layer with pdftotext and that pdftoppm renders it (poppler-utils;
/// installed by scripts/install-browser.sh, required under NEIBAO_REQUIRE_BROWSER=1).
fn check_pdf_text(pdf: &[u8], needles: &[&str]) {
    let have =
        std::path::Path::new("/usr/bin/pdftotext").exists() && std::path::Path::new("/usr/bin/pdftoppm").exists();
    if !have {
        assert!(
            std::env::var("NEIBAO_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "poppler-utils (pdftotext, pdftoppm) must be installed: scripts/install-browser.sh"
        );
        println!("PDF text check skipped: pdftotext/pdftoppm not installed (scripts/install-browser.sh)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("order.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for n in needles {
        assert!(text.contains(n), "PDF text lacks {n}:\n{text}");
    }
    let png = dir.path().join("page");
    let st = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1"])
        .arg(&path)
        .arg(&png)
        .status()
        .unwrap();
    assert!(st.success());
    let rendered: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "png"))
        .collect();
    assert_eq!(rendered.len(), 1);
    assert!(
        rendered[0].metadata().unwrap().len() > 5_000,
        "a page with text is not tiny"
    );
}

#[tokio::test]
async fn an_overdue_hazard_with_harm_ends_in_a_fine_within_the_legal_ranges() {
    let app = TestApp::demo().await;
    let police = app.client_for("demo_county").await;
    let unit = app.client_for("demo_unit").await;
    let (unit_id, _) = demo_unit(&app).await;
    let hazard = new_hazard(&police, &unit_id, "危险化学品未按规定存放").await;
    let fine = |unit_amount: i64, person: i64| {
        json!({"action": "decide_fine", "reason": "逾期不整改并严重威胁公共安全",
               "fine": {"harm": "serious_threat", "unit_amount_yuan": unit_amount,
                        "persons": [{"name": "张三", "amount_yuan": person}], "recommend_discipline": true}})
    };
    let d1 = Utc::now() + Duration::days(7);
    assert_eq!(
        act(&police, &hazard, json!({"action": "issue_order", "deadline": d1}))
            .await
            .0,
        200
    );
    // Not yet overdue: no fine (Art 19 needs an overdue unit).
    let (s, v) = act(&police, &hazard, fine(20_000, 2_000)).await;
    assert_eq!(s, 409, "{v}");
    app.scheduler("n").tick(d1 + Duration::seconds(1)).await.unwrap();

    for (u, p) in [(9_999, 2_000), (100_001, 2_000), (20_000, 499), (20_000, 5_001)] {
        let (s, v) = act(&police, &hazard, fine(u, p)).await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (400, Some("validation_failed")),
            "{u} {p}: {v}"
        );
    }
    let (s, _) = act(&unit, &hazard, fine(20_000, 2_000)).await;
    assert_eq!(s, 403);
    let (_, h) = police.get(&format!("/api/v1/hazards/{hazard}")).await;
    assert_eq!(h["phase"], "overdue", "refused actions change nothing");

    let (s, v) = act(&police, &hazard, fine(20_000, 2_000)).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["hazard"]["phase"], "fine_decided");
    let no = v["step"]["document_number"].as_str().unwrap();
    assert!(numbered(no, &format!("(内保)罚决字〔{}〕第", year_now())), "{no}");
    let docs = documents(&police, &hazard).await;
    let decision = docs.iter().find(|d| d["kind"] == "penalty_decision").unwrap();
    assert_eq!(field(decision, "单位罚款"), Some("人民币20000元"));
    assert_eq!(field(decision, "责任人员张三罚款"), Some("人民币2000元"));
    assert_eq!(
        field(decision, "后果认定"),
        Some("严重威胁公民人身安全、公私财产安全或者公共安全")
    );
    assert!(decision["content"]["paragraphs"].to_string().contains("建议有关组织"));

    let (s, v) = act(
        &police,
        &hazard,
        json!({"action": "transfer_criminal", "reason": "涉嫌犯罪"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["hazard"]["phase"], "criminal_transfer");
    let (s, _) = act(&unit, &hazard, json!({"action": "submit_rectification", "reason": "x"})).await;
    assert!(s == 400 || s == 409);
    // Credit: overdue 5 + fine 40 + transfer 60 → 0 points.
    let (_, credit) = police.get(&format!("/api/v1/units/{unit_id}/credit")).await;
    assert_eq!(
        (credit["score"].as_i64(), credit["grade"].as_str()),
        (Some(0), Some("D"))
    );
}

#[tokio::test]
async fn a_deadline_fires_once_across_schedulers_crashes_and_restarts() {
    let app = TestApp::demo().await;
    let police = app.client_for("demo_county").await;
    let (unit_id, _) = demo_unit(&app).await;
    let hazard = new_hazard(&police, &unit_id, "周界报警失效").await;
    let d1 = Utc::now() + Duration::days(2);
    assert_eq!(
        act(&police, &hazard, json!({"action": "issue_order", "deadline": d1}))
            .await
            .0,
        200
    );
    // Before the deadline nothing is due but the D-1 reminder.
    let s1 = app.scheduler("a");
    let ran: Vec<_> = s1
        .tick(d1 - Duration::hours(23))
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.job.subject_id == hazard)
        .collect();
    assert_eq!(ran.len(), 1);
    assert_eq!(ran[0].job.kind, neibao_domain::jobs::JobKind::HazardReminder);

    // A node claims the deadline and dies before finishing it.
    let claimed: Vec<_> = app
        .store
        .claim_due_jobs("dead-node", d1 + Duration::seconds(1), Duration::seconds(60), 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|j| j.subject_id == hazard)
        .collect();
    assert_eq!(claimed.len(), 1);
    // Within the lease nobody else runs it.
    let s2 = app.scheduler("b");
    let within = s2.tick(d1 + Duration::seconds(30)).await.unwrap();
    assert!(within.iter().all(|r| r.job.subject_id != hazard));

    // A restart: a new store on the same database; after the lease the job runs once.
    let restarted = app.rebuilt().await;
    let s3 = restarted.scheduler("c");
    let s4 = restarted.scheduler("d");
    let t = d1 + Duration::seconds(120);
    let (a, b) = tokio::join!(s3.tick(t), s4.tick(t));
    let ran = a
        .unwrap()
        .into_iter()
        .chain(b.unwrap())
        .filter(|r| r.job.subject_id == hazard)
        .count();
    assert_eq!(ran, 1);
    // The dead node's handler "comes back" and runs the same job again: nothing changes.
    neibao_engine::supervision::deadlines::on_deadline(restarted.store.as_ref(), &claimed[0])
        .await
        .unwrap();
    for s in [&s1, &s2, &s3, &s4] {
        let again = s.tick(t + Duration::days(1)).await.unwrap();
        assert!(again.iter().all(|r| r.job.subject_id != hazard));
    }
    let actions = steps(&police, &hazard).await;
    assert_eq!(
        actions.iter().filter(|a| *a == "mark_overdue").count(),
        1,
        "{actions:?}"
    );
    assert_eq!(actions.iter().filter(|a| *a == "remind").count(), 1, "{actions:?}");
    let (_, credit) = police.get(&format!("/api/v1/units/{unit_id}/credit")).await;
    assert_eq!(
        credit["records"].as_array().unwrap().len(),
        1,
        "one credit entry for one overdue"
    );

    // An approved extension moves the deadline: the old deadline job no longer applies.
    let hazard2 = new_hazard(&police, &unit_id, "门卫登记缺失").await;
    let d = Utc::now() + Duration::days(5);
    act(&police, &hazard2, json!({"action": "issue_order", "deadline": d})).await;
    let unit = app.client_for("demo_unit").await;
    let later = d + Duration::days(10);
    let (s, v) = act(
        &unit,
        &hazard2,
        json!({"action": "request_extension", "until": later, "reason": "设备到货延迟"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = act(
        &police,
        &hazard2,
        json!({"action": "decide_extension", "approve": true}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(at(&v["hazard"]["deadline"]), later.trunc_subsecs(0));
    s1.tick(d + Duration::seconds(1)).await.unwrap();
    let (_, h) = police.get(&format!("/api/v1/hazards/{hazard2}")).await;
    assert_eq!(
        h["phase"], "rectifying",
        "the old deadline passed, the extended one has not"
    );
    s1.tick(later + Duration::seconds(1)).await.unwrap();
    let (_, h) = police.get(&format!("/api/v1/hazards/{hazard2}")).await;
    assert_eq!(h["phase"], "overdue");
    let actions = steps(&police, &hazard2).await;
    assert!(actions.contains(&"request_extension".to_string()) && actions.contains(&"approve_extension".to_string()));
}

#[tokio::test]
async fn campaigns_fan_out_inspections_that_find_hazards_and_keep_their_checklist_version() {
    let app = TestApp::demo().await;
    let police = app.client_for("demo_county").await;
    let (unit_id, unit_name) = demo_unit(&app).await;
    let (_, u) = police.get(&format!("/api/v1/units/{unit_id}")).await;
    let division = u["division_code"].as_str().unwrap().to_string();
    let due = (Utc::now() + Duration::days(14)).date_naive();

    let (s, v) = police
        .post(
            "/api/v1/campaigns",
            json!({"title": "冬季消防安全专项检查", "due_date": due, "selection": {"division_prefix": division}}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let campaign = v["id"].as_str().unwrap().to_string();
    let total = v["progress"]["total"].as_i64().unwrap();
    let (_, l) = police
        .get(&format!("/api/v1/units?division={division}&per_page=200"))
        .await;
    assert_eq!(
        total,
        l["total"].as_i64().unwrap(),
        "one inspection per unit of the selection"
    );
    // Nothing selected, or a bad selection, is refused.
    let (s, _) = police
        .post(
            "/api/v1/campaigns",
            json!({"title": "空", "due_date": due, "selection": {"division_prefix": "999999"}}),
        )
        .await;
    assert_eq!(s, 400);
    let (s, _) = app
        .client_for("demo_unit")
        .await
        .post(
            "/api/v1/campaigns",
            json!({"title": "x", "due_date": due, "selection": {}}),
        )
        .await;
    assert_eq!(s, 403);

    let (_, l) = police
        .get(&format!("/api/v1/inspections?campaign_id={campaign}&unit_id={unit_id}"))
        .await;
    let insp = l["items"][0]["id"].as_str().unwrap().to_string();
    let (_, detail) = police.get(&format!("/api/v1/inspections/{insp}")).await;
    assert_eq!(detail["kind"], "police");
    assert_eq!(detail["checklist_version"], 1);
    let items = detail["checklist"]["items"].as_array().unwrap().clone();
    let critical = items.iter().find(|i| i["critical"] == true).unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string();
    let results: Vec<Value> = items
        .iter()
        .map(|i| {
            let code = i["code"].as_str().unwrap();
            json!({"code": code, "result": if code == critical { "fail" } else { "pass" },
                   "note": if code == critical { "危化品与普通物品混放" } else { "" }})
        })
        .collect();
    let record = json!({"place": "单位主楼", "officers": ["演示分局民警", "李四"], "accompanying_person": "王五",
                        "witness": "赵六",
                        "purpose": "专项检查", "inspection_type": "专项检查", "methods": ["实地查看", "查阅"],
                        "signatures": [{"name": "演示分局民警", "role": "检查人员", "at": Utc::now()}]});
    // The unit cannot fill in the police's inspection; out of the county it does not exist.
    let unit = app.client_for("demo_unit").await;
    let (s, _) = unit
        .put(&format!("/api/v1/inspections/{insp}"), json!({"results": []}))
        .await;
    assert_eq!(s, 403);
    let other = app.client_for("demo_county_other").await;
    assert_eq!(other.get(&format!("/api/v1/inspections/{insp}")).await.0, 404);
    // A draft, then an incomplete submission (refused), then the real one.
    let (s, v) = police
        .put(
            &format!("/api/v1/inspections/{insp}"),
            json!({"record": record, "results": results[..3]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "in_progress");
    let (s, v) = police
        .post(
            &format!("/api/v1/inspections/{insp}/submit"),
            json!({"record": record, "results": results[..3]}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    let (s, v) = police
        .post(
            &format!("/api/v1/inspections/{insp}/submit"),
            json!({"record": record, "results": results}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["inspection"]["status"], "submitted");
    assert_eq!(
        v["inspection"]["score"]["total"], 59.0,
        "a failed critical item caps the score"
    );
    let hazards = v["hazards"].as_array().unwrap();
    assert_eq!(hazards.len(), 1);
    assert_eq!(hazards[0]["class"], "major");
    assert_eq!(hazards[0]["item_code"], critical.as_str());
    let record_no = v["document"]["number"].as_str().unwrap();
    assert!(
        numbered(record_no, &format!("(内保)检字〔{}〕第", year_now())),
        "{record_no}"
    );
    assert_eq!(field(&v["document"], "被检查单位"), Some(unit_name.as_str()));
    assert_eq!(field(&v["document"], "陪同人员"), Some("王五"));
    assert_eq!(field(&v["document"], "见证人"), Some("赵六"));
    // Only the officer signed: the record does not say the accompanying person checked it, it
    // leaves the line for their signature.
    let footer = v["document"]["content"]["footer"].to_string();
    assert!(!footer.contains("核对无误") && !footer.contains("确认无误"), "{footer}");
    assert!(footer.contains("被检查单位陪同人员核对意见及签名"), "{footer}");
    let (s, _) = police
        .post(
            &format!("/api/v1/inspections/{insp}/submit"),
            json!({"record": record, "results": results}),
        )
        .await;
    assert_eq!(s, 409, "submitted once");
    let (_, c) = police.get(&format!("/api/v1/campaigns/{campaign}")).await;
    assert_eq!(
        (c["progress"]["submitted"].as_i64(), c["progress"]["hazards"].as_i64()),
        (Some(1), Some(1))
    );

    // Due list: the inspected unit (grade A, inspected today) is not due; others are.
    let (_, due_list) = police.get("/api/v1/supervision/due?per_page=200").await;
    assert!(due_list["total"].as_u64().unwrap() <= 200, "{due_list}");
    let due_ids: Vec<&str> = due_list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["unit_id"].as_str().unwrap())
        .collect();
    assert!(!due_ids.contains(&unit_id.as_str()));
    assert!(!due_ids.is_empty());

    // A new checklist version: the submitted inspection keeps version 1, a new one uses 2.
    let admin = app.admin().await;
    let variant = detail["checklist_variant"].as_str().unwrap();
    let mut changed = items.clone();
    changed.pop();
    let (s, v) = police
        .post(
            &format!("/api/v1/checklists/{variant}/versions"),
            json!({"items": changed}),
        )
        .await;
    assert_eq!(s, 403, "county police do not publish checklists: {v}");
    let mut dup = items.clone();
    dup[1]["code"] = dup[0]["code"].clone();
    assert_eq!(
        admin
            .post(&format!("/api/v1/checklists/{variant}/versions"), json!({"items": dup}))
            .await
            .0,
        400
    );
    let (s, v) = admin
        .post(
            &format!("/api/v1/checklists/{variant}/versions"),
            json!({"items": changed}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["version"], 2);
    let (_, old) = police.get(&format!("/api/v1/inspections/{insp}")).await;
    assert_eq!(old["checklist_version"], 1);
    assert_eq!(old["checklist"]["items"].as_array().unwrap().len(), items.len());
    let (s, fresh) = unit.post("/api/v1/inspections", json!({"unit_id": unit_id})).await;
    assert_eq!(s, 201, "{fresh}");
    assert_eq!(fresh["kind"], "self");
    assert_eq!(fresh["checklist_version"], 2);

    // Bureau settings: a prefix of one's own; bad settings are refused.
    let (_, mut settings) = police.get("/api/v1/supervision/settings").await;
    settings["doc_prefix"] = json!("西公");
    assert_eq!(
        police.put("/api/v1/supervision/settings", settings.clone()).await.0,
        200
    );
    let mut bad = settings.clone();
    bad["ladder"] = json!([]);
    assert_eq!(police.put("/api/v1/supervision/settings", bad).await.0, 400);
    assert_eq!(unit.put("/api/v1/supervision/settings", settings).await.0, 403);
    let hazard = hazards[0]["id"].as_str().unwrap();
    let (s, v) = act(
        &police,
        hazard,
        json!({"action": "issue_order", "deadline": Utc::now() + Duration::days(30)}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert!(
        v["step"]["document_number"]
            .as_str()
            .unwrap()
            .starts_with("西公(内保)限字"),
        "{v}"
    );
}

#[tokio::test]
async fn a_failed_recheck_after_the_deadline_counts_as_overdue_and_odd_text_is_refused() {
    let app = TestApp::demo().await;
    let police = app.client_for("demo_county").await;
    let unit = app.client_for("demo_unit").await;
    let (unit_id, _) = demo_unit(&app).await;
    let hazard = new_hazard(&police, &unit_id, "消防通道堵塞").await;
    let deadline = Utc::now() + Duration::seconds(2);
    assert_eq!(
        act(&police, &hazard, json!({"action": "issue_order", "deadline": deadline}))
            .await
            .0,
        200
    );
    let photo = upload_png(&unit, &hazard).await;
    let (s, v) = act(
        &unit,
        &hazard,
        json!({"action": "submit_rectification", "reason": "已清理", "evidence": [photo]}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let (s, v) = act(
        &police,
        &hazard,
        json!({"action": "recheck", "passed": false, "reason": "仍有杂物"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["hazard"]["phase"], "overdue");
    let (_, credit) = police.get(&format!("/api/v1/units/{unit_id}/credit")).await;
    let ours: Vec<&Value> = credit["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["source_id"] == hazard.as_str())
        .collect();
    assert_eq!(ours.len(), 1, "{credit}");
    assert_eq!(ours[0]["kind"], "overdue");

    // Invisible and bidi characters, far dates: refused, nothing changes.
    let (s, v) = act(
        &police,
        &hazard,
        json!({"action": "decide_fine", "fine": {"harm": "injury_or_loss", "unit_amount_yuan": 20000,
               "persons": [{"name": "\u{202e}", "amount_yuan": 600}]}}),
    )
    .await;
    assert_eq!(s, 400, "{v}");
    let (s, v) = act(
        &police,
        &hazard,
        json!({"action": "escalate", "rung": "listed_supervision", "deadline": Utc::now() + Duration::days(20),
               "severe_event_at": "+262142-12-31T00:00:00Z"}),
    )
    .await;
    assert_eq!(s, 400, "{v}");
    let (s, v) = police
        .post(
            "/api/v1/hazards",
            json!({"unit_id": unit_id, "title": "abc\u{202e}gnp", "class": "general", "source": "report"}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    let (s, v) = police
        .post(
            "/api/v1/inspections",
            json!({"unit_id": unit_id, "due_date": "+262142-12-31"}),
        )
        .await;
    assert!(s == 400, "{s} {v}");
    let (_, h) = police.get(&format!("/api/v1/hazards/{hazard}")).await;
    assert_eq!(h["phase"], "overdue");
    assert!(h["case"]["rungs"].as_array().unwrap().is_empty());
}

/// Every supervision change is audited in its own transaction under a semantic action code
/// (with the object it made), and a change whose audit row cannot be written is refused and
/// leaves nothing behind.
#[tokio::test]
async fn supervision_changes_are_audited_with_them_or_not_made() {
    let app = TestApp::demo().await;
    let police = app.client_for("demo_county").await;
    let unit = app.client_for("demo_unit").await;
    let admin = app.admin().await;
    let (unit_id, _) = demo_unit(&app).await;
    let hazard = new_hazard(&police, &unit_id, "审计隐患").await;
    let (s, v) = act(
        &police,
        &hazard,
        json!({"action": "issue_order", "deadline": Utc::now() + Duration::days(10)}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let photo = upload_png(&unit, &hazard).await;
    let (_, settings) = police.get("/api/v1/supervision/settings").await;
    assert_eq!(
        police.put("/api/v1/supervision/settings", settings.clone()).await.0,
        200
    );
    let (_, log) = admin.get("/api/v1/audit?per_page=200").await;
    let rows = log["items"].as_array().unwrap();
    let row = |action: &str| {
        rows.iter()
            .find(|r| r["action"] == action)
            .unwrap_or_else(|| panic!("no {action} row: {log}"))
    };
    let reported = row("hazard.report");
    assert_eq!(reported["object_id"], hazard.as_str());
    assert_eq!(reported["unit_id"], unit_id.as_str());
    assert_eq!(reported["actor_name"], "demo_county");
    assert_eq!(row("hazard.issue_order")["object_id"], hazard.as_str());
    let uploaded = row("attachment.upload");
    assert_eq!(uploaded["object_id"], photo.as_str());
    assert_eq!(uploaded["actor_name"], "demo_unit");
    assert!(uploaded["detail"].as_str().unwrap().contains(&hazard));
    assert_eq!(row("supervision_settings.update")["object_type"], "organisation");

    // The audit chain's head is gone: every change fails (500) and none is made.
    let head = app.store.audit_head().await.unwrap();
    app.exec_sql("DELETE FROM audit_head").await;
    let (_, before) = police.get(&format!("/api/v1/hazards?unit_id={unit_id}")).await;
    let (s, v) = police
        .post(
            "/api/v1/hazards",
            json!({"unit_id": unit_id, "title": "无审计隐患", "class": "general", "source": "report"}),
        )
        .await;
    assert_eq!(s, 500, "{v}");
    let (_, after) = police.get(&format!("/api/v1/hazards?unit_id={unit_id}")).await;
    assert_eq!(after["total"], before["total"]);
    let (s, _) = act(
        &unit,
        &hazard,
        json!({"action": "submit_rectification", "reason": "已整改", "evidence": [photo]}),
    )
    .await;
    assert_eq!(s, 500);
    let (_, h) = police.get(&format!("/api/v1/hazards/{hazard}")).await;
    assert_eq!(h["phase"], "rectifying");
    assert_eq!(police.put("/api/v1/supervision/settings", settings).await.0, 500);
    app.exec_sql(&format!(
        "INSERT INTO audit_head (id, first_seq, first_prev_hash, last_seq, last_hash) VALUES (1, {}, '{}', {}, '{}')",
        head.first_seq, head.first_prev_hash, head.last_seq, head.last_hash
    ))
    .await;
    let (s, v) = act(
        &unit,
        &hazard,
        json!({"action": "submit_rectification", "reason": "已整改", "evidence": [photo]}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let rows = app.store.audit_rows(head.last_seq, 10).await.unwrap();
    assert_eq!(rows[0].seq, head.last_seq + 1, "the chain goes on from its head");
    assert!(rows.iter().any(|r| r.entry.action == "hazard.submit_rectification"));
}

/// Evidence uploaded from the pages (multipart) is taken only with the session's CSRF token,
/// sent as the form's first field `csrf` or in the `X-CSRF-Token` header; a missing, wrong or
/// late token is refused before the file is stored. The API's session calls need the header.
#[tokio::test]
async fn evidence_uploads_from_a_session_need_its_csrf_token_first() {
    use reqwest::multipart::{Form, Part};
    let app = TestApp::demo().await;
    let police = app.client_for("demo_county").await;
    let (unit_id, _) = demo_unit(&app).await;
    let hazard = new_hazard(&police, &unit_id, "页面上传佐证").await;
    let (b, s, v) = app.session("demo_unit", DEMO_PASSWORD, None).await;
    assert_eq!(s, 200, "{v}");
    let csrf = v["csrf_token"].as_str().unwrap().to_string();
    let file = || {
        Part::bytes(TINY_PNG.to_vec())
            .file_name("整改照片.png")
            .mime_str("image/png")
            .unwrap()
    };
    let page_url = app.url(&format!("/hazards/{hazard}/evidence"));
    let api_url = app.url(&format!("/api/v1/hazards/{hazard}/evidence"));
    let stored = || async {
        let (_, d) = police.get(&format!("/api/v1/hazards/{hazard}")).await;
        d["attachments"].as_array().unwrap().len()
    };
    for form in [
        Form::new().part("file", file()),
        Form::new().text("csrf", "forged").part("file", file()),
        Form::new().part("file", file()).text("csrf", csrf.clone()),
    ] {
        let r = b.post(&page_url).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 403);
    }
    let r = b
        .post(&api_url)
        .multipart(Form::new().text("csrf", csrf.clone()).part("file", file()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "the API takes the header only");
    assert_eq!(stored().await, 0);

    let r = b
        .post(&page_url)
        .multipart(Form::new().text("csrf", csrf.clone()).part("file", file()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.url().path(), format!("/hazards/{hazard}"));
    assert!(r.text().await.unwrap().contains("佐证材料已上传"));
    let r = b
        .post(&page_url)
        .header("x-csrf-token", &csrf)
        .multipart(Form::new().part("file", file()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = b
        .post(&api_url)
        .header("x-csrf-token", &csrf)
        .multipart(Form::new().part("file", file()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(stored().await, 3);
}

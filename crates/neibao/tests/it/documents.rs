//! Official documents are complete before they are issued (issue 20, item 3) over HTTP, on both
//! backends: a 检查笔录 with a blank witness is refused naming the field (API and form, the form
//! keeping what was typed), or issued with the stated reason there is none; the 约谈通知书 carries
//! its time and place; no line of any document kind starts with closing punctuation; the banner
//! after an escalation reads as a sentence.

use chrono::{Duration, Utc};
use neibao_domain::supervision::calendar as sv;
use serde_json::{json, Value};

use crate::common::*;

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
        .unwrap()
}

fn csrf_of(html: &str) -> String {
    let i = html.find("name=\"csrf_token\" value=\"").expect("csrf field") + "name=\"csrf_token\" value=\"".len();
    html[i..].split('"').next().unwrap().to_string()
}

/// A browser session of `username` (demo password).
async fn ui_login(app: &TestApp, username: &str) -> reqwest::Client {
    let b = browser();
    let r = b
        .post(app.url("/login"))
        .form(&[("username", username), ("password", DEMO_PASSWORD)])
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

async fn demo_unit_id(app: &TestApp) -> String {
    let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    me["unit_id"].as_str().unwrap().to_string()
}

fn field<'a>(doc: &'a Value, label: &str) -> Option<&'a str> {
    doc["content"]["fields"]
        .as_array()?
        .iter()
        .find(|f| f[0] == label)
        .and_then(|f| f[1].as_str())
}

/// Every line a document prints: addressee, paragraphs, field labels and values, signature and
/// footer, each split at its line breaks (a line break starts a new line on the PDF).
fn lines_of(doc: &Value) -> Vec<String> {
    let c = &doc["content"];
    let mut texts: Vec<String> = vec![c["addressee"].as_str().unwrap_or("").to_string()];
    for key in ["paragraphs", "signature", "footer"] {
        for p in c[key].as_array().unwrap() {
            texts.push(p.as_str().unwrap().to_string());
        }
    }
    for f in c["fields"].as_array().unwrap() {
        texts.push(f[0].as_str().unwrap().to_string());
        texts.push(f[1].as_str().unwrap().to_string());
    }
    texts
        .iter()
        .flat_map(|t| t.split('\n').map(|l| l.trim().to_string()).collect::<Vec<_>>())
        .filter(|l| !l.is_empty())
        .collect()
}

/// Closing punctuation that must not start a line.
fn starts_with_closing(line: &str) -> bool {
    line.chars()
        .next()
        .is_some_and(|c| "）)”」》】〕，。、；：".contains(c))
}

/// Every item of inspection `id`'s checklist passed.
async fn all_pass(c: &Client, id: &str) -> Vec<Value> {
    let (_, d) = c.get(&format!("/api/v1/inspections/{id}")).await;
    d["checklist"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|it| json!({"code": it["code"], "result": "pass"}))
        .collect()
}

#[tokio::test]
async fn an_inspection_record_with_a_blank_witness_is_refused_naming_the_field() {
    let app = TestApp::demo().await;
    let police = app.client_for("demo_county").await;
    let unit_id = demo_unit_id(&app).await;
    let (s, i) = police.post("/api/v1/inspections", json!({"unit_id": unit_id})).await;
    assert_eq!(s, 201, "{i}");
    let id = i["id"].as_str().unwrap().to_string();
    let results = all_pass(&police, &id).await;
    let signed = json!([{"name": "演示分局民警", "role": "检查人员", "at": Utc::now()}]);
    let full = json!({"place": "单位监控室", "officers": ["演示分局民警", "李四"], "accompanying_person": "王五",
                      "witness": "", "methods": ["实地查看"], "signatures": signed});

    // The form: refused with 400 and the field named, what was typed still in the form.
    let b = ui_login(&app, "demo_county").await;
    let (s, html) = page(&b, &app, &format!("/inspections/{id}")).await;
    assert_eq!(s, 200);
    let csrf = csrf_of(&html);
    let mut form: Vec<(String, String)> = vec![
        ("csrf_token".into(), csrf.clone()),
        ("place".into(), "单位监控室".into()),
        ("officers".into(), "演示分局民警，李四".into()),
        ("accompanying_person".into(), "王五".into()),
        ("witness".into(), "".into()),
        ("notes".into(), "值班记录齐全".into()),
        ("sig_name".into(), "演示分局民警".into()),
        ("sig_role".into(), "检查人员".into()),
        ("submit".into(), "submit".into()),
    ];
    for r in &results {
        form.push((format!("r:{}", r["code"].as_str().unwrap()), "pass".into()));
    }
    let r = b
        .post(app.url(&format!("/inspections/{id}")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("检查笔录缺少必备事项：见证人"), "the field is named");
    for typed in [
        "value=\"单位监控室\"",
        "value=\"王五\"",
        "值班记录齐全",
        "value=\"演示分局民警，李四\"",
    ] {
        assert!(html.contains(typed), "{typed} kept in the form");
    }

    // The API: each blank required field is named, with a stable code; nothing is submitted.
    for (blank, label) in [
        ("place", "检查地点"),
        ("officers", "检查人员"),
        ("accompanying_person", "陪同人员"),
        ("witness", "见证人"),
    ] {
        let mut record = full.clone();
        record[blank] = if blank == "officers" { json!([]) } else { json!("  ") };
        let (s, v) = police
            .post(
                &format!("/api/v1/inspections/{id}/submit"),
                json!({"record": record, "results": results}),
            )
            .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (400, Some("document_incomplete")),
            "{v}"
        );
        let message = v["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("检查笔录缺少必备事项：{label}")),
            "{message}"
        );
    }
    let (_, d) = police.get(&format!("/api/v1/inspections/{id}")).await;
    assert_ne!(d["status"], "submitted");
    let (_, docs) = police
        .get(&format!("/api/v1/documents?unit_id={unit_id}&kind=inspection_record"))
        .await;
    assert!(
        docs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["inspection_id"] != id.as_str()),
        "no record was numbered"
    );

    // No witness, with the reason stated (the accompanying person refused to sign): issued, and
    // the record says so instead of claiming the accompanying person checked it.
    let mut record = full.clone();
    record["witness_absent_reason"] = json!("陪同人员拒绝签名，现场无其他人员可作见证");
    let (s, v) = police
        .post(
            &format!("/api/v1/inspections/{id}/submit"),
            json!({"record": record, "results": results}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let doc = &v["document"];
    assert_eq!(
        field(doc, "见证人"),
        Some("无（陪同人员拒绝签名，现场无其他人员可作见证）")
    );
    assert_eq!(field(doc, "陪同人员"), Some("王五"));
    assert!(field(doc, "检查依据").unwrap().contains("第十六条第（二）项"), "{doc}");
    let footer = doc["content"]["footer"].to_string();
    assert!(!footer.contains("无误"), "{footer}");
    assert!(footer.contains("陪同人员拒绝签名的，由检查人员注明"), "{footer}");
}

#[tokio::test]
async fn every_document_kind_is_complete_and_no_line_starts_with_closing_punctuation() {
    let app = TestApp::demo().await;
    let police = app.client_for("demo_county").await;
    let unit_id = demo_unit_id(&app).await;
    let scheduler = app.scheduler("node-a");

    // A hazard whose title ends in a bracket and whose description spans lines and ends in one:
    // quoted in the documents as “…（W2），…”问题.
    let (s, h) = police
        .post(
            "/api/v1/hazards",
            json!({"unit_id": unit_id, "title": "未达到「重要部位实体防护」的要求（W2）", "class": "general",
                   "source": "report", "description": "库房门锁损坏。\n备用钥匙无人保管（未登记）"}),
        )
        .await;
    assert_eq!(s, 201, "{h}");
    let hazard = h["id"].as_str().unwrap().to_string();
    let act = |body: Value| {
        let police = police.clone();
        let hazard = hazard.clone();
        async move { police.post(&format!("/api/v1/hazards/{hazard}/actions"), body).await }
    };
    let mut deadline = Utc::now() + Duration::days(5);
    let (s, v) = act(json!({"action": "issue_order", "deadline": deadline})).await;
    assert_eq!(s, 200, "{v}");
    let meet = Utc::now() + Duration::days(2);
    for (i, rung) in ["circular", "interview", "listed_supervision", "referral"]
        .into_iter()
        .enumerate()
    {
        scheduler.tick(deadline + Duration::seconds(1)).await.unwrap();
        deadline = Utc::now() + Duration::days(10 * (i as i64 + 1) + 5);
        let mut body = json!({"action": "escalate", "rung": rung, "deadline": deadline});
        if rung == "interview" {
            body["interview_at"] = json!(meet);
            body["interview_place"] = json!("西湖区分局三楼会议室");
        }
        let (s, v) = act(body).await;
        assert_eq!(s, 200, "{rung}: {v}");
    }
    scheduler.tick(deadline + Duration::seconds(1)).await.unwrap();
    let (s, v) = act(json!({"action": "decide_fine",
                            "fine": {"harm": "serious_threat", "unit_amount_yuan": 20000,
                                     "persons": [{"name": "张三", "amount_yuan": 1000}]}}))
    .await;
    assert_eq!(s, 200, "{v}");

    // A police inspection with a failed item: the 检查笔录.
    let (s, i) = police.post("/api/v1/inspections", json!({"unit_id": unit_id})).await;
    assert_eq!(s, 201, "{i}");
    let id = i["id"].as_str().unwrap().to_string();
    let mut results = all_pass(&police, &id).await;
    results[0]["result"] = json!("fail");
    results[0]["note"] = json!("制度未上墙（见附件）");
    let record = json!({"place": "单位主楼（东侧）", "officers": ["演示分局民警"], "accompanying_person": "王五",
                        "witness": "赵六", "notes": "现场检查。\n（补充）值班表已拍照",
                        "signatures": [{"name": "王五", "role": "被检查单位陪同人员", "at": Utc::now()}]});
    let (s, v) = police
        .post(
            &format!("/api/v1/inspections/{id}/submit"),
            json!({"record": record, "results": results}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    // The accompanying person signed: now the record may say they checked it.
    let footer = v["document"]["content"]["footer"].to_string();
    assert!(footer.contains("陪同人员王五核对"), "{footer}");

    let (_, list) = police
        .get(&format!("/api/v1/documents?hazard_id={hazard}&per_page=50"))
        .await;
    let mut docs: Vec<Value> = list["items"].as_array().unwrap().clone();
    docs.push(v["document"].clone());
    let mut kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    kinds.sort_unstable();
    assert_eq!(
        kinds,
        [
            "circular_notice",
            "inspection_record",
            "interview_notice",
            "listed_supervision_notice",
            "penalty_decision",
            "rectification_order",
            "referral_letter"
        ],
        "every kind of document"
    );
    for d in &docs {
        for line in lines_of(d) {
            assert!(
                !starts_with_closing(&line),
                "{}: a line starts with closing punctuation: {line:?}",
                d["kind"]
            );
        }
        // As laid out on the page (wrapped to the type area, table cells to their columns): no
        // line starts with closing punctuation either.
        let c = &d["content"];
        let strings = |v: &Value| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_string())
                .collect()
        };
        let laid_out = neibao_docgen::laid_out_lines(&neibao_docgen::OfficialDocument {
            issuer: c["issuer"].as_str().unwrap().into(),
            title: c["title"].as_str().unwrap().into(),
            number: d["number"].as_str().unwrap().into(),
            addressee: c["addressee"].as_str().unwrap().into(),
            paragraphs: strings(&c["paragraphs"]),
            fields: c["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| (f[0].as_str().unwrap().to_string(), f[1].as_str().unwrap().to_string()))
                .collect(),
            signature: strings(&c["signature"]),
            footer: strings(&c["footer"]),
        })
        .unwrap();
        assert!(laid_out.len() > 10, "{laid_out:?}");
        for line in &laid_out {
            assert!(
                !starts_with_closing(line),
                "{}: a laid-out line starts with closing punctuation: {line:?}",
                d["kind"]
            );
        }
        // Its PDF renders.
        let r = police
            .http
            .get(police.base.clone() + &format!("/api/v1/documents/{}/pdf", d["id"].as_str().unwrap()))
            .bearer_auth(&police.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
    }
    let quoted = docs.iter().find(|d| d["kind"] == "circular_notice").unwrap()["content"]["paragraphs"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        quoted.contains("“未达到「重要部位实体防护」的要求（W2），库房门锁损坏；备用钥匙无人保管（未登记）”问题"),
        "{quoted}"
    );
    let interview = docs.iter().find(|d| d["kind"] == "interview_notice").unwrap();
    assert_eq!(field(interview, "约谈时间"), Some(sv::datetime_zh(meet).as_str()));
    assert_eq!(field(interview, "约谈地点"), Some("西湖区分局三楼会议室"));
    let order = docs.iter().find(|d| d["kind"] == "rectification_order").unwrap();
    let text = order["content"]["paragraphs"].to_string();
    assert!(
        text.contains("第十六条第（二）项、第十九条") && text.contains("造成公民人身伤害、公私财产损失"),
        "{text}"
    );
}

#[tokio::test]
async fn the_interview_form_keeps_its_fields_and_the_banner_reads_as_a_sentence() {
    let app = TestApp::demo().await;
    let police = app.client_for("demo_county").await;
    let unit_id = demo_unit_id(&app).await;
    let (s, h) = police
        .post(
            "/api/v1/hazards",
            json!({"unit_id": unit_id, "title": "监控室夜间无人值守", "class": "general", "source": "report"}),
        )
        .await;
    assert_eq!(s, 201, "{h}");
    let hazard = h["id"].as_str().unwrap().to_string();
    let d1 = Utc::now() + Duration::days(3);
    let (s, v) = police
        .post(
            &format!("/api/v1/hazards/{hazard}/actions"),
            json!({"action": "issue_order", "deadline": d1}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    app.scheduler("node-a").tick(d1 + Duration::seconds(1)).await.unwrap();

    let b = ui_login(&app, "demo_county").await;
    let (s, html) = page(&b, &app, &format!("/hazards/{hazard}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("name=\"interview_at\"") && html.contains("name=\"interview_place\""));
    let csrf = csrf_of(&html);
    let new_deadline = (Utc::now() + Duration::days(20))
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y-%m-%d")
        .to_string();
    let meet = (Utc::now() + Duration::days(2))
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y-%m-%dT09:30")
        .to_string();
    // Without its time: refused (400), naming it; the place and the reason typed stay.
    let r = b
        .post(app.url(&format!("/hazards/{hazard}/act")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("action", "escalate"),
            ("rung", "interview"),
            ("deadline", new_deadline.as_str()),
            ("interview_at", ""),
            ("interview_place", "西湖区分局三楼会议室"),
            ("reason", "逾期未整改"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("约谈通知书缺少必备事项：约谈时间"), "the field is named");
    assert!(html.contains("value=\"西湖区分局三楼会议室\"") && html.contains("逾期未整改</textarea>"));
    // With it: done, and the banner is a sentence, not "已完成：升级督办：".
    let r = b
        .post(app.url(&format!("/hazards/{hazard}/act")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("action", "escalate"),
            ("rung", "interview"),
            ("deadline", new_deadline.as_str()),
            ("interview_at", meet.as_str()),
            ("interview_place", "西湖区分局三楼会议室"),
            ("reason", "逾期未整改"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.url().query().unwrap_or("").contains("rung=interview"), "{}", r.url());
    let html = r.text().await.unwrap();
    assert!(
        html.contains("已升级督办，采取约谈措施，约谈通知书已生成。"),
        "the banner"
    );
    assert!(!html.contains("已完成：升级督办"), "no dangling label");
    let (_, docs) = police.get(&format!("/api/v1/documents?hazard_id={hazard}")).await;
    let notice = docs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "interview_notice")
        .expect("the 约谈通知书")
        .clone();
    assert!(field(&notice, "约谈时间").unwrap().contains("09时30分"), "{notice}");
    assert_eq!(field(&notice, "约谈地点"), Some("西湖区分局三楼会议室"));
}

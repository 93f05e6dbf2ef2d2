//! 心防 in headless Chromium (docs/WELLBEING.md; R36, R64; issue 18): a counsellor opens their
//! case list, opens the case with a stated purpose and records a follow-up; the unit's security
//! head, in another browser, sees neither the case's content nor the person's name on the 心防
//! page, on the case's address or among the escalation notices.

use serde_json::json;

use crate::common::*;
use crate::webdriver::{browser_installed, css, xpath, Browser};

const NAME: &str = "浏览器测试乙某某";
const NARRATIVE: &str = "近日夜不能寐，多次提到轻生念头";
const NOTE: &str = "电话回访，情绪较前平稳，约定下周面谈";

#[tokio::test]
async fn a_counsellor_records_a_follow_up_and_the_security_head_sees_no_content() {
    if !browser_installed() {
        return;
    }
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let manager = app.client_for("demo_unit").await;
    let unit = manager.get("/api/v1/me").await.1["unit_id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut ids = Vec::new();
    let mut first = String::new();
    for (username, name, role) in [
        ("bw_counsellor", "周辅导", "counsellor"),
        ("bw_teacher", "吴班主任", "guard"),
    ] {
        let (s, v) = admin
            .post(
                "/api/v1/users",
                json!({"username": username, "display_name": name, "role": role, "unit_id": unit}),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        ids.push(v["id"].as_str().unwrap().to_string());
        if role == "counsellor" {
            first = v["initial_password"].as_str().unwrap().to_string();
        }
    }
    let password = app.replace_first_password("bw_counsellor", &first).await;
    let (s, v) = manager
        .put(
            &format!("/api/v1/units/{unit}/crisis-reporters"),
            json!({"user_ids": [ids[1]]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, case) = app
        .client_for("bw_teacher")
        .await
        .post(
            "/api/v1/crisis-cases",
            json!({"person_name": NAME, "person_role": "学生", "narrative": NARRATIVE,
                   "risk": "medium", "counsellor_ids": [ids[0]]}),
        )
        .await;
    assert_eq!(s, 201, "{case}");
    let id = case["id"].as_str().unwrap().to_string();
    let number = case["number"].as_str().unwrap().to_string();

    // The counsellor: the case list, the case (with a purpose), a follow-up.
    let b = Browser::start().await;
    b.login_with(&app, "bw_counsellor", &password).await;
    b.goto(&app.url("/wellbeing")).await;
    b.click(&xpath(&format!("//table[@id='my-cases']//a[contains(., '{number}')]")))
        .await;
    b.send_keys(&css("#purpose"), "个案跟进辅导").await;
    b.click(&css("#open-case")).await;
    b.wait_for("the case's content", || async {
        b.try_text(&css("#person-name")).await.is_ok_and(|t| t.contains(NAME))
    })
    .await;
    b.send_keys(&css("#follow-up-note"), NOTE).await;
    b.click(&css("#save-follow-up")).await;
    b.wait_for("the follow-up on the case", || async {
        b.try_text(&css("#follow-ups")).await.is_ok_and(|t| t.contains(NOTE))
    })
    .await;
    b.quit().await;
    let (s, f) = app
        .client_for("bw_counsellor")
        .await
        .get(&format!("/api/v1/crisis-cases/{id}?purpose=个案跟进辅导"))
        .await;
    assert!(s == 200 && f.to_string().contains(NOTE), "{s} {f}");

    // The unit's security head: nothing of the case's content, wherever they look.
    let b = Browser::start().await;
    b.login(&app, "demo_unit").await;
    for page in [
        "/wellbeing".to_string(),
        format!("/wellbeing/cases/{id}"),
        format!("/wellbeing/cases/{id}?purpose=个案跟进辅导"),
        "/wellbeing/escalations".to_string(),
        format!("/units/{unit}/wellbeing"),
    ] {
        b.goto(&app.url(&page)).await;
        let text = b.text(&css("body")).await;
        for secret in [NAME, NARRATIVE, NOTE] {
            assert!(
                !text.contains(secret),
                "the security head read「{secret}」on {page}: {text}"
            );
        }
        if page.contains("/cases/") {
            assert!(
                b.find_all(&css("#person-name, #narrative, #follow-ups"))
                    .await
                    .is_empty(),
                "the case page's content blocks are not shown on {page}"
            );
        }
    }
    b.quit().await;
}

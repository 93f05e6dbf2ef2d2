//! Responsible persons' own lifecycle (docs/REGISTRY.md, "Responsible persons") and their
//! spreadsheet import (docs/IMPORTS.md): a person added (once, under a replayed
//! Idempotency-Key), edited at its version, a stale edit refused with 409 and nothing
//! overwritten, removed, each with its history row and audit sentence; the unit's version rising
//! with each; a station officer refused a unit outside its jurisdiction; no plaintext ID number
//! or phone in the stored bytes; the unit page's forms keeping what was typed; an import with bad
//! rows refused with their row numbers, then imported, re-imported unchanged, and a changed
//! phone imported as an update. Both backends.

use serde_json::{json, Value};

use crate::common::*;
use crate::imports::{book, import_kind, rows_of, template_header, upload_kind};

/// A valid GB 11643 citizen ID from its 17-digit body.
fn citizen_id(body17: &str) -> String {
    format!(
        "{body17}{}",
        neibao_domain::validate::citizen_id_check_char(body17).unwrap()
    )
}

/// A unit of the demo county registered by its bureau: (county client, unit id).
async fn county_unit(app: &TestApp, name: &str, uscc_body: &str) -> (Client, String) {
    let county = app.client_for("demo_county").await;
    let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    let (_, du) = county
        .get(&format!("/api/v1/units/{}", me["unit_id"].as_str().unwrap()))
        .await;
    let division = du["division_code"].as_str().unwrap().to_string();
    let id = create_unit(&county, name, &division, uscc_body).await;
    (county, id)
}

async fn unit_version(c: &Client, unit: &str) -> i64 {
    let (s, u) = c.get(&format!("/api/v1/units/{unit}")).await;
    assert_eq!(s, 200, "{u}");
    u["version"].as_i64().unwrap()
}

#[tokio::test]
async fn a_person_is_added_edited_and_removed_with_versions_and_history() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let (county, unit) = county_unit(&app, "责任人生命周期甲公司", "91330106MA2100521").await;
    let id_a = citizen_id("33010619800101123");
    let id_b = citizen_id("33010619850203456");
    let phone_a = "13812345678";
    let phone_b = "13987654321";
    let v0 = unit_version(&county, &unit).await;

    // Added once, even when the request is replayed with its Idempotency-Key.
    let add = |key: &'static str| {
        county
            .http
            .post(format!("{}/api/v1/units/{unit}/persons", county.base))
            .bearer_auth(&county.token)
            .header("Idempotency-Key", key)
            .json(&json!({"role": "security_head", "name": "王某", "citizen_id": id_a, "phone": phone_a}))
            .send()
    };
    let r = add("persons-add-1").await.unwrap();
    assert_eq!(r.status(), 201);
    let p: Value = r.json().await.unwrap();
    let r = add("persons-add-1").await.unwrap();
    assert_eq!(r.status(), 201);
    let pid = p["id"].as_str().unwrap().to_string();
    assert_eq!(p["version"], 1, "{p}");
    assert_eq!(
        p["citizen_id"].as_str(),
        Some(format!("330106********{}", &id_a[14..]).as_str()),
        "masked: {p}"
    );
    let (_, list) = county.get(&format!("/api/v1/units/{unit}/persons")).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1), "one person: {list}");
    // Masked on display: the answer carries no plaintext.
    let shown = list.to_string();
    assert!(!shown.contains(&id_a) && !shown.contains(phone_a), "{shown}");
    assert!(shown.contains("138****5678"), "{shown}");
    // The unit's entry carries the persons: its version rose.
    assert_eq!(unit_version(&county, &unit).await, v0 + 1);

    // Edited at version 1: name and phone; the ID number sent back as shown (masked) is kept.
    let masked_id = list[0]["citizen_id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/units/{unit}/persons/{pid}");
    let (s, p2) = county
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(json!({"version": 1, "role": "security_head", "name": "李某", "citizen_id": masked_id, "phone": phone_b})),
        )
        .await;
    assert_eq!(s, 200, "{p2}");
    assert_eq!(p2["version"], 2);
    assert_eq!(p2["citizen_id"], masked_id.as_str(), "the ID number kept");

    // A second editor still at version 1: refused as key areas are, nothing overwritten.
    let (s, v) = county
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(json!({"version": 1, "role": "principal", "name": "赵某"})),
        )
        .await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(error_code(&v), "version_conflict");
    assert!(error_message(&v).contains("已被他人修改"), "{v}");
    let (_, now) = county.get(&path).await;
    assert_eq!((now["name"].as_str(), now["version"].as_i64()), (Some("李某"), Some(2)));

    // Through with the current version: a new ID number (compared, never quoted).
    let (s, p3) = county
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(json!({"version": 2, "role": "security_head", "name": "李某", "citizen_id": id_b})),
        )
        .await;
    assert_eq!(s, 200, "{p3}");
    assert_eq!(p3["version"], 3);
    // Bad input: the GB 11643 check character.
    let (s, v) = county
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(json!({"version": 3, "role": "security_head", "name": "李某", "citizen_id": "330106198001011230"})),
        )
        .await;
    assert_eq!(s, 400, "{v}");

    // The PUT of the whole entry read before the person changes is refused (its persons are
    // stale), not silently putting the old list back.
    let (_, u) = county.get(&format!("/api/v1/units/{unit}")).await;
    let (s, v) = county
        .put(
            &format!("/api/v1/units/{unit}"),
            json!({"version": v0, "name": "责任人生命周期甲公司", "kind": "enterprise",
                   "uscc": u["uscc"], "division_code": u["division_code"], "responsible_persons": []}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (409, "version_conflict"), "{v}");

    // Removed at a stale version: refused; at the current one: gone.
    let (s, v) = county.delete(&format!("{path}?version=2"), None).await;
    assert_eq!((s, error_code(&v)), (409, "version_conflict"), "{v}");
    let (s, _) = county.delete(&format!("{path}?version=3"), None).await;
    assert_eq!(s, 204);
    assert_eq!(county.get(&path).await.0, 404);

    // The history, newest first, in Chinese, without the ID numbers or phones.
    let (_, history) = county.get(&format!("/api/v1/units/{unit}/history")).await;
    let rows: Vec<&Value> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["object_type"] == "person")
        .collect();
    let sentences: Vec<&str> = rows.iter().map(|h| h["sentence"].as_str().unwrap()).collect();
    assert_eq!(sentences.len(), 4, "{sentences:?}");
    assert!(
        sentences[0].contains("删除单位「责任人生命周期甲公司」的责任人「保卫负责人 李某」"),
        "{sentences:?}"
    );
    assert!(sentences[1].contains("更新了公民身份号码"), "{sentences:?}");
    assert!(
        sentences[2].contains("姓名由「王某」改为「李某」") && sentences[2].contains("更新了联系电话"),
        "{sentences:?}"
    );
    assert!(
        sentences[3].contains("新增单位「责任人生命周期甲公司」的责任人「保卫负责人 王某」"),
        "{sentences:?}"
    );
    let versions: Vec<i64> = rows.iter().map(|h| h["version"].as_i64().unwrap()).collect();
    assert_eq!(versions, [4, 3, 2, 1]);
    let text = history.to_string();
    for secret in [&id_a, &id_b, &phone_a.to_string(), &phone_b.to_string()] {
        assert!(!text.contains(secret.as_str()), "no plaintext in the history");
    }

    // Audited as sentences.
    let (_, audit) = admin.get("/api/v1/audit?action=person.update&per_page=10").await;
    assert!(audit.to_string().contains("修改了责任人"), "{audit}");
    let (_, audit) = admin.get("/api/v1/audit?action=person.remove&per_page=10").await;
    assert!(audit.to_string().contains("删除了责任人"), "{audit}");

    // Encrypted at rest: neither ID number nor phone appears in the stored bytes.
    let (s, _) = county
        .post(
            &format!("/api/v1/units/{unit}/persons"),
            json!({"role": "principal", "name": "钱某", "citizen_id": id_a, "phone": phone_a}),
        )
        .await;
    assert_eq!(s, 201);
    let stored = app.stored_bytes();
    for secret in [id_a.as_str(), id_b.as_str(), phone_a, phone_b] {
        assert!(!stored.contains(secret), "plaintext {secret} stored");
    }

    // A closed unit takes no changes to its persons.
    let v = unit_version(&county, &unit).await;
    let (s, c) = county
        .post(&format!("/api/v1/units/{unit}/close"), json!({"version": v}))
        .await;
    assert_eq!(s, 200, "{c}");
    let (s, v) = county
        .post(
            &format!("/api/v1/units/{unit}/persons"),
            json!({"role": "deputy", "name": "孙某"}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (409, "invalid_transition"), "{v}");
}

#[tokio::test]
async fn persons_follow_the_jurisdiction_of_their_unit() {
    let app = TestApp::demo().await;
    let (county, unit) = county_unit(&app, "责任人辖区乙公司", "91330106MA2100522").await;
    let (s, p) = county
        .post(
            &format!("/api/v1/units/{unit}/persons"),
            json!({"role": "principal", "name": "周某"}),
        )
        .await;
    assert_eq!(s, 201, "{p}");
    let pid = p["id"].as_str().unwrap();
    // The unit is under no police station: a station officer does not see it.
    let station = app.client_for("demo_station").await;
    assert_eq!(station.get(&format!("/api/v1/units/{unit}/persons")).await.0, 404);
    let (s, _) = station
        .post(
            &format!("/api/v1/units/{unit}/persons"),
            json!({"role": "deputy", "name": "越权"}),
        )
        .await;
    assert_eq!(s, 404);
    let path = format!("/api/v1/units/{unit}/persons/{pid}");
    let (s, _) = station
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(json!({"version": 1, "role": "principal", "name": "越权"})),
        )
        .await;
    assert_eq!(s, 404);
    assert_eq!(station.delete(&format!("{path}?version=1"), None).await.0, 404);
    // Another bureau's officer neither.
    let ningbo = app.client_for("demo_county_other").await;
    assert_eq!(ningbo.get(&path).await.0, 404);
    // A person of another unit is not reached through this one.
    let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    let demo_unit = me["unit_id"].as_str().unwrap();
    assert_eq!(
        county.get(&format!("/api/v1/units/{demo_unit}/persons/{pid}")).await.0,
        404
    );
    // A guard of a unit sees its persons but may not change them.
    let guard = app.client_for("demo_guard").await;
    let (s, _) = guard
        .post(
            &format!("/api/v1/units/{demo_unit}/persons"),
            json!({"role": "deputy", "name": "保安"}),
        )
        .await;
    assert_eq!(s, 403);
    let (_, p) = county.get(&path).await;
    assert_eq!(p["name"], "周某", "nothing changed");
}

#[tokio::test]
async fn the_unit_page_adds_edits_and_removes_persons_keeping_a_refused_form() {
    let app = TestApp::demo().await;
    let (county, unit) = county_unit(&app, "责任人页面丙公司", "91330106MA2100523").await;
    let b = app.browser("admin", ADMIN_PASSWORD).await;
    let page = |b: &reqwest::Client| {
        let url = app.url(&format!("/units/{unit}"));
        let b = b.clone();
        async move { b.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = page(&b).await;
    assert!(html.contains("新增责任人"), "the add form");
    // A refused add (a bad ID number): 400, the reason, what was typed still there.
    let r = b
        .post(app.url(&format!("/units/{unit}/persons")))
        .form(&[
            ("csrf_token", csrf_of(&html).as_str()),
            ("role", "deputy"),
            ("name", "吴某某"),
            ("citizen_id", "330106198001011230"),
            ("phone", "13812345678"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.headers().get("cache-control").and_then(|v| v.to_str().ok()),
        Some("no-store"),
        "what was typed may be personal data: not cached"
    );
    let html = r.text().await.unwrap();
    assert!(html.contains("公民身份号码无效"), "the reason");
    assert!(
        html.contains("value=\"吴某某\"") && html.contains("value=\"330106198001011230\""),
        "what was typed stays"
    );
    assert!(html.contains("value=\"deputy\" selected"), "the role chosen stays");
    // Added.
    let good = citizen_id("33010619800101123");
    let r = b
        .post(app.url(&format!("/units/{unit}/persons")))
        .form(&[
            ("csrf_token", csrf_of(&html).as_str()),
            ("role", "deputy"),
            ("name", "吴某某"),
            ("citizen_id", good.as_str()),
            ("phone", "13812345678"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("吴某某") && html.contains("138****5678"), "shown masked");
    assert!(!html.contains(&good), "no plaintext ID number on the page");
    let (_, list) = county.get(&format!("/api/v1/units/{unit}/persons")).await;
    let pid = list[0]["id"].as_str().unwrap().to_string();
    // A stale edit: 409, the page as it is now, the name typed kept.
    let masked_id = format!("330106********{}", &good[14..]);
    let edit = |version: &'static str, name: &'static str, html: String| {
        let b = b.clone();
        let url = app.url(&format!("/units/{unit}/persons/{pid}/edit"));
        let masked_id = masked_id.clone();
        async move {
            b.post(url)
                .form(&[
                    ("csrf_token", csrf_of(&html).as_str()),
                    ("version", version),
                    ("role", "deputy"),
                    ("name", name),
                    ("citizen_id", masked_id.as_str()),
                    ("phone", "138****5678"),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let r = edit("7", "郑某", html.clone()).await;
    assert_eq!(r.status(), 409);
    let body = r.text().await.unwrap();
    assert!(body.contains("已被他人修改") && body.contains("value=\"郑某\""), "kept");
    // At the version shown: the masked values sent back keep the ID number and phone.
    let r = edit("1", "郑某", body).await;
    assert_eq!(r.status(), 200);
    let (_, p) = county.get(&format!("/api/v1/units/{unit}/persons/{pid}")).await;
    assert_eq!((p["name"].as_str(), p["version"].as_i64()), (Some("郑某"), Some(2)));
    assert_eq!(p["phone"], "138****5678", "the phone kept");
    assert_eq!(p["citizen_id"], masked_id.as_str(), "the ID number kept");
    // Removed (the box ticked).
    let html = page(&b).await;
    let r = b
        .post(app.url(&format!("/units/{unit}/persons/{pid}/remove")))
        .form(&[
            ("csrf_token", csrf_of(&html).as_str()),
            ("version", "2"),
            ("confirm", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, list) = county.get(&format!("/api/v1/units/{unit}/persons")).await;
    assert_eq!(list.as_array().map(Vec::len), Some(0), "{list}");
    let html = page(&b).await;
    assert!(
        html.contains("删除单位「责任人页面丙公司」的责任人「分管负责人 郑某」"),
        "history"
    );
}

const PERSON_HEADER: [&str; 5] = ["单位统一社会信用代码", "身份", "姓名", "公民身份号码", "联系电话"];

fn person_row(uscc: &str, role: &str, name: &str, id: &str, phone: &str) -> Vec<String> {
    vec![uscc.into(), role.into(), name.into(), id.into(), phone.into()]
}

#[tokio::test]
async fn persons_import_refuses_bad_rows_then_imports_once_and_updates() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let (county, unit) = county_unit(&app, "责任人导入丁公司", "91330106MA2100524").await;
    let a = uscc("91330106MA2100524");
    let ningbo = app.client_for("demo_county_other").await;
    let (_, nb) = ningbo.get("/api/v1/units?per_page=1").await;
    let nb_uscc = nb["items"][0]["uscc"].as_str().expect("a Ningbo unit").to_string();
    let id_1 = citizen_id("33010619800101123");
    let id_2 = citizen_id("33010619850203456");
    let id_3 = citizen_id("33010619900304789");

    assert_eq!(template_header(&county, "persons").await, PERSON_HEADER);

    // Bad rows: outside the jurisdiction (3), a bad ID number (4), an unknown role (5), a bad
    // phone (6), the same person twice (8): refused whole, with those rows.
    let bad = vec![
        person_row(&a, "主要负责人", "甲某", &id_1, "13812345678"),
        person_row(&nb_uscc, "保卫负责人", "乙某", &id_2, ""),
        person_row(&a, "保卫负责人", "丙某", "330106198001011230", ""),
        person_row(&a, "经理", "丁某", &id_2, ""),
        person_row(&a, "分管负责人", "戊某", &id_3, "12345"),
        person_row(&a, "保卫负责人", "己某", &id_2, "0571-87654321"),
        person_row(&a, "主要负责人", "甲某", &id_1, "13812345678"),
    ];
    let job = import_kind(&county, "persons", book(&PERSON_HEADER, &bad), None).await;
    assert_eq!(job["status"], "refused", "{job}");
    assert_eq!(job["kind"], "persons", "{job}");
    assert_eq!(rows_of(&job), vec![3, 4, 5, 6, 8], "{job}");
    let codes: Vec<&str> = job["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "outside_jurisdiction",
            "invalid_citizen_id",
            "invalid_role",
            "invalid_phone",
            "duplicate_in_file"
        ],
        "{job}"
    );
    assert_eq!(job["errors"][1]["column"], "公民身份号码");
    assert!(job["errors"][2]["message"].as_str().unwrap().contains("身份"), "{job}");
    assert!(!job.to_string().contains(&id_1), "the job keeps no ID number");
    let (_, list) = county.get(&format!("/api/v1/units/{unit}/persons")).await;
    assert_eq!(list.as_array().map(Vec::len), Some(0), "nothing written: {list}");

    // Fixed: imported, each through the registry.
    let fixed = vec![
        person_row(&a, "法定代表人", "甲某", &id_1, "13812345678"),
        person_row(&a, "分管负责人", "戊某", &id_3, ""),
        person_row(&a, "保卫负责人", "己某", &id_2, "0571-87654321"),
    ];
    let job = import_kind(&county, "persons", book(&PERSON_HEADER, &fixed), None).await;
    assert_eq!(
        (job["status"].as_str(), job["created"].as_u64()),
        (Some("done"), Some(3)),
        "{job}"
    );
    let (_, list) = county.get(&format!("/api/v1/units/{unit}/persons")).await;
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["甲某", "戊某", "己某"], "principal first: {list}");

    // Again: nothing changes.
    let again = import_kind(&county, "persons", book(&PERSON_HEADER, &fixed), None).await;
    assert_eq!(
        (again["created"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(3)),
        "{again}"
    );
    let (_, same) = county.get(&format!("/api/v1/units/{unit}/persons")).await;
    assert_eq!(same, list, "versions and all unchanged");

    // A new phone for the same person (role and ID number): an update with its history row.
    let changed = vec![person_row(&a, "保卫负责人", "己某", &id_2, "13900001111")];
    let job = import_kind(&county, "persons", book(&PERSON_HEADER, &changed), None).await;
    assert_eq!(
        (job["status"].as_str(), job["created"].as_u64()),
        (Some("done"), Some(1)),
        "{job}"
    );
    let (_, list) = county.get(&format!("/api/v1/units/{unit}/persons")).await;
    assert_eq!(list.as_array().map(Vec::len), Some(3), "updated, not added: {list}");
    let ji = list.as_array().unwrap().iter().find(|p| p["name"] == "己某").unwrap();
    assert_eq!(
        (ji["phone"].as_str(), ji["version"].as_i64()),
        (Some("139****1111"), Some(2))
    );
    let (_, history) = county.get(&format!("/api/v1/units/{unit}/history")).await;
    assert!(
        history[0]["sentence"]
            .as_str()
            .unwrap()
            .contains("修改单位「责任人导入丁公司」的责任人「保卫负责人 己某」：更新了联系电话"),
        "{history}"
    );

    // Audited once per import, as a sentence; no plaintext at rest.
    let (_, audit) = admin.get("/api/v1/audit?action=import.persons&per_page=10").await;
    let text = audit.to_string();
    assert!(text.contains("批量导入了责任人") && text.contains("更新1个"), "{text}");
    let stored = app.stored_bytes();
    for secret in [id_1.as_str(), id_2.as_str(), id_3.as_str(), "13900001111"] {
        assert!(!stored.contains(secret), "plaintext {secret} stored");
    }
    // Not allowed to import: 403.
    let manager = app.client_for("demo_unit").await;
    assert_eq!(
        upload_kind(&manager, "persons", book(&PERSON_HEADER, &fixed), None)
            .await
            .0,
        403
    );
}

//! Organisation tree administration (issue 12, "Divisions and organisations"): an administrator
//! creates, renames (with optimistic versions), moves, merges and closes organisations, each with
//! its history; a delegated (city) administrator reaches only the city's tree. Runs on SQLite and,
//! with NEIBAO_TEST_BACKEND=postgres, on PostgreSQL.

use serde_json::{json, Value};

use crate::common::*;
use crate::common::{error_code as code, error_message as message, first_org as org};

async fn patch(c: &Client, path: &str, body: Value) -> (u16, Value) {
    c.send(reqwest::Method::PATCH, path, Some(body)).await
}

/// Creates an organisation (201 expected): the answer.
async fn create(c: &Client, body: Value) -> Value {
    let (s, v) = c.post("/api/v1/organisations", body.clone()).await;
    assert_eq!(s, 201, "{body}: {v}");
    v
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

async fn history(c: &Client, id: &str) -> Vec<String> {
    let (s, v) = c.get(&format!("/api/v1/organisations/{id}/history")).await;
    assert_eq!(s, 200, "{v}");
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| h["sentence"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn an_administrator_creates_renames_moves_merges_and_closes_organisations() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let hangzhou = org(&admin, "police_city", "3301").await;
    let xihu = org(&admin, "police_county", "330106").await;

    // A county bureau under the city, a station under it.
    let county = create(
        &admin,
        json!({"name": "测试新区公安分局", "kind": "police_county", "division_code": "330199", "parent_id": hangzhou}),
    )
    .await;
    assert_eq!(
        (county["version"].as_i64(), county["status"].as_str()),
        (Some(1), Some("open"))
    );
    assert_eq!(
        (
            county["units"].as_i64(),
            county["users"].as_i64(),
            county["children"].as_i64()
        ),
        (Some(0), Some(0), Some(0))
    );
    let county_id = id(&county);
    let station = create(
        &admin,
        json!({"name": "测试新区派出所", "kind": "police_station", "division_code": "330199001", "parent_id": county_id}),
    )
    .await;
    assert_eq!(station["parent_id"], county_id.as_str());
    let (_, got) = admin.get(&format!("/api/v1/organisations/{county_id}")).await;
    assert_eq!(got["children"], 1, "{got}");

    // Refused, in Chinese, nothing made.
    for (body, words) in [
        (
            json!({"name": "错层派出所", "kind": "police_station", "division_code": "330198001", "parent_id": hangzhou}),
            "县级公安局或分局",
        ),
        (
            json!({"name": "越界分局", "kind": "police_county", "division_code": "330299", "parent_id": hangzhou}),
            "不在上级组织的辖区",
        ),
        (
            json!({"name": "无上级市局", "kind": "police_city", "division_code": "330900"}),
            "市级公安局须设在",
        ),
        (
            json!({"name": "  ", "kind": "police_county", "division_code": "330198", "parent_id": hangzhou}),
            "组织名称",
        ),
        (
            json!({"name": "无此上级", "kind": "police_county", "division_code": "330198", "parent_id": "no-such-org"}),
            "上级组织",
        ),
        (
            json!({"name": "怪类别", "kind": "fire_brigade", "division_code": "330198", "parent_id": hangzhou}),
            "组织类别",
        ),
    ] {
        let (s, v) = admin.post("/api/v1/organisations", body.clone()).await;
        assert_eq!(s, 400, "{body}: {v}");
        assert!(message(&v).contains(words), "{body}: {v}");
    }

    // Renamed at version 1; a second edit still at version 1 is stale: 409, nothing changed.
    let path = format!("/api/v1/organisations/{county_id}");
    let (s, v) = patch(
        &admin,
        &path,
        json!({"version": 1, "name": "测试新区公安分局（更名）", "sector": ""}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["version"], 2);
    let (s, v) = patch(&admin, &path, json!({"version": 1, "name": "被覆盖的名称"})).await;
    assert_eq!((s, code(&v)), (409, "version_conflict"), "{v}");
    assert_eq!(message(&v), "该组织已被他人修改，请刷新后重试");
    let (_, got) = admin.get(&path).await;
    assert_eq!(
        (got["name"].as_str(), got["version"].as_i64()),
        (Some("测试新区公安分局（更名）"), Some(2))
    );
    assert!(history(&admin, &county_id)
        .await
        .iter()
        .any(|h| h.contains("名称由「测试新区公安分局」改为「测试新区公安分局（更名）」")));

    // Moved: the station under Xihu (its division lies in Xihu? no: refused); a department moves
    // freely, never under itself or below.
    let station_id = id(&station);
    let (s, v) = admin
        .post(
            &format!("/api/v1/organisations/{station_id}/move"),
            json!({"version": 1, "parent_id": xihu}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(message(&v).contains("不在上级组织的辖区"), "{v}");
    let dept = create(
        &admin,
        json!({"name": "测试行业主管部门", "kind": "department", "division_code": "330100", "parent_id": hangzhou, "sector": "education"}),
    )
    .await;
    let sub = create(
        &admin,
        json!({"name": "测试下属部门", "kind": "department", "division_code": "330106", "parent_id": id(&dept)}),
    )
    .await;
    let (s, v) = admin
        .post(
            &format!("/api/v1/organisations/{}/move", id(&dept)),
            json!({"version": 1, "parent_id": id(&sub)}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(message(&v).contains("下级组织之下"), "{v}");
    let (s, v) = admin
        .post(
            &format!("/api/v1/organisations/{}/move", id(&sub)),
            json!({"version": 1, "parent_id": xihu}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["parent_id"].as_str(), v["version"].as_i64()),
        (Some(xihu.as_str()), Some(2))
    );
    assert!(history(&admin, &id(&sub)).await.iter().any(|h| h.contains("移至")));

    // Merged: two stations in Xihu; the first one's unit and account move to the second.
    let a = id(&create(
        &admin,
        json!({"name": "测试甲派出所", "kind": "police_station", "division_code": "330106901", "parent_id": xihu}),
    )
    .await);
    let b = id(&create(
        &admin,
        json!({"name": "测试乙派出所", "kind": "police_station", "division_code": "330106902", "parent_id": xihu}),
    )
    .await);
    let (s, unit) = admin
        .post(
            "/api/v1/units",
            json!({"name": "合并测试单位", "kind": "enterprise", "uscc": uscc("91330106MA2H00001"),
                   "division_code": "330106", "address": "测试路1号", "police_station_id": a}),
        )
        .await;
    assert_eq!(s, 201, "{unit}");
    let unit_id = id(&unit);
    let (s, account) = admin
        .post(
            "/api/v1/users",
            json!({"username": "merge.officer", "display_name": "合并民警", "role": "police_station", "org_id": a}),
        )
        .await;
    assert_eq!(s, 201, "{account}");
    let account_id = id(&account);
    let (s, v) = admin
        .post(
            &format!("/api/v1/organisations/{a}/merge"),
            json!({"version": 1, "target_id": county_id}),
        )
        .await;
    assert_eq!(s, 400, "only into the same kind: {v}");
    assert!(message(&v).contains("同类组织"), "{v}");
    let (s, v) = admin
        .post(
            &format!("/api/v1/organisations/{a}/merge"),
            json!({"version": 1, "target_id": b}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["status"].as_str(), v["merged_into"].as_str()),
        (Some("closed"), Some(b.as_str()))
    );
    let (_, u) = admin.get(&format!("/api/v1/units/{unit_id}")).await;
    assert_eq!(u["police_station_id"], b.as_str(), "{u}");
    let (_, acc) = admin.get(&format!("/api/v1/users/{account_id}")).await;
    assert_eq!(acc["org_id"], b.as_str(), "{acc}");
    let (_, target) = admin.get(&format!("/api/v1/organisations/{b}")).await;
    assert_eq!(
        (target["units"].as_i64(), target["users"].as_i64()),
        (Some(1), Some(1)),
        "{target}"
    );
    assert!(history(&admin, &a)
        .await
        .iter()
        .any(|h| h.contains("合并入「测试乙派出所」")));
    // A closed organisation leaves the lists (unless asked for) and takes no more changes.
    let (_, open) = admin.get("/api/v1/organisations?division=330106").await;
    assert!(!open.as_array().unwrap().iter().any(|o| o["id"] == a.as_str()));
    let (_, all) = admin
        .get("/api/v1/organisations?division=330106&include_closed=true")
        .await;
    assert!(all.as_array().unwrap().iter().any(|o| o["id"] == a.as_str()));
    let (s, v) = admin
        .post(
            "/api/v1/users",
            json!({"username": "late.officer", "display_name": "迟到民警", "role": "police_station", "org_id": a}),
        )
        .await;
    assert_eq!(s, 400, "no new accounts on a closed organisation: {v}");
    assert!(message(&v).contains("已撤销"), "{v}");
    let (s, v) = patch(
        &admin,
        &format!("/api/v1/organisations/{a}"),
        json!({"version": 2, "name": "复活"}),
    )
    .await;
    assert_eq!((s, code(&v)), (409, "invalid_transition"), "{v}");

    // Closing the station that still has a unit and an account: refused, naming them.
    let close = format!("/api/v1/organisations/{b}/close");
    let (s, v) = admin.post(&close, json!({"version": 2})).await;
    assert_eq!((s, code(&v)), (409, "invalid_transition"), "{v}");
    assert!(
        message(&v).contains("在管单位 1 家") && message(&v).contains("在用账号 1 个"),
        "{v}"
    );
    // The unit goes to another station, the account is disabled: closed.
    let other = org(&admin, "police_station", "330106").await;
    let (s, v) = admin
        .put(
            &format!("/api/v1/units/{unit_id}"),
            json!({"version": 1, "name": "合并测试单位", "kind": "enterprise", "uscc": uscc("91330106MA2H00001"),
                   "division_code": "330106", "address": "测试路1号", "police_station_id": other}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        admin
            .post(&format!("/api/v1/users/{account_id}/disable"), json!({}))
            .await
            .0,
        200
    );
    let (s, v) = admin.post(&close, json!({"version": 1})).await;
    assert_eq!((s, code(&v)), (409, "version_conflict"), "{v}");
    let (s, v) = admin.post(&close, json!({"version": 2})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "closed");
    assert!(history(&admin, &b)
        .await
        .iter()
        .any(|h| h.contains("撤销了组织「测试乙派出所」")));

    // The tree: the new county under Hangzhou, its station one level deeper.
    let (s, tree) = admin.get("/api/v1/organisations/tree").await;
    assert_eq!(s, 200, "{tree}");
    let nodes = tree.as_array().unwrap();
    let depth = |id: &str| {
        nodes
            .iter()
            .find(|n| n["id"] == id)
            .map(|n| n["depth"].as_i64().unwrap())
    };
    assert_eq!(depth(&county_id), Some(2));
    assert_eq!(depth(&station_id), Some(3));
    assert_eq!(depth(&b), None, "closed: not shown");

    // Every write is audited.
    let (_, audit) = admin.get("/api/v1/audit?per_page=200").await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for a in [
        "organisation.create",
        "organisation.update",
        "organisation.move",
        "organisation.merge",
        "organisation.close",
    ] {
        assert!(actions.contains(&a), "{a} not audited");
    }

    // Police may read the open list but not administer.
    let police = app.client_for("demo_city").await;
    assert_eq!(police.get("/api/v1/organisations/tree").await.0, 403);
    assert_eq!(police.get(&path).await.0, 403);
}

#[tokio::test]
async fn a_city_administrator_administers_only_the_city_tree() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let hangzhou = org(&admin, "police_city", "3301").await;
    let ningbo = org(&admin, "police_city", "3302").await;
    let ningbo_county = org(&admin, "police_county", "3302").await;
    let (s, v) = admin
        .post(
            "/api/v1/users",
            json!({"username": "hz.orgadmin", "display_name": "杭州市局管理员", "role": "admin", "org_id": hangzhou}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let city = app.client_for("hz.orgadmin").await;

    // Inside the city: created, renamed, closed.
    let county = create(
        &city,
        json!({"name": "市管测试分局", "kind": "police_county", "division_code": "330197", "parent_id": hangzhou}),
    )
    .await;
    let county_id = id(&county);
    let (s, v) = patch(
        &city,
        &format!("/api/v1/organisations/{county_id}"),
        json!({"version": 1, "name": "市管测试分局二"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");

    // Its own organisation is changed from above; beside it (Ningbo) nothing is reachable.
    let (s, v) = patch(
        &city,
        &format!("/api/v1/organisations/{hangzhou}"),
        json!({"version": 1, "name": "改名"}),
    )
    .await;
    assert_eq!(s, 403, "{v}");
    assert_eq!(city.get(&format!("/api/v1/organisations/{ningbo}")).await.0, 404);
    let (s, _) = patch(
        &city,
        &format!("/api/v1/organisations/{ningbo_county}"),
        json!({"version": 1, "name": "越权"}),
    )
    .await;
    assert_eq!(s, 404);
    for action in ["close", "move", "merge"] {
        let (s, v) = city
            .post(
                &format!("/api/v1/organisations/{ningbo_county}/{action}"),
                json!({"version": 1, "parent_id": hangzhou, "target_id": county_id}),
            )
            .await;
        assert_eq!(s, 404, "{action}: {v}");
    }
    let (s, v) = city
        .post(
            "/api/v1/organisations",
            json!({"name": "越界分局", "kind": "police_county", "division_code": "330296", "parent_id": ningbo}),
        )
        .await;
    assert!(matches!(s, 400 | 403 | 404), "{s} {v}");
    let (s, v) = city
        .post(
            &format!("/api/v1/organisations/{county_id}/merge"),
            json!({"version": 2, "target_id": ningbo_county}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    let (_, unchanged) = admin.get(&format!("/api/v1/organisations/{ningbo_county}")).await;
    assert_eq!(unchanged["version"], 1, "{unchanged}");

    // Its tree is the city's: rooted at the city bureau.
    let (s, tree) = city.get("/api/v1/organisations/tree").await;
    assert_eq!(s, 200, "{tree}");
    let nodes = tree.as_array().unwrap();
    assert!(nodes
        .iter()
        .all(|n| n["division_code"].as_str().unwrap().starts_with("3301")));
    let root = nodes
        .iter()
        .find(|n| n["id"] == hangzhou.as_str())
        .expect("the city bureau");
    assert_eq!(root["depth"], 0);
    let own = nodes
        .iter()
        .find(|n| n["id"] == county_id.as_str())
        .expect("its county");
    assert_eq!(own["depth"], 1);

    let (s, v) = city
        .post(
            &format!("/api/v1/organisations/{county_id}/close"),
            json!({"version": 2}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
}

/// The pages: the tree with its counts and the create form (a refused form keeps what was typed),
/// the organisation page whose edit form carries the version it showed (a stale one is refused in
/// Chinese, with what was typed), and the close form that needs its box ticked.
#[tokio::test]
async fn the_pages_show_the_tree_and_refuse_a_stale_edit_keeping_what_was_typed() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let hangzhou = org(&admin, "police_city", "3301").await;
    let b = app.browser("admin", ADMIN_PASSWORD).await;
    let html = b
        .get(app.url("/organisations"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("组织机构") && html.contains("新建组织"), "{html}");
    assert!(html.contains(&format!("id=\"org-{hangzhou}\"")) && html.contains("浙江省公安厅"));
    assert!(
        html.contains("<a href=\"/organisations\">组织机构</a>"),
        "the nav entry"
    );
    let once = {
        let m = "name=\"_once\" value=\"";
        let i = html.find(m).unwrap() + m.len();
        html[i..].split('"').next().unwrap().to_string()
    };
    let form = |kind: &str| {
        vec![
            ("csrf_token", csrf_of(&html)),
            ("_once", once.clone()),
            ("parent_id", hangzhou.clone()),
            ("kind", kind.to_string()),
            ("division_code", "330194".to_string()),
            ("name", "页面测试分局".to_string()),
            ("sector", String::new()),
        ]
    };
    let r = b
        .post(app.url("/organisations"))
        .form(&form("police_station"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let page = r.text().await.unwrap();
    assert!(page.contains("派出所须设在县级公安局或分局之下"), "{page}");
    assert!(
        page.contains("value=\"页面测试分局\"") && page.contains("value=\"330194\""),
        "{page}"
    );
    let r = b
        .post(app.url("/organisations"))
        .form(&form("police_county"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("组织已新建") && page.contains("id=\"org-version\">1<"),
        "{page}"
    );
    let (_, tree) = admin.get("/api/v1/organisations/tree").await;
    let id = tree
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "页面测试分局")
        .map(|n| n["id"].as_str().unwrap().to_string())
        .expect("created once");

    // Someone else renames it (version 1 → 2); the page still carries version 1.
    let (s, _) = admin
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/organisations/{id}"),
            Some(json!({"version": 1, "name": "他人改的名称"})),
        )
        .await;
    assert_eq!(s, 200);
    let edit = vec![
        ("csrf_token", csrf_of(&page)),
        ("version", "1".to_string()),
        ("name", "我要改的名称".to_string()),
        ("sector", String::new()),
    ];
    let r = b
        .post(app.url(&format!("/organisations/{id}")))
        .form(&edit)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let refused = r.text().await.unwrap();
    assert!(refused.contains("该组织已被他人修改，请刷新后重试"), "{refused}");
    assert!(refused.contains("value=\"我要改的名称\""), "{refused}");
    let (_, got) = admin.get(&format!("/api/v1/organisations/{id}")).await;
    assert_eq!(got["name"], "他人改的名称");

    // Closing needs the box ticked; then it is closed, and the history reads as sentences.
    let close = |confirm: bool| {
        let mut f = vec![("csrf_token", csrf_of(&page)), ("version", "2".to_string())];
        if confirm {
            f.push(("confirm", "1".to_string()));
        }
        f
    };
    let r = b
        .post(app.url(&format!("/organisations/{id}/close")))
        .form(&close(false))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = b
        .post(app.url(&format!("/organisations/{id}/close")))
        .form(&close(true))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let done = r.text().await.unwrap();
    assert!(
        done.contains("组织已撤销") && done.contains("id=\"org-status\">已撤销"),
        "{done}"
    );
    assert!(
        done.contains("新建了组织「页面测试分局」") && done.contains("撤销了组织「他人改的名称」"),
        "{done}"
    );
}

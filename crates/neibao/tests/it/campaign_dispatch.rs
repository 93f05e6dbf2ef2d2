//! Campaigns handed down the police organisation tree (issue 20) over HTTP: a city bureau
//! launches to its county bureaus, a county hands its share to the stations, a station officer
//! finds it under 我的检查, is assigned one and submits it; the progress per organisation
//! (承办单位) counts what each holds; another county can neither hand out nor assign, and sees
//! nothing of it; bad organisation and officer ids are refused in zh-CN. Then the same through
//! the pages: the launch form's 承办方式, the campaign page's table and its forms.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::common::*;

async fn me(c: &Client) -> Value {
    c.get("/api/v1/me").await.1
}

fn str_of(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_else(|| panic!("{key} in {v}")).to_string()
}

/// Every inspection of a campaign the client sees (at most 200 per page, all pages).
async fn inspections(c: &Client, query: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1.. {
        let (s, v) = c
            .get(&format!("/api/v1/inspections?{query}&per_page=200&page={page}"))
            .await;
        assert_eq!(s, 200, "{v}");
        let items = v["items"].as_array().unwrap();
        out.extend(items.iter().cloned());
        if items.len() < 200 {
            break;
        }
    }
    out
}

/// The `by_organisation` row of an organisation.
fn row(detail: &Value, org: &str) -> Option<Value> {
    detail["by_organisation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["org_id"] == org)
        .cloned()
}

#[tokio::test]
async fn a_city_campaign_goes_down_to_counties_and_stations_counted_per_organisation() {
    let app = TestApp::demo().await;
    let city = app.client_for("demo_city").await;
    let county = app.client_for("demo_county").await;
    let other = app.client_for("demo_county_other").await;
    let station = app.client_for("demo_station").await;
    let department = app.client_for("demo_department").await;
    let (city_me, county_me, other_me, station_me) =
        (me(&city).await, me(&county).await, me(&other).await, me(&station).await);
    let city_org = str_of(&city_me, "org_id");
    let county_org = str_of(&county_me, "org_id");
    let other_org = str_of(&other_me, "org_id");
    let station_org = str_of(&station_me, "org_id");
    let county_code = str_of(&county_me, "division_code");
    let (_, unit_me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    let demo_unit = str_of(&unit_me, "unit_id");
    let due = (Utc::now() + Duration::days(14)).date_naive();

    // A competent department has no subordinates; an unknown choice is not a hand-out.
    let (s, v) = department
        .post(
            "/api/v1/campaigns",
            json!({"title": "部门下发", "due_date": due, "selection": {}, "hand_out": "subordinates"}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("只能由本单位承办"),
        "{v}"
    );
    let (s, _) = city
        .post(
            "/api/v1/campaigns",
            json!({"title": "错误方式", "due_date": due, "selection": {}, "hand_out": "everyone"}),
        )
        .await;
    assert!(s == 400 || s == 422, "{s}");

    // The city bureau hands the whole city down: each inspection to the county bureau of its unit.
    let (s, c) = city
        .post(
            "/api/v1/campaigns",
            json!({"title": "全市下发专项检查", "due_date": due, "selection": {}, "hand_out": "subordinates"}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    let campaign = str_of(&c, "id");
    let total = c["progress"]["total"].as_i64().unwrap();
    let all = inspections(&city, &format!("campaign_id={campaign}")).await;
    assert_eq!(all.len() as i64, total);
    // Each to the county bureau of its unit where someone works there (the two demo county
    // officers' bureaus); the units of counties nobody works at stay with the city and its officer.
    let handed = |i: &&Value| i["org_id"] == county_org.as_str() || i["org_id"] == other_org.as_str();
    assert!(
        all.iter().all(|i| (handed(&i) && i["assignee_id"].is_null())
            || (i["org_id"] == city_org.as_str() && !i["assignee_id"].is_null())),
        "{all:?}"
    );
    assert!(all.iter().any(|i| i["org_id"] == city_org.as_str()), "kept by the city");
    let of_county = all.iter().filter(|i| i["org_id"] == county_org.as_str()).count() as i64;
    let of_other = all.iter().filter(|i| i["org_id"] == other_org.as_str()).count() as i64;
    let (_, units) = city
        .get(&format!("/api/v1/units?division={county_code}&per_page=1"))
        .await;
    assert_eq!(
        of_county,
        units["total"].as_i64().unwrap(),
        "the county takes its units"
    );
    assert!(of_other > 0);

    let (s, d) = city.get(&format!("/api/v1/campaigns/{campaign}")).await;
    assert_eq!(s, 200, "{d}");
    let r = row(&d, &county_org).expect("the county's row");
    assert_eq!(
        (r["total"].as_i64(), r["planned"].as_i64(), r["unassigned"].as_i64()),
        (Some(of_county), Some(of_county), Some(of_county))
    );
    assert_eq!(r["org_name"], county_me["org_name"]);
    let sum: i64 = d["by_organisation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["total"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, total);
    let kept = all.iter().filter(|i| i["org_id"] == city_org.as_str()).count() as i64;
    assert_eq!(
        row(&d, &city_org).and_then(|r| r["total"].as_i64()),
        Some(kept),
        "what no staffed county covers stays with the city"
    );

    // The county officer finds its share under mine (待指派); the other county only its own.
    let mine = inspections(&county, &format!("campaign_id={campaign}&mine=true")).await;
    assert_eq!(mine.len() as i64, of_county);
    let (_, od) = other.get(&format!("/api/v1/campaigns/{campaign}")).await;
    assert_eq!(od["by_organisation"].as_array().unwrap().len(), 1, "{od}");
    assert!(row(&od, &county_org).is_none());
    let county_insp = str_of(&mine[0], "id");
    assert_eq!(other.get(&format!("/api/v1/inspections/{county_insp}")).await.0, 404);

    // Nobody else hands out or assigns the county's inspections: another county, the station
    // below it (only the organisation or one above it), a department.
    let station_user = str_of(&station_me, "id");
    for (c, body) in [
        (&other, json!({"org_id": county_org})),
        (&station, json!({"org_id": county_org})),
    ] {
        let (s, v) = c
            .post(&format!("/api/v1/campaigns/{campaign}/hand_out"), body.clone())
            .await;
        assert_eq!(s, 403, "{v}");
        assert!(
            v["error"]["message"].as_str().unwrap().contains("本单位或下级单位"),
            "{v}"
        );
        let mut assign = body;
        assign["user_id"] = json!(station_user);
        assert_eq!(
            c.post(&format!("/api/v1/campaigns/{campaign}/assign"), assign).await.0,
            403
        );
    }
    assert_eq!(
        other
            .put(
                &format!("/api/v1/inspections/{county_insp}/assignee"),
                json!({"user_id": str_of(&other_me, "id")})
            )
            .await
            .0,
        404,
        "out of its jurisdiction the inspection does not exist"
    );
    assert_eq!(
        department
            .post(&format!("/api/v1/campaigns/{campaign}/hand_out"), json!({}))
            .await
            .0,
        403
    );

    // Bad ids: an unknown organisation or officer is 404, an empty or foreign officer 400.
    let (s, v) = county
        .post(
            &format!("/api/v1/campaigns/{campaign}/hand_out"),
            json!({"org_id": "no-such-org"}),
        )
        .await;
    assert_eq!(
        (s, v["error"]["message"].as_str()),
        (404, Some("承办单位不存在")),
        "{v}"
    );
    assert_eq!(
        county
            .post("/api/v1/campaigns/no-such-campaign/hand_out", json!({}))
            .await
            .0,
        404
    );
    let assignee = format!("/api/v1/inspections/{county_insp}/assignee");
    let (s, v) = county.put(&assignee, json!({"user_id": "nobody"})).await;
    assert_eq!((s, v["error"]["message"].as_str()), (404, Some("检查人不存在")), "{v}");
    let (s, v) = county.put(&assignee, json!({"user_id": ""})).await;
    assert_eq!((s, v["error"]["message"].as_str()), (400, Some("请选择检查人")), "{v}");
    let (s, v) = county.put(&assignee, json!({"user_id": str_of(&other_me, "id")})).await;
    assert_eq!(s, 400, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("在岗的民警"), "{v}");

    // The county hands its share to its stations: the demo unit's goes to its station.
    let (s, h) = county
        .post(&format!("/api/v1/campaigns/{campaign}/hand_out"), json!({}))
        .await;
    assert_eq!(s, 200, "{h}");
    let handed = h["handed_out"].as_i64().unwrap();
    assert!(handed > 0, "{h}");
    assert_eq!(handed + h["kept"].as_i64().unwrap(), of_county);
    let unit_insp = inspections(&county, &format!("campaign_id={campaign}&unit_id={demo_unit}")).await;
    let unit_insp = &unit_insp[0];
    assert_eq!(unit_insp["org_id"], station_org.as_str());
    assert!(unit_insp["assignee_id"].is_null());
    let insp = str_of(unit_insp, "id");
    let station_mine = inspections(&station, "mine=true").await;
    assert!(
        station_mine.iter().any(|i| i["id"] == insp.as_str()),
        "the station finds it under mine"
    );
    let county_mine = inspections(&county, &format!("campaign_id={campaign}&mine=true")).await;
    assert_eq!(county_mine.len() as i64, of_county - handed);
    // Handed out once: what is left is not covered by any station (or nothing is left).
    assert_eq!(
        county
            .post(&format!("/api/v1/campaigns/{campaign}/hand_out"), json!({}))
            .await
            .0,
        409
    );

    // The county assigns it to the station's officer, who submits it.
    let (s, v) = county
        .put(
            &format!("/api/v1/inspections/{insp}/assignee"),
            json!({"user_id": station_user}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["assignee_id"].as_str(), v["assignee_name"].as_str()),
        (Some(station_user.as_str()), Some("演示派出所民警"))
    );
    let station_mine = inspections(&station, "mine=true").await;
    assert!(station_mine
        .iter()
        .any(|i| i["id"] == insp.as_str() && i["assignee_id"] == station_user.as_str()));
    let (_, detail) = station.get(&format!("/api/v1/inspections/{insp}")).await;
    let items = detail["checklist"]["items"].as_array().unwrap().clone();
    let critical = str_of(items.iter().find(|i| i["critical"] == true).unwrap(), "code");
    let results: Vec<Value> = items
        .iter()
        .map(|i| {
            let code = i["code"].as_str().unwrap();
            json!({"code": code, "result": if code == critical { "fail" } else { "pass" },
                   "note": if code == critical { "消防通道堵塞" } else { "" }})
        })
        .collect();
    let record = json!({"place": "单位主楼", "officers": ["演示派出所民警"], "accompanying_person": "王五",
                        "witness": "赵六", "purpose": "专项检查", "inspection_type": "专项检查",
                        "methods": ["实地查看"],
                        "signatures": [{"name": "演示派出所民警", "role": "检查人员", "at": Utc::now()}]});
    let (s, v) = station
        .post(
            &format!("/api/v1/inspections/{insp}/submit"),
            json!({"record": record, "results": results}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = county
        .put(
            &format!("/api/v1/inspections/{insp}/assignee"),
            json!({"user_id": station_user}),
        )
        .await;
    assert_eq!(s, 409, "a submitted inspection keeps its officer: {v}");

    // Per organisation: the station holds what it received, one submitted with its hazard; its
    // full name carries the county bureau's.
    let (_, d) = city.get(&format!("/api/v1/campaigns/{campaign}")).await;
    let st = row(&d, &station_org).expect("the station's row");
    assert_eq!(
        (st["submitted"].as_i64(), st["hazards"].as_i64()),
        (Some(1), Some(1)),
        "{st}"
    );
    assert!(
        st["org_name"]
            .as_str()
            .unwrap()
            .starts_with(county_me["org_name"].as_str().unwrap()),
        "{st}"
    );
    assert_eq!(st["unassigned"].as_i64(), Some(st["total"].as_i64().unwrap() - 1));
    assert_eq!(
        row(&d, &county_org).map(|r| r["total"].as_i64().unwrap()).unwrap_or(0),
        of_county - handed
    );
    let sum: i64 = d["by_organisation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["total"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, total);
    assert_eq!(d["progress"]["submitted"].as_i64(), Some(1));
    // The county sees its stations' rows, not the other county's.
    let (_, cd) = county.get(&format!("/api/v1/campaigns/{campaign}")).await;
    assert!(
        row(&cd, &station_org).is_some() && row(&cd, &other_org).is_none(),
        "{cd}"
    );

    // The station assigns the rest of its share to its officer at once.
    let left = st["unassigned"].as_i64().unwrap();
    let (s, v) = station
        .post(
            &format!("/api/v1/campaigns/{campaign}/assign"),
            json!({"user_id": station_user}),
        )
        .await;
    if left > 0 {
        assert_eq!((s, v["assigned"].as_i64()), (200, Some(left)), "{v}");
    } else {
        assert_eq!(s, 409, "{v}");
    }
    let (s, _) = station
        .post(
            &format!("/api/v1/campaigns/{campaign}/assign"),
            json!({"user_id": station_user}),
        )
        .await;
    assert_eq!(s, 409, "nothing left to assign");

    // Audited, in words.
    let admin = app.admin().await;
    let (s, log) = admin
        .get(&format!("/api/v1/audit?action=campaign.hand_out&object_id={campaign}"))
        .await;
    assert_eq!(s, 200, "{log}");
    assert_eq!(log["items"].as_array().unwrap().len(), 1, "{log}");
    assert!(
        log["items"][0]["sentence"].as_str().unwrap().contains("下发给下级单位"),
        "{log}"
    );
    let (_, log) = admin
        .get(&format!("/api/v1/audit?action=inspection.assign&object_id={insp}"))
        .await;
    assert_eq!(
        log["items"].as_array().unwrap().len(),
        1,
        "the refused assignments left no trace: {log}"
    );
    assert!(
        log["items"][0]["sentence"].as_str().unwrap().contains("指派了检查人"),
        "{log}"
    );
}

#[tokio::test]
async fn the_campaign_page_shows_progress_per_organisation_and_the_forms_that_fit() {
    let app = TestApp::demo().await;
    let city = app.browser("demo_city", DEMO_PASSWORD).await;
    let county = app.browser("demo_county", DEMO_PASSWORD).await;
    let other = app.browser("demo_county_other", DEMO_PASSWORD).await;
    let dept = app.browser("demo_department", DEMO_PASSWORD).await;
    let county_api = app.client_for("demo_county").await;
    let county_me = me(&county_api).await;
    let county_org = str_of(&county_me, "org_id");
    let county_name = str_of(&county_me, "org_name");
    let county_code = str_of(&county_me, "division_code");
    let due = (Utc::now() + Duration::days(14)).date_naive().to_string();

    // The launch form offers the hand-out to police, not to a department.
    let hub = city
        .get(app.url("/supervision"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(hub.contains("承办方式") && hub.contains("value=\"subordinates\""));
    let dept_hub = dept
        .get(app.url("/supervision"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!dept_hub.contains("value=\"subordinates\""));
    let csrf = csrf_of(&hub);
    let r = city
        .post(app.url("/campaigns"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("title", "界面下发专项检查"),
            ("due_date", due.as_str()),
            ("division_prefix", county_code.as_str()),
            ("hand_out", "subordinates"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let path = r.url().path().to_string();
    assert!(path.starts_with("/campaigns/"), "{path}");
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"by-organisation\""), "{page}");
    for head in ["承办单位", "总数", "待检查", "检查中", "已提交", "逾期", "发现隐患"] {
        assert!(page.contains(&format!("<th>{head}</th>")), "{head}");
    }
    assert!(
        page.contains(&format!("<td>{county_name} <span class=\"badge\">待指派")),
        "{page}"
    );
    // The city may act for its county: both forms are there.
    assert!(page.contains("action=\"/campaigns/") && page.contains("/hand_out\"") && page.contains("指派检查人"));

    // Another county does not see the campaign; posting to it is refused.
    assert_eq!(other.get(app.url(&path)).send().await.unwrap().status(), 404);

    // The county hands its share down through the page.
    let cpage = county.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(cpage.contains("下发下级"), "{cpage}");
    let csrf = csrf_of(&cpage);
    let r = county
        .post(app.url(&format!("{path}/hand_out")))
        .form(&[("csrf_token", csrf.as_str()), ("org_id", county_org.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.url().query().unwrap_or("").contains("done=hand_out"));
    let after = r.text().await.unwrap();
    assert!(after.contains("已将待指派的检查下发给下级单位"));
    assert!(after.contains("派出所"), "the stations' rows: {after}");
    // Refused again (nothing waits): the page again, with the reason in zh-CN and status 409.
    let r = county
        .post(app.url(&format!("{path}/hand_out")))
        .form(&[("csrf_token", csrf.as_str()), ("org_id", county_org.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let refused = r.text().await.unwrap();
    assert!(
        refused.contains("class=\"error\"") && refused.contains("id=\"by-organisation\""),
        "{refused}"
    );
    // Assigning without choosing an officer: 400, in words.
    let r = county
        .post(app.url(&format!("{path}/assign")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("org_id", county_org.as_str()),
            ("user_id", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("请选择检查人"));
    // A department may not hand out at all.
    let dpage = dept
        .get(app.url("/supervision"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = dept
        .post(app.url(&format!("{path}/hand_out")))
        .form(&[("csrf_token", csrf_of(&dpage).as_str())])
        .send()
        .await
        .unwrap();
    assert!(matches!(r.status().as_u16(), 403 | 404), "{}", r.status());

    // The station officer's hub lists what came down under 我的检查.
    let station = app.browser("demo_station", DEMO_PASSWORD).await;
    let shub = station
        .get(app.url("/supervision"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        shub.contains("我的检查") && shub.contains("id=\"mine\"") && shub.contains("待指派"),
        "{shub}"
    );

    // The county assigns the demo unit's inspection to the station officer on its page.
    let campaign = path.trim_start_matches("/campaigns/");
    let (_, unit_me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    let unit = str_of(&unit_me, "unit_id");
    let (_, l) = county_api
        .get(&format!("/api/v1/inspections?campaign_id={campaign}&unit_id={unit}"))
        .await;
    let insp = str_of(&l["items"][0], "id");
    let station_user = str_of(&me(&app.client_for("demo_station").await).await, "id");
    let ipage = county
        .get(app.url(&format!("/inspections/{insp}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        ipage.contains("id=\"assign\"")
            && ipage.contains(&format!("<option value=\"{station_user}\">演示派出所民警</option>")),
        "{ipage}"
    );
    let csrf = csrf_of(&ipage);
    let r = county
        .post(app.url(&format!("/inspections/{insp}/assignee")))
        .form(&[("csrf_token", csrf.as_str()), ("user_id", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("请选择检查人"));
    let r = county
        .post(app.url(&format!("/inspections/{insp}/assignee")))
        .form(&[("csrf_token", csrf.as_str()), ("user_id", station_user.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let done = r.text().await.unwrap();
    assert!(
        done.contains("已指派检查人") && done.contains(&format!("<option value=\"{station_user}\" selected>")),
        "{done}"
    );
    let (_, i) = county_api.get(&format!("/api/v1/inspections/{insp}")).await;
    assert_eq!(i["assignee_name"], "演示派出所民警");
    // The other county neither sees it nor may assign it.
    assert_eq!(
        other
            .get(app.url(&format!("/inspections/{insp}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

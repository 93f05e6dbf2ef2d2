//! Every list pages and sorts (issue 20): the supervision hub's units due (应检查单位) page past
//! their first rows with the total shown, next to the campaigns' own pager; the unit and hazard
//! lists sort by a whitelisted column, keeping their filters, and ignore an unknown order; a
//! police station neither deploys campaigns nor sees the bureau's settings (docs/SECURITY.md).

use std::collections::{HashMap, HashSet};

use serde_json::{json, Value};

use crate::common::{csrf_of, TestApp, DEMO_PASSWORD};

async fn page(b: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = b.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The part of `html` from the element with this id to the end of its table.
fn table<'a>(html: &'a str, id: &str) -> &'a str {
    let i = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}: {html}"));
    let rest = &html[i..];
    &rest[..rest.find("</table>").unwrap()]
}

/// The ids of the links to `prefix{id}"` in a piece of a page, in order, each once.
fn linked_ids(part: &str, prefix: &str) -> Vec<String> {
    let marker = format!("href=\"{prefix}");
    let mut out: Vec<String> = Vec::new();
    for piece in part.split(&marker).skip(1) {
        let id = piece.split('"').next().unwrap().to_string();
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// The `href` of the link with this id, HTML-unescaped.
fn href_of(html: &str, id: &str) -> String {
    let i = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no #{id}"));
    let tag_start = html[..i].rfind('<').unwrap();
    let tag = &html[tag_start..];
    let h = tag.find("href=\"").unwrap() + 6;
    tag[h..].split('"').next().unwrap().replace("&#38;", "&")
}

/// The due list's pager.
fn due_pager(html: &str) -> &str {
    let rest = &html[html.find("id=\"due-pager\"").expect("due pager")..];
    &rest[..rest.find("</div>").unwrap()]
}

/// The target of a pager's 下一页 link.
fn next_link(pager: &str) -> String {
    let before = &pager[..pager
        .find("\">下一页")
        .unwrap_or_else(|| panic!("no next page: {pager}"))];
    before.rsplit("href=\"").next().unwrap().replace("&#38;", "&")
}

#[tokio::test]
async fn the_due_list_pages_past_its_first_rows_with_its_total() {
    let app = TestApp::demo().await;
    let b = app.browser("demo_province", DEMO_PASSWORD).await;
    // The API's pages are the reference: the province has more than 50 units due.
    let api = app.client_for("demo_province").await;
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["unit_id"].as_str().unwrap().to_string())
            .collect()
    };
    let (s, due) = api.get("/api/v1/supervision/due?per_page=200").await;
    assert_eq!(s, 200, "{due}");
    let total = due["total"].as_u64().unwrap() as usize;
    let mut want = ids(&due);
    let mut n = 1;
    while want.len() < total {
        n += 1;
        let (_, more) = api.get(&format!("/api/v1/supervision/due?per_page=200&page={n}")).await;
        assert!(
            !more["items"].as_array().unwrap().is_empty(),
            "page {n} empty before the total"
        );
        want.extend(ids(&more));
    }
    assert_eq!(want.len(), total);
    let (_, third) = api.get("/api/v1/supervision/due?per_page=20&page=3").await;
    assert_eq!(
        ids(&third),
        want[40..60.min(total)].to_vec(),
        "page 3 of 20 is rows 41–60"
    );
    let (s, bad) = api.get("/api/v1/supervision/due?per_page=0").await;
    assert_eq!(
        (s, bad["error"]["code"].as_str()),
        (400, Some("validation_failed")),
        "{bad}"
    );
    assert!(want.len() > 50, "{} units due", want.len());

    let (s, first) = page(&b, &app, "/supervision").await;
    assert_eq!(s, 200);
    assert!(
        first.contains(&format!("<span id=\"due-total\">{}</span>", want.len())),
        "{first}"
    );
    // Every page of 20 in turn: the API's order, nothing twice, nothing left out.
    let pages = want.len().div_ceil(20);
    assert!(first.contains(&format!("第 1 / {pages} 页")));
    let mut seen = Vec::new();
    let mut path = "/supervision".to_string();
    for n in 1..=pages {
        let (s, html) = page(&b, &app, &path).await;
        assert_eq!(s, 200, "{path}");
        let ids = linked_ids(table(&html, "due"), "/units/");
        assert_eq!(
            ids.len(),
            if n < pages { 20 } else { want.len() - 20 * (pages - 1) },
            "{path}"
        );
        seen.extend(ids);
        if n < pages {
            let next = next_link(due_pager(&html));
            assert!(next.ends_with(&format!("due_page={}", n + 1)), "{next}");
            path = next;
        }
    }
    assert_eq!(seen, want);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), want.len());

    // Past row 50 directly; the campaigns' pager keeps the due list's page and the other way.
    let (_, third) = page(&b, &app, "/supervision?due_page=3&page=1").await;
    assert_eq!(linked_ids(table(&third, "due"), "/units/"), want[40..60].to_vec());
    let pager = due_pager(&third);
    assert!(pager.contains("第 3 / "), "{pager}");
    assert!(pager.contains("href=\"/supervision?page=1&#38;due_page=2\""), "{pager}");
    assert_eq!(next_link(pager), "/supervision?page=1&due_page=4");
    // A page past the end is empty, not an error.
    let (s, past) = page(&b, &app, "/supervision?due_page=999").await;
    assert_eq!(s, 200);
    assert!(table(&past, "due").contains("暂无到期应检查的单位"));
}

#[tokio::test]
async fn units_sort_by_name_and_division_keeping_their_filters() {
    let app = TestApp::demo().await;
    let police = app.client_for("demo_province").await;
    let b = app.browser("demo_province", DEMO_PASSWORD).await;
    // Every unit of the province with its division, from the API.
    let mut division: HashMap<String, String> = HashMap::new();
    for n in 1.. {
        let (_, list) = police.get(&format!("/api/v1/units?per_page=200&page={n}")).await;
        let items = list["items"].as_array().unwrap();
        for u in items {
            division.insert(
                u["id"].as_str().unwrap().into(),
                u["division_code"].as_str().unwrap().into(),
            );
        }
        if items.len() < 200 {
            break;
        }
    }
    assert!(division.len() > 100);

    // By division, either way, across the first two pages.
    for (sort, up) in [("division", true), ("-division", false)] {
        let mut codes = Vec::new();
        for p in 1..=2 {
            let (s, html) = page(&b, &app, &format!("/units?sort={sort}&page={p}")).await;
            assert_eq!(s, 200);
            codes.extend(
                linked_ids(table(&html, "units"), "/units/")
                    .iter()
                    .map(|id| division[id].clone()),
            );
        }
        assert_eq!(codes.len(), 100);
        let mut sorted = codes.clone();
        sorted.sort();
        if !up {
            sorted.reverse();
        }
        assert_eq!(codes, sorted, "{sort}");
    }

    // By name: three units whose names differ; a search keeps the order and the order the search.
    for (name, body) in [
        ("排序测试乙", "913301069999PG002"),
        ("排序测试甲", "913301069999PG001"),
        ("排序测试丙", "913301069999PG003"),
    ] {
        crate::common::create_unit(&police, name, "330106", body).await;
    }
    let q = "%E6%8E%92%E5%BA%8F%E6%B5%8B%E8%AF%95"; // 排序测试
    let names = |html: &str| -> Vec<String> {
        table(html, "units")
            .split("</a></td>")
            .filter_map(|p| p.rsplit('>').next())
            .filter(|n| n.starts_with("排序测试"))
            .map(str::to_string)
            .collect()
    };
    let (_, asc) = page(&b, &app, &format!("/units?q={q}&sort=name")).await;
    let (_, desc) = page(&b, &app, &format!("/units?q={q}&sort=-name")).await;
    let mut up = names(&asc);
    assert_eq!(up.len(), 3, "{asc}");
    up.reverse();
    assert_eq!(names(&desc), up);
    // The header toggles the direction and keeps the search; the form keeps the order.
    assert_eq!(href_of(&asc, "sort-name"), format!("/units?q={q}&sort=-name"));
    assert!(asc.contains("单位名称↑") && desc.contains("单位名称↓"));
    assert_eq!(href_of(&desc, "sort-name"), format!("/units?q={q}&sort=name"));
    assert!(asc.contains("<input type=\"hidden\" name=\"sort\" value=\"name\">"));
    // Pager links keep the order and the filters.
    let (_, p1) = page(&b, &app, "/units?sort=-division&key_unit=false").await;
    assert!(
        p1.contains("href=\"/units?key_unit=false&#38;sort=-division&#38;page=2\""),
        "{p1}"
    );
    let division_link = href_of(&p1, "sort-division");
    assert!(division_link.contains("key_unit=false") && division_link.ends_with("sort=division"));

    // An unknown order is harmless: the default order, no arrow.
    let (_, default) = page(&b, &app, "/units").await;
    for bad in ["bogus", "-", "name;DROP TABLE units", "--name", "u.name"] {
        let (s, html) = page(&b, &app, &format!("/units?sort={}", url_escape(bad))).await;
        assert_eq!(s, 200, "{bad}");
        assert_eq!(
            linked_ids(table(&html, "units"), "/units/"),
            linked_ids(table(&default, "units"), "/units/"),
            "{bad}"
        );
        assert!(!html.contains("单位名称↑") && !html.contains("所在地↑"), "{bad}");
    }
}

fn url_escape(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn hazards_sort_by_deadline_and_registration() {
    let app = TestApp::demo().await;
    let police = app.client_for("demo_province").await;
    let b = app.browser("demo_province", DEMO_PASSWORD).await;
    // Hazards registered in one order with deadlines in another; one without a deadline.
    let county = app.client_for("demo_county").await;
    let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    let unit = me["unit_id"].as_str().unwrap();
    for (title, days) in [
        ("排序隐患一", Some(20)),
        ("排序隐患二", Some(5)),
        ("排序隐患三", None),
        ("排序隐患四", Some(12)),
    ] {
        let (s, h) = county
            .post(
                "/api/v1/hazards",
                json!({"unit_id": unit, "title": title, "class": "general", "source": "report", "description": "排序"}),
            )
            .await;
        assert_eq!(s, 201, "{h}");
        if let Some(days) = days {
            let deadline = chrono::Utc::now() + chrono::Duration::days(days);
            let (s, v) = county
                .post(
                    &format!("/api/v1/hazards/{}/actions", h["id"].as_str().unwrap()),
                    json!({"action": "issue_order", "deadline": deadline, "reason": "限期整改"}),
                )
                .await;
            assert_eq!(s, 200, "{v}");
        }
    }
    let mut items: Vec<Value> = Vec::new();
    for n in 1.. {
        let (_, list) = police.get(&format!("/api/v1/hazards?per_page=200&page={n}")).await;
        let page_items = list["items"].as_array().unwrap().clone();
        let last = page_items.len() < 200;
        items.extend(page_items);
        if last {
            break;
        }
    }
    assert!(items.len() >= 5, "{} hazards", items.len());
    let by_id: HashMap<&str, &Value> = items.iter().map(|h| (h["id"].as_str().unwrap(), h)).collect();
    let key = |id: &String, field: &str| -> Option<chrono::DateTime<chrono::Utc>> {
        by_id[id.as_str()][field].as_str().map(|t| t.parse().unwrap())
    };
    for (sort, field, up) in [
        ("created", "created_at", true),
        ("-created", "created_at", false),
        ("deadline", "deadline", true),
        ("-deadline", "deadline", false),
    ] {
        let (s, html) = page(&b, &app, &format!("/hazards?sort={sort}")).await;
        assert_eq!(s, 200);
        let ids = linked_ids(table(&html, "hazards"), "/hazards/");
        assert_eq!(ids.len(), items.len().min(50));
        // Hazards without a deadline come last either way.
        let values: Vec<_> = ids.iter().map(|id| key(id, field)).collect();
        let dated: Vec<_> = values.iter().take_while(|v| v.is_some()).collect();
        assert!(values[dated.len()..].iter().all(|v| v.is_none()), "{sort}");
        let mut sorted = dated.clone();
        sorted.sort();
        if !up {
            sorted.reverse();
        }
        assert_eq!(dated, sorted, "{sort}");
    }
    // The header keeps the filter; the filter form keeps the order; a bad order is ignored.
    let (_, html) = page(&b, &app, "/hazards?open=1&sort=deadline").await;
    assert_eq!(href_of(&html, "sort-deadline"), "/hazards?open=1&sort=-deadline");
    assert_eq!(href_of(&html, "sort-created"), "/hazards?open=1&sort=created");
    assert!(html.contains("<input type=\"hidden\" name=\"sort\" value=\"deadline\">"));
    let (_, default) = page(&b, &app, "/hazards?open=1").await;
    let (s, bad) = page(&b, &app, "/hazards?open=1&sort=h.deadline%3Bselect%201").await;
    assert_eq!(s, 200);
    assert_eq!(
        linked_ids(table(&bad, "hazards"), "/hazards/"),
        linked_ids(table(&default, "hazards"), "/hazards/")
    );
}

#[tokio::test]
async fn a_station_neither_deploys_campaigns_nor_sees_the_bureau_settings() {
    let app = TestApp::demo().await;
    let station = app.browser("demo_station", DEMO_PASSWORD).await;
    let (s, hub) = page(&station, &app, "/supervision").await;
    assert_eq!(s, 200);
    assert!(hub.contains("应检查单位") && hub.contains("id=\"due-total\""), "{hub}");
    assert!(!hub.contains("部署专项检查") && !hub.contains("id=\"launch\""), "{hub}");
    assert!(
        !hub.contains("本局设置") && !hub.contains("href=\"/supervision/settings\""),
        "{hub}"
    );
    // The settings that apply, read-only: no form, no 本局设置.
    let (s, settings) = page(&station, &app, "/supervision/settings").await;
    assert_eq!(s, 200);
    assert!(!settings.contains("<form class=\"stack settings-form\"") && !settings.contains("本局设置"));
    assert!(settings.contains("id=\"settings-view\"") && settings.contains("id=\"readonly-note\""));
    // Deploying is refused through the form and the API.
    let due = (chrono::Utc::now() + chrono::Duration::days(14))
        .date_naive()
        .to_string();
    let r = station
        .post(app.url("/campaigns"))
        .form(&[
            ("csrf_token", csrf_of(&hub).as_str()),
            ("title", "派出所专项"),
            ("due_date", due.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let (s, v) = app
        .client_for("demo_station")
        .await
        .post(
            "/api/v1/campaigns",
            json!({"title": "派出所专项", "due_date": due, "selection": {}}),
        )
        .await;
    assert_eq!((s, v["error"]["code"].as_str()), (403, Some("forbidden")), "{v}");
    let (_, list) = app.admin().await.get("/api/v1/campaigns?per_page=200").await;
    assert!(!list.to_string().contains("派出所专项"));

    // A county bureau sees and uses both.
    let county = app.browser("demo_county", DEMO_PASSWORD).await;
    let (_, hub) = page(&county, &app, "/supervision").await;
    assert!(
        hub.contains("部署专项检查") && hub.contains("id=\"bureau-settings\""),
        "{hub}"
    );
    let (_, settings) = page(&county, &app, "/supervision/settings").await;
    assert!(settings.contains("本局监督设置") && settings.contains("id=\"save-settings\""));
}

/// The number in a heading's `（共 N 台）` / `（共 N 条）` after `marker`.
fn count_after(html: &str, marker: &str) -> i64 {
    let i = html.find(marker).unwrap_or_else(|| panic!("no {marker}: {html}")) + marker.len();
    let rest = &html[i..];
    let j = rest.find("（共 ").unwrap() + "（共 ".len();
    rest[j..].split(' ').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_units_devices_and_alerts_are_one_link_away_from_its_page_with_their_totals() {
    let app = TestApp::demo().await;
    let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    let unit = me["unit_id"].as_str().unwrap().to_string();
    let b = app.browser("demo_province", DEMO_PASSWORD).await;
    let (s, html) = page(&b, &app, &format!("/units/{unit}")).await;
    assert_eq!(s, 200);
    let devices = count_after(&html, "<h2>设备");
    let alerts = count_after(&html, "<h2>最近告警");
    assert!(devices > 0 && alerts > 0, "{devices} {alerts}");
    // The full lists of this unit only, with the same totals, paged with the filter kept.
    let (s, list) = page(&b, &app, &format!("/devices?unit_id={unit}")).await;
    assert_eq!(s, 200);
    assert_eq!(count_after(&list, "<h1>设备"), devices);
    let units = linked_ids(&list[list.find("<tbody>").unwrap()..], "/units/");
    assert_eq!(units, vec![unit.clone()]);
    assert!(list.contains(&format!("<input type=\"hidden\" name=\"unit_id\" value=\"{unit}\">")));
    let (_, all_devices) = page(&b, &app, "/devices").await;
    assert!(count_after(&all_devices, "<h1>设备") > devices);
    let (s, list) = page(&b, &app, &format!("/alerts?unit_id={unit}")).await;
    assert_eq!(s, 200);
    assert_eq!(count_after(&list, "<h1>告警"), alerts);
    let (_, all) = page(&b, &app, "/alerts").await;
    assert!(count_after(&all, "<h1>告警") >= alerts);
    // A unit out of the caller's jurisdiction lists nothing.
    let other = app.browser("demo_unit", DEMO_PASSWORD).await;
    let (_, mine) = page(&other, &app, "/devices").await;
    let listed = linked_ids(&all_devices[all_devices.find("<tbody>").unwrap()..], "/units/");
    let foreign = listed.iter().find(|id| **id != unit).expect("another unit's devices");
    let (s, none) = page(&other, &app, &format!("/devices?unit_id={foreign}")).await;
    assert_eq!(s, 200);
    assert_eq!(count_after(&none, "<h1>设备"), 0);
    assert_eq!(count_after(&mine, "<h1>设备"), devices);
}

#[tokio::test]
async fn the_api_sorts_by_a_declared_column_and_refuses_any_other() {
    let app = TestApp::demo().await;
    let police = app.client_for("demo_province").await;
    let (s, list) = police.get("/api/v1/units?sort=-division&per_page=200").await;
    assert_eq!(s, 200, "{list}");
    let codes: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["division_code"].as_str().unwrap())
        .collect();
    let mut sorted = codes.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(codes, sorted);
    let (s, list) = police.get("/api/v1/hazards?sort=-created").await;
    assert_eq!(s, 200, "{list}");
    let created: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["created_at"].as_str().unwrap())
        .collect();
    let times: Vec<chrono::DateTime<chrono::Utc>> = created.iter().map(|t| t.parse().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{created:?}");
    for path in [
        "/api/v1/units?sort=bogus",
        "/api/v1/units?sort=",
        "/api/v1/units?sort=u.name%3B",
        "/api/v1/hazards?sort=name",
    ] {
        let (s, v) = police.get(path).await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (400, Some("validation_failed")),
            "{path} {v}"
        );
        assert!(v["error"]["message"].as_str().unwrap().contains("排序方式应为"), "{v}");
    }
    // Declared as enums in the OpenAPI document.
    let (_, doc) = police.get("/api/v1/openapi.json").await;
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["UnitSortParam"]["enum"],
        json!(["name", "-name", "division", "-division"])
    );
    assert_eq!(
        schemas["HazardSortParam"]["enum"],
        json!(["deadline", "-deadline", "created", "-created"])
    );
}

/// Devices order by name, unit or last report (never reported = oldest), either way, in the API
/// and on the page, whose header links and pager keep the order and the filters.
#[tokio::test]
async fn devices_sort_by_name_unit_and_last_report() {
    let app = TestApp::demo().await;
    let police = app.client_for("demo_county").await;
    let b = app.browser("demo_county", DEMO_PASSWORD).await;
    let all = |sort: &'static str| {
        let police = police.clone();
        async move {
            let mut items = Vec::new();
            for n in 1.. {
                let (s, v) = police
                    .get(&format!("/api/v1/devices?per_page=200&page={n}&sort={sort}"))
                    .await;
                assert_eq!(s, 200, "{v}");
                let page = v["items"].as_array().unwrap().clone();
                let last = page.len() < 200;
                items.extend(page);
                if last {
                    break;
                }
            }
            items
        }
    };
    let seen = |d: &Value| {
        d["last_seen_at"]
            .as_str()
            .map(|t| chrono::DateTime::parse_from_rfc3339(t).unwrap())
    };
    for (sort, up) in [("last_seen", true), ("-last_seen", false)] {
        let items = all(sort).await;
        assert!(items.len() > 10, "{}", items.len());
        let times: Vec<_> = items.iter().map(seen).collect();
        let mut sorted = times.clone();
        sorted.sort();
        if !up {
            sorted.reverse();
        }
        assert_eq!(times, sorted, "{sort}");
    }
    // Text in the database's collation: one direction is the other reversed.
    for (column, field) in [("name", "name"), ("unit", "unit_name")] {
        let values = |items: Vec<Value>| -> Vec<String> {
            items.iter().map(|d| d[field].as_str().unwrap().to_string()).collect()
        };
        let up = values(all(if column == "name" { "name" } else { "unit" }).await);
        let mut down = values(all(if column == "name" { "-name" } else { "-unit" }).await);
        down.reverse();
        assert_eq!(up, down, "{column}");
        assert_ne!(up.first(), up.last(), "{column}: more than one value");
    }
    let (s, v) = police.get("/api/v1/devices?sort=bogus").await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (400, Some("validation_failed")),
        "{v}"
    );

    // The page: the header marks the order, the links keep the filter, the pager the order.
    let (s, html) = page(&b, &app, "/devices?online=false&sort=-last_seen").await;
    assert_eq!(s, 200);
    assert!(html.contains("最后上报↓"), "{html}");
    assert!(
        html.contains("href=\"/devices?online=false&#38;sort=last_seen\""),
        "{html}"
    );
    assert!(html.contains("name=\"sort\" value=\"-last_seen\""));
    if html.contains("下一页") {
        assert!(html.contains("sort=-last_seen&#38;page=2"), "{html}");
    }
    // An unknown order on the page is the default order, not an error.
    assert_eq!(page(&b, &app, "/devices?sort=bogus").await.0, 200);
}

/// A page past the last one (a stale link, a typed URL) says so and links to the last page,
/// instead of reading 第 999 / 1 页 over an empty list.
#[tokio::test]
async fn a_page_past_the_last_one_says_so_and_links_to_the_last() {
    let app = TestApp::demo().await;
    let b = app.browser("demo_county", DEMO_PASSWORD).await;
    let (s, html) = page(&b, &app, "/units?page=999").await;
    assert_eq!(s, 200);
    assert!(html.contains("没有第 999 页（共 "), "{html}");
    assert!(!html.contains("第 999 / "), "{html}");
    assert!(html.contains("转到最后一页"), "{html}");
    let (_, first) = page(&b, &app, "/units").await;
    assert!(first.contains("第 1 / ") && !first.contains("转到最后一页"), "{first}");
}

//! The 平安建设 roll-up (docs/ROLLUP.md; R3, R24, R31) over HTTP on both backends: a county's
//! figures are the sum of its police stations' and of its units' (drill-down); the city's row of
//! that county equals what the county officer sees; the `.xlsx` (read with calamine) carries the
//! same numbers under a Chinese file name; a county officer sees only its county, a department
//! only its sector, a unit account nothing; bad periods are refused in Chinese.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::common::*;

/// The additive figures of a row, in a fixed order.
fn additive(f: &Value) -> Vec<i64> {
    let mut v: Vec<i64> = [
        "units",
        "key_units",
        "hazards_opened",
        "hazards_closed",
        "hazards_overdue",
        "hazards_opened_closed",
        "filings_due",
        "filings_on_time",
        "alerts_raised",
        "alerts_acknowledged",
    ]
    .iter()
    .map(|k| f[*k].as_i64().unwrap_or_else(|| panic!("{k} in {f}")))
    .collect();
    for g in ["a", "b", "c", "d"] {
        v.push(f["grades"][g].as_i64().unwrap());
    }
    v.push(f["assessed"].as_i64().unwrap());
    for g in ["excellent", "good", "pass", "fail"] {
        v.push(f["assessment_grades"][g].as_i64().unwrap());
    }
    v
}

fn sum(rows: &[Value]) -> Vec<i64> {
    let mut total = vec![0; 19];
    for r in rows {
        for (t, x) in total.iter_mut().zip(additive(&r["figures"])) {
            *t += x;
        }
    }
    total
}

fn rows(v: &Value) -> Vec<Value> {
    v["rows"].as_array().unwrap().clone()
}

fn drill_query(row: &Value) -> String {
    let d = &row["drill"];
    let mut q = String::new();
    if let Some(x) = d["division"].as_str() {
        q.push_str(&format!("&division={x}"));
    }
    if let Some(x) = d["org"].as_str() {
        q.push_str(&format!("&org={x}"));
    }
    q
}

#[tokio::test]
async fn a_county_is_the_sum_of_its_units_and_the_xlsx_says_the_same() {
    let app = TestApp::demo().await;
    let county = app.client_for("demo_county").await;
    let city = app.client_for("demo_city").await;
    let manager = app.client_for("demo_unit").await;
    let department = app.client_for("demo_department").await;
    let (_, me) = manager.get("/api/v1/me").await;
    let unit_id = me["unit_id"].as_str().unwrap().to_string();

    // Something in the period: a hazard found today, an alert acknowledged.
    let (s, h) = county
        .post(
            "/api/v1/hazards",
            json!({"unit_id": unit_id, "title": "汇总测试隐患", "class": "general", "source": "report"}),
        )
        .await;
    assert_eq!(s, 201, "{h}");
    let (_, alerts) = manager.get("/api/v1/alerts?per_page=5").await;
    let alert = alerts["items"][0]["id"].as_str().unwrap().to_string();
    let (s, v) = manager
        .post(
            &format!("/api/v1/alerts/{alert}/acknowledge"),
            json!({"comment": "已到场查看"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    // A signed safety assessment (critical item failed: 59, 不合格).
    let signed = crate::assessment::signed_assessment(&app, &county, &unit_id, true).await;
    assert_eq!(signed["result"]["total"], 59.0);

    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let from = (today - Duration::days(30)).to_string();
    let to = today.to_string();
    let period = format!("from={from}&to={to}");

    // The county officer: its police stations, their total.
    let (s, top) = county.get(&format!("/api/v1/rollup?{period}")).await;
    assert_eq!(s, 200, "{top}");
    assert_eq!(top["level"], "station", "{top}");
    let stations = rows(&top);
    assert!(!stations.is_empty());
    let total = additive(&top["total"]);
    assert_eq!(top["total"]["assessed"], 1, "{top}");
    assert_eq!(top["total"]["assessment_grades"]["fail"], 1, "{top}");
    assert_eq!(top["total"]["assessment_mean_score"], 59.0, "{top}");
    assert_eq!(sum(&stations), total, "the stations add up to the county");
    assert!(top["total"]["hazards_opened"].as_i64().unwrap() >= 1, "{top}");
    assert!(top["total"]["alerts_acknowledged"].as_i64().unwrap() >= 1, "{top}");
    assert!(top["total"]["ack_median_minutes"].is_number(), "{top}");

    // Each station opens its units; every unit counted once; the units add up to the county.
    let mut all_units = Vec::new();
    for st in &stations {
        let (s, v) = county.get(&format!("/api/v1/rollup?{period}{}", drill_query(st))).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["level"], "unit");
        let units = rows(&v);
        assert_eq!(sum(&units), additive(&st["figures"]), "{} adds up", st["label"]);
        all_units.extend(units);
    }
    assert_eq!(sum(&all_units), total, "the units add up to the county");
    assert_eq!(all_units.len() as i64, top["total"]["units"].as_i64().unwrap());
    assert!(all_units.iter().all(|u| u["figures"]["units"] == 1));
    assert!(all_units.iter().any(|u| u["key"] == unit_id.as_str()));

    // The city sees the same county as one of its rows.
    let (s, c) = city.get(&format!("/api/v1/rollup?{period}")).await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["level"], "county");
    let row = rows(&c).into_iter().find(|r| r["key"] == "330106").expect("西湖区 row");
    assert_eq!(additive(&row["figures"]), total);
    assert_eq!(row["drill"]["division"], "330106");

    // Scope: the county officer reads nothing of another city; a department only its sector;
    // a unit account nothing.
    let (s, other) = county.get(&format!("/api/v1/rollup?{period}&division=3302")).await;
    assert_eq!(s, 200, "{other}");
    assert_eq!(other["total"]["units"], 0);
    let (_, dme) = department.get("/api/v1/me").await;
    let dept_org = dme["org_id"].as_str().unwrap().to_string();
    let (s, d) = department.get(&format!("/api/v1/rollup?{period}&by=sector")).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["level"], "department");
    assert!(rows(&d).iter().all(|r| r["key"] == dept_org.as_str()), "{d}");
    let (s, _) = manager.get(&format!("/api/v1/rollup?{period}")).await;
    assert_eq!(s, 403);

    // Bad input: 400 in Chinese.
    let (s, v) = county.get("/api/v1/rollup?from=2026-13-01").await;
    assert_eq!((s, error_code(&v)), (400, "validation_failed"), "{v}");
    assert!(error_message(&v).contains("不是日期"), "{v}");
    let (s, v) = county.get("/api/v1/rollup?from=2026-02-01&to=2026-01-01").await;
    assert_eq!(s, 400, "{v}");
    let (s, v) = county.get("/api/v1/rollup?division=33x").await;
    assert_eq!(s, 400, "{v}");

    // The xlsx: one row per county, the same numbers, a Chinese file name.
    let r = county
        .http
        .get(format!("{}/api/v1/rollup/export?{period}", county.base))
        .bearer_auth(&county.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_string();
    let name = format!("平安建设汇总_按县（市、区）_{from}至{to}.xlsx");
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    assert!(
        disposition.contains(&format!("filename*=UTF-8''{encoded}")),
        "{disposition}"
    );
    let bytes = r.bytes().await.unwrap();
    let sheet = neibao_engine::imports::sheet::read(&bytes).expect("an xlsx calamine opens");
    assert_eq!(
        sheet.header[..4].to_vec(),
        vec!["序号", "县（市、区）", "行政区划代码", "统计期间"]
    );
    assert_eq!(sheet.header[4], "单位数");
    let col = |h: &str| sheet.header.iter().position(|x| x == h).unwrap();
    let data: Vec<&Vec<String>> = sheet.rows.iter().map(|(_, c)| c).collect();
    assert_eq!(data.len(), 2, "the county and 合计: {data:?}");
    let x = data[0];
    assert_eq!(x[2], "330106");
    assert_eq!(x[3], format!("{from}至{to}"));
    let t = &top["total"];
    for (h, k) in [
        ("单位数", "units"),
        ("重点单位数", "key_units"),
        ("新发现隐患", "hazards_opened"),
        ("期内销号隐患", "hazards_closed"),
        ("逾期未整改隐患", "hazards_overdue"),
        ("应备案", "filings_due"),
        ("按时备案", "filings_on_time"),
        ("告警数", "alerts_raised"),
        ("已确认告警", "alerts_acknowledged"),
    ] {
        assert_eq!(x[col(h)], t[k].as_i64().unwrap().to_string(), "{h}");
    }
    assert_eq!(x[col("诚信A级")], t["grades"]["a"].as_i64().unwrap().to_string());
    assert_eq!(x[col("已评估单位")], "1");
    assert_eq!(x[col("评估不合格")], "1");
    assert_eq!(x[col("评估平均得分")], "59");
    let median: f64 = x[col("确认用时中位数（分钟）")].parse().unwrap();
    assert!((median - t["ack_median_minutes"].as_f64().unwrap()).abs() < 1e-9);
    assert_eq!(data[1][1], "合计");
    assert_eq!(data[1][col("单位数")], x[col("单位数")]);

    // The page: the period picker, the rows with their drill-down links, the export link.
    let br = app.browser("demo_county", DEMO_PASSWORD).await;
    let html = br
        .get(app.url(&format!("/rollup?{period}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("平安建设汇总") && html.contains("导出 Excel"), "{html}");
    assert!(html.contains("org="), "a station row opens its units: {html}");
    let r = br.get(app.url("/rollup?from=2026-02-30")).send().await.unwrap();
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("不是日期") && html.contains("2026-02-30"), "{html}");
}

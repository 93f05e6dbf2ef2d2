//! The devices kind of import ([`DeviceRows`], docs/IMPORTS.md "Devices"): a row names a
//! registered unit by its USCC (inside the importer's jurisdiction, not closed), optionally one
//! of its key areas by name, and a device as registration takes one (name, kind, ingest format,
//! serial number, clock time zone); it is written by `DeviceService::register`, whose ingest token
//! is thrown away: nobody sees it, and the device's token is issued with 重新生成接入令牌
//! (`DeviceService::reissue_token`) when the device is configured.
//!
//! A device is recognised by its unit and serial number; a row without a serial number by its
//! unit and device name. One already registered with the same name, kind, format, key area and
//! clock time zone is unchanged; otherwise the row is refused (an import does not change
//! registered devices).

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use neibao_domain::access::Principal;
use neibao_domain::devices::{Device, DeviceFilter, DeviceFormat, DEVICE_KINDS};
use neibao_domain::imports::devices::{dv, parse_device_format, parse_device_kind, parse_utc_offset, zone_for_offset};
use neibao_domain::imports::{Column, RowError, DEVICE_IMPORT_COLUMNS};
use neibao_domain::paging::Page;
use neibao_domain::registry::{KeyArea, LifeState};
use neibao_domain::validate::Uscc;

use super::kind::{cell_error, unit_by_uscc, Checked, Presence, RowKind};
use crate::context::Ctx;
use crate::devices::{DeviceInput, DeviceService};
use crate::error::{ServiceError, ServiceResult};
use crate::registry::{text_field, RegistryService};

/// The zone a device without one is read in: Asia/Shanghai.
const DEFAULT_ZONE: &str = neibao_ingest::time::DEFAULT_DEVICE_TIME_ZONE;

/// A 时区偏移 cell as a device time zone: an IANA name (`Asia/Urumqi`, read with chrono-tz), or
/// an offset as [`parse_utc_offset`] takes it, named by [`zone_for_offset`]; empty or Beijing
/// time: `Some(None)`, the installation's zone. `None`: neither.
fn cell_zone(cell: &str) -> Option<Option<String>> {
    if let Some(tz) = neibao_ingest::time::parse_time_zone(cell) {
        let name = tz.name();
        return Some((name != DEFAULT_ZONE).then(|| name.to_string()));
    }
    match parse_utc_offset(cell)? {
        None => Some(None),
        Some(minutes) => zone_for_offset(minutes).map(|z| (z != DEFAULT_ZONE).then_some(z)),
    }
}

/// A unit named by a row as the importer may place devices in it: its id and key areas, or why
/// a row naming it is refused (row code, zh-CN message).
type UnitFound = Result<(String, Vec<KeyArea>), (&'static str, &'static str)>;

/// Devices, checked and written through device registration.
pub(super) struct DeviceRows {
    ctx: Ctx,
    registry: RegistryService,
    devices: DeviceService,
    /// Units looked up so far, by USCC: the unit's id and key areas, or why a row naming it is
    /// refused (code, message).
    units: Mutex<HashMap<String, UnitFound>>,
}

/// A checked device: what to register.
pub(super) struct DeviceItem {
    input: DeviceInput,
}

impl DeviceRows {
    pub(super) fn new(ctx: Ctx) -> DeviceRows {
        DeviceRows {
            registry: RegistryService::new(ctx.clone()),
            devices: DeviceService::new(ctx.clone()),
            ctx,
            units: Mutex::new(HashMap::new()),
        }
    }

    /// The unit of a USCC as `who` may place devices in it: its id and key areas, or the
    /// refusal of a row naming it.
    async fn unit(&self, who: &Principal, uscc: &str) -> ServiceResult<UnitFound> {
        if let Some(found) = self.units.lock().map_err(poisoned)?.get(uscc) {
            return Ok(found.clone());
        }
        let found = self.look_up(who, uscc).await?;
        self.units
            .lock()
            .map_err(poisoned)?
            .insert(uscc.to_string(), found.clone());
        Ok(found)
    }

    async fn look_up(&self, who: &Principal, uscc: &str) -> ServiceResult<UnitFound> {
        let unit = match unit_by_uscc(&self.ctx, &self.registry, who, uscc).await? {
            Ok(u) => u,
            Err(why) => return Ok(Err(why)),
        };
        let unit_id = unit.id.clone();
        if unit.state == LifeState::Closed {
            return Ok(Err(("unit_closed", "该单位已注销，不能登记设备")));
        }
        let areas = self.registry.key_areas(who, &unit_id).await?;
        Ok(Ok((unit_id, areas)))
    }

    /// Every device of a unit (all states), page by page.
    async fn unit_devices(&self, who: &Principal, unit_id: &str) -> ServiceResult<Vec<Device>> {
        let filter = DeviceFilter {
            unit_id: Some(unit_id.to_string()),
            online: None,
            sort: None,
        };
        let mut all = Vec::new();
        for page in 1.. {
            let list = self
                .devices
                .list(who, &filter, Page::new(Some(page), Some(200)))
                .await?;
            let n = list.items.len();
            all.extend(list.items);
            if n < 200 {
                break;
            }
        }
        Ok(all)
    }
}

fn poisoned<T>(_: T) -> ServiceError {
    ServiceError::Internal(anyhow::anyhow!("device import cache poisoned"))
}

fn bad(row: u32, col: usize, code: &str, message: impl Into<String>) -> RowError {
    cell_error(&DEVICE_IMPORT_COLUMNS, row, Some(col), code, message)
}

/// The kind's Chinese label.
fn kind_label(code: &str) -> &str {
    DEVICE_KINDS.iter().find(|(c, _)| *c == code).map_or(code, |(_, l)| *l)
}

#[async_trait]
impl RowKind for DeviceRows {
    type Item = DeviceItem;

    fn columns(&self) -> &'static [Column] {
        &DEVICE_IMPORT_COLUMNS
    }

    fn duplicate(&self, first: u32) -> (usize, String) {
        (
            dv::SERIAL,
            format!("同一单位的序列号（无序列号时为设备名称）与第{first}行重复"),
        )
    }

    async fn check(
        &self,
        who: &Principal,
        row: u32,
        cells: &[String],
    ) -> ServiceResult<Result<Checked<Self::Item>, Vec<RowError>>> {
        let cell = |i: usize| cells.get(i).map(|s| s.trim()).unwrap_or("");
        let mut errors = Vec::new();
        let uscc = match cell(dv::UNIT_USCC) {
            "" => {
                errors.push(bad(row, dv::UNIT_USCC, "required", "单位统一社会信用代码必填"));
                None
            }
            u => match Uscc::parse(u) {
                Ok(u) => Some(u.as_str().to_string()),
                Err(e) => {
                    errors.push(bad(row, dv::UNIT_USCC, "invalid_uscc", e.message));
                    None
                }
            },
        };
        let name = match text_field(cell(dv::NAME), "设备名称", 100, true) {
            Ok(n) => n,
            Err(e) => {
                let code = if cell(dv::NAME).is_empty() {
                    "required"
                } else {
                    "invalid_text"
                };
                errors.push(bad(row, dv::NAME, code, e.to_string()));
                String::new()
            }
        };
        let kind = match cell(dv::KIND) {
            "" => {
                errors.push(bad(row, dv::KIND, "required", "设备类型必填"));
                None
            }
            k => {
                let kind = parse_device_kind(k);
                if kind.is_none() {
                    errors.push(bad(
                        row,
                        dv::KIND,
                        "invalid_device_kind",
                        format!("设备类型「{k}」无效，应为摄像机、硬盘录像机、门禁终端、报警主机或其他"),
                    ));
                }
                kind
            }
        };
        let format = match cell(dv::FORMAT) {
            "" => {
                errors.push(bad(row, dv::FORMAT, "required", "接入格式必填"));
                None
            }
            f => {
                let format = parse_device_format(f);
                if format.is_none() {
                    let known: Vec<&str> = DeviceFormat::ALL.iter().map(|f| f.label_zh()).collect();
                    errors.push(bad(
                        row,
                        dv::FORMAT,
                        "invalid_device_format",
                        format!("接入格式「{f}」无效，应为{}之一", known.join("、")),
                    ));
                }
                format
            }
        };
        let serial = match text_field(cell(dv::SERIAL), "序列号", 64, false) {
            Ok(s) => s,
            Err(e) => {
                errors.push(bad(row, dv::SERIAL, "invalid_text", e.to_string()));
                String::new()
            }
        };
        let offset = match cell_zone(cell(dv::UTC_OFFSET)) {
            Some(o) => o,
            None => {
                errors.push(bad(
                    row,
                    dv::UTC_OFFSET,
                    "invalid_utc_offset",
                    "时区偏移无效：应为 IANA 时区名称（如 Asia/Urumqi），或如 UTC+8、UTC-5、+05:30 的偏移，或 -720 至 840 之间的东偏分钟数（15 的倍数）",
                ));
                None
            }
        };
        let location_type = match cell(dv::LOCATION_TYPE) {
            "" => None,
            c => match neibao_domain::video::LocationType::ALL
                .into_iter()
                .find(|l| l.label_zh() == c || l.label_zh().trim_end_matches("内部") == c || l.code() == c)
            {
                Some(l) => match neibao_domain::video::check_location(l) {
                    Ok(()) => Some(l),
                    Err(e) => {
                        errors.push(bad(row, dv::LOCATION_TYPE, "prohibited_camera_location", e.message));
                        None
                    }
                },
                None => {
                    errors.push(bad(
                        row,
                        dv::LOCATION_TYPE,
                        "invalid_location_type",
                        format!("安装位置类型「{c}」无效"),
                    ));
                    None
                }
            },
        };
        let Some(uscc) = uscc else { return Ok(Err(errors)) };
        let (unit_id, areas) = match self.unit(who, &uscc).await? {
            Ok(found) => found,
            Err((code, message)) => {
                errors.push(bad(row, dv::UNIT_USCC, code, message));
                return Ok(Err(errors));
            }
        };
        let key_area_id = match cell(dv::KEY_AREA) {
            "" => None,
            area => match areas.iter().find(|a| a.name == area && a.state != LifeState::Closed) {
                Some(a) => Some(a.id.clone()),
                None => {
                    errors.push(bad(
                        row,
                        dv::KEY_AREA,
                        "key_area_not_found",
                        format!("该单位没有名为「{area}」的重要部位（或已注销）；请先添加重要部位"),
                    ));
                    None
                }
            },
        };
        let (Some(kind), Some(format)) = (kind, format) else {
            return Ok(Err(errors));
        };
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        let key = if serial.is_empty() {
            format!("{unit_id}\u{1f}name\u{1f}{name}")
        } else {
            format!("{unit_id}\u{1f}serial\u{1f}{serial}")
        };
        Ok(Ok(Checked {
            key,
            item: DeviceItem {
                input: DeviceInput {
                    unit_id,
                    key_area_id,
                    format,
                    kind: Some(kind.to_string()),
                    name,
                    serial,
                    channel_map: Default::default(),
                    time_zone: offset,
                    location_type,
                    view_note: None,
                },
            },
        }))
    }

    async fn presence(&self, who: &Principal, rows: &[(u32, Checked<Self::Item>)]) -> ServiceResult<Vec<Presence>> {
        let mut devices: HashMap<String, Vec<Device>> = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for (row, checked) in rows {
            let input = &checked.item.input;
            if !devices.contains_key(&input.unit_id) {
                let list = self.unit_devices(who, &input.unit_id).await?;
                devices.insert(input.unit_id.clone(), list);
            }
            // By serial number; without one, by name.
            let found: Vec<&Device> = devices[&input.unit_id]
                .iter()
                .filter(|d| {
                    if input.serial.is_empty() {
                        d.name == input.name
                    } else {
                        d.serial.trim() == input.serial
                    }
                })
                .collect();
            if found.is_empty() {
                out.push(Presence::New);
                continue;
            }
            let same = |d: &&Device| {
                d.name == input.name
                    && d.serial.trim() == input.serial
                    && Some(d.kind.as_str()) == input.kind.as_deref()
                    && d.format == input.format
                    && d.key_area_id == input.key_area_id
                    && d.time_zone.as_deref().unwrap_or(DEFAULT_ZONE)
                        == input.time_zone.as_deref().unwrap_or(DEFAULT_ZONE)
            };
            if found.iter().any(same) {
                out.push(Presence::Unchanged);
                continue;
            }
            let d = found[0];
            let (col, what) = if input.serial.is_empty() {
                (dv::NAME, "已有同名设备")
            } else {
                (dv::SERIAL, "已有该序列号的设备")
            };
            out.push(Presence::Refused(bad(
                *row,
                col,
                "device_registered_differently",
                format!(
                    "该单位{what}「{}」（{}，{}，{}，序列号{}，{}），与表中不一致；导入不修改已登记的设备，请在单位页修改",
                    d.name,
                    kind_label(&d.kind),
                    d.format.label_zh(),
                    d.key_area_name.as_deref().unwrap_or("不在重要部位"),
                    if d.serial.is_empty() { "无" } else { d.serial.as_str() },
                    d.time_zone.as_deref().unwrap_or(DEFAULT_ZONE),
                ),
            )));
        }
        Ok(out)
    }

    async fn write(&self, who: &Principal, item: Self::Item) -> ServiceResult<()> {
        // The token registration makes is dropped here: nobody sees it. The device's token is
        // issued with 重新生成接入令牌 when it is configured.
        self.devices.register(who, item.input).await.map(|_| ())
    }
}

//! The unit page (`GET /units/{id}`): the registry entry, responsible persons (masked, or shown
//! after a purpose-logged read), key areas, devices, built-in rule settings and the armed
//! schedule, newest alerts; and from supervision its credit box and inspection buttons.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use neibao_domain::access::Permission;
use neibao_domain::alerts::Severity;
use neibao_domain::devices::{DeviceFormat, DEVICE_KINDS};
use neibao_domain::registry::{
    key_unit_category_label, ArmedSchedule, KeyArea, Organisation, PersonRole, RevealedPerson, Unit,
};
use neibao_domain::video::LocationType;
use neibao_engine::registry::UnitOverview;

use super::super::form::{no_store, with_status};
use super::super::kit::{error_page, render, UiUser};
use super::super::supervision::{credit_box, CreditBox};
use super::super::views::{fmt_time, AlertView, DeviceView, Nav};
use super::super::weekly::{rows_of, WeeklyRow};
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "registry/unit.html")]
struct UnitPage {
    nav: Nav,
    u: Unit,
    key_category: String,
    schedule: String,
    key_areas: Vec<KeyArea>,
    devices: Vec<DeviceView>,
    /// Devices and alerts of the unit in all (the page shows the first ones and links to the
    /// full, paged lists).
    devices_total: i64,
    alerts: Vec<AlertView>,
    alerts_total: i64,
    may_manage: bool,
    device_kinds: Vec<(&'static str, &'static str)>,
    /// Every ingest format: (code, zh-CN label).
    device_formats: Vec<(&'static str, &'static str)>,
    /// A camera's location types: (code, zh-CN label, prohibited).
    location_types: Vec<(&'static str, &'static str, bool)>,
    /// The device forms' time zones (value, label).
    zone_choices: &'static [(&'static str, &'static str)],
    new_token: Option<String>,
    /// The device whose token was just reissued (the notice says so instead of 设备已登记).
    reissued: Option<String>,
    rules: Vec<RuleRow>,
    severities: Vec<(&'static str, &'static str)>,
    /// The armed schedule as weekly rows (as typed when the form was refused).
    weekly: Vec<WeeklyRow>,
    schedule_error: Option<String>,
    may_configure: bool,
    persons: Vec<PersonRow>,
    /// Police, administrators and the unit's manager: the purpose-logged read of a person.
    may_reveal: bool,
    reveal_error: Option<String>,
    /// A person's fields were just shown unmasked (and the read audited).
    revealed: bool,
    /// 诚信等级 (supervision credit), when it could be read.
    credit: Option<CreditBox>,
    /// Police, departments and the unit manager: 开始检查.
    may_inspect: bool,
    /// May apply for (the unit's manager) or decide (county-level and higher police) the
    /// 平安单位 title: the 平安单位 button is shown (docs/HONOURS.md).
    may_honours: bool,
    /// `wellbeing.read`: the 群防群治与宣传教育 link is shown (not to guards).
    may_wellbeing: bool,
    /// Police and administrators: the unit's edit, move and state forms (docs/REGISTRY.md).
    may_register: bool,
    /// The move form's choices: stations by county, competent departments.
    station_groups: Vec<(String, Vec<Organisation>)>,
    departments: Vec<Organisation>,
    /// The move form's values: as typed when refused, else the unit's.
    move_station: String,
    move_department: String,
    /// Why a lifecycle form (move, state, key area, device) was refused.
    lifecycle_error: Option<String>,
    /// A refused key area or device edit form, as typed.
    area_sent: Option<SentEdit>,
    device_sent: Option<SentEdit>,
    /// The 登记设备 form as typed when it was refused (empty otherwise).
    new_device: NewDeviceSent,
    /// A responsible person form was refused (its edit form or the add form is open).
    person_refused: bool,
    /// The add form was refused; its values as typed.
    person_add_refused: bool,
    person_new: SentPerson,
    /// The roles a person may have: (code, 主要负责人 …).
    person_roles: Vec<(&'static str, &'static str)>,
    /// 变更记录, newest first.
    history: Vec<HistoryRow>,
    /// When the unit was closed (注销), Beijing time; empty when it is not.
    closed_at: String,
    /// The unit's security organisation in brief (docs/SECURITY-STAFF.md), for those who may
    /// read it.
    security_summary: Option<neibao_domain::security_staff::SecuritySummary>,
}

/// One row of the unit's change history.
struct HistoryRow {
    at: String,
    actor: String,
    sentence: String,
}

/// The 登记设备 form of the unit page as typed, shown again with the reason when it was
/// refused (codes as sent: kind, format, key area id, location type, clock time zone).
#[derive(Debug, Clone, Default)]
pub struct NewDeviceSent {
    pub name: String,
    pub kind: String,
    pub format: String,
    pub key_area_id: String,
    pub serial: String,
    pub location_type: String,
    /// The device clock's IANA time zone; empty: Asia/Shanghai.
    pub time_zone: String,
    /// Whether the form was refused (the values are the ones typed).
    pub is_sent: bool,
}

/// An edit form of a key area or device refused, with what was typed (`extra`: the
/// description of a key area, the key area id of a device).
#[derive(Debug, Clone, Default)]
pub struct SentEdit {
    pub id: String,
    pub name: String,
    pub extra: String,
    /// A device's time zone as chosen (empty for key areas and for the default zone).
    pub zone: String,
}

/// A responsible person form refused, as typed (`id`: the person; empty for the add form).
#[derive(Debug, Clone, Default)]
pub struct SentPerson {
    pub id: String,
    /// The role's code.
    pub role: String,
    pub name: String,
    pub citizen_id: String,
    pub phone: String,
    /// Whether these are the values of a refused form (rather than the stored ones).
    pub is_sent: bool,
}

/// A responsible person as the unit page shows it: masked, or unmasked right after a
/// purpose-logged read; with its edit form's values (as stored, masked; or as typed when the
/// form was refused).
struct PersonRow {
    id: String,
    version: i64,
    role: &'static str,
    name: String,
    citizen_id: String,
    phone: String,
    revealed: bool,
    form: SentPerson,
}

/// What the unit page shows besides the unit itself.
#[derive(Default)]
pub struct UnitExtras {
    /// A new device's full ingest URL (it holds the device's secret token), shown once in the
    /// answer to the registration itself — never put in a URL.
    pub new_token: Option<String>,
    /// The device whose token was reissued (重新生成接入令牌): `new_token` is its new URL.
    pub reissued: Option<String>,
    /// A person's plaintext fields after an audited read with a purpose.
    pub revealed: Option<RevealedPerson>,
    /// Why a read was refused (a missing or bad purpose).
    pub reveal_error: Option<String>,
    /// A refused armed-schedule form: the rows as typed and the zh-CN reason.
    pub schedule_refused: Option<(Vec<WeeklyRow>, String)>,
    /// Why a lifecycle form was refused (a stale version: 已被他人修改，请刷新后重试).
    pub lifecycle_error: Option<String>,
    /// A refused move form: station and department as chosen.
    pub move_sent: Option<(String, String)>,
    /// A refused key area edit form, as typed.
    pub area_sent: Option<SentEdit>,
    /// A refused device edit form, as typed.
    pub device_sent: Option<SentEdit>,
    /// A refused 登记设备 form, as typed.
    pub new_device_sent: Option<NewDeviceSent>,
    /// A refused responsible person form (add or edit), as typed.
    pub person_sent: Option<SentPerson>,
    /// The status of a refused form's answer (409 for a stale version), when not 400.
    pub refused_status: Option<StatusCode>,
}

/// One built-in rule as the unit page shows it.
struct RuleRow {
    code: &'static str,
    title: &'static str,
    description: &'static str,
    enabled: bool,
    severity: &'static str,
    severity_label: &'static str,
    threshold: Option<i64>,
    window_seconds: Option<i64>,
}

pub async fn unit(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    unit_page(&state, &u, &id, UnitExtras::default()).await
}

/// `周一、二 20:00–07:00；…`, or 未设置.
fn schedule_zh(s: Option<&ArmedSchedule>) -> String {
    match s {
        Some(s) if !s.periods.is_empty() => s
            .periods
            .iter()
            .map(|p| {
                let days: Vec<&str> = p
                    .weekdays
                    .iter()
                    .map(|d| {
                        ["一", "二", "三", "四", "五", "六", "日"]
                            .get((*d as usize).wrapping_sub(1))
                            .copied()
                            .unwrap_or("?")
                    })
                    .collect();
                if p.start == p.end {
                    format!("周{} 全天", days.join("、"))
                } else {
                    format!("周{} {}–{}", days.join("、"), p.start, p.end)
                }
            })
            .collect::<Vec<_>>()
            .join("；"),
        _ => "未设置".into(),
    }
}

/// Renders the unit page for `u`.
pub async fn unit_page(state: &AppState, u: &CurrentUser, id: &str, extras: UnitExtras) -> Response {
    let UnitOverview {
        unit,
        key_areas,
        devices,
        alerts,
        rules,
        history,
    } = match state.services.registry.overview(&u.principal, id).await {
        Ok(o) => o,
        Err(e) => return error_page(u, e.into()),
    };
    let credit = credit_box(state, u, id).await;
    let rules = rules
        .into_iter()
        .map(|r| RuleRow {
            threshold: r.def.default_params.get("threshold").map(|_| r.param_i64("threshold")),
            window_seconds: r
                .def
                .default_params
                .get("window_seconds")
                .map(|_| r.param_i64("window_seconds")),
            code: r.def.code,
            title: r.def.title,
            description: r.def.description,
            enabled: r.enabled,
            severity: r.severity.code(),
            severity_label: r.severity.label_zh(),
        })
        .collect();
    let (weekly, schedule_error) = match extras.schedule_refused {
        Some((rows, e)) => (rows, Some(e)),
        None => (
            rows_of(
                unit.armed_schedule
                    .as_ref()
                    .map(|s| s.periods.as_slice())
                    .unwrap_or(&[]),
            ),
            None,
        ),
    };
    let key_category = unit
        .key_unit_category
        .and_then(key_unit_category_label)
        .unwrap_or("")
        .to_string();
    let schedule = schedule_zh(unit.armed_schedule.as_ref());
    let revealed = extras.revealed.filter(|p| p.unit_id == unit.id);
    // A page showing a device's secret is not kept by the browser or a proxy.
    let extras_secret = extras.new_token.is_some();
    let person_sent = extras.person_sent;
    let persons = unit
        .responsible_persons
        .iter()
        .map(|p| {
            let masked = |s: Option<&neibao_domain::sensitive::Sensitive>| s.map(|c| c.masked()).unwrap_or_default();
            let form = person_sent
                .clone()
                .filter(|s| s.id == p.id)
                .map(|s| SentPerson { is_sent: true, ..s })
                .unwrap_or_else(|| SentPerson {
                    is_sent: false,
                    id: p.id.clone(),
                    role: p.role.code().to_string(),
                    name: p.name.clone(),
                    citizen_id: masked(p.citizen_id.as_ref()),
                    phone: masked(p.phone.as_ref()),
                });
            let shown = revealed.as_ref().filter(|r| r.person_id == p.id);
            PersonRow {
                id: p.id.clone(),
                version: p.version,
                role: p.role.label_zh(),
                name: shown.map(|r| r.name.clone()).unwrap_or_else(|| p.name.clone()),
                citizen_id: shown
                    .map(|r| r.citizen_id.clone().unwrap_or_default())
                    .unwrap_or_else(|| masked(p.citizen_id.as_ref())),
                phone: shown
                    .map(|r| r.phone.clone().unwrap_or_default())
                    .unwrap_or_else(|| masked(p.phone.as_ref())),
                revealed: shown.is_some(),
                form,
            }
        })
        .collect();
    let person_refused = person_sent.is_some();
    let person_add_refused = person_sent.as_ref().is_some_and(|s| s.id.is_empty());
    let person_new = person_sent.filter(|s| s.id.is_empty()).unwrap_or_default();
    let may_register = u.principal.can(Permission::UnitRegister);
    let (station_groups, departments) = if may_register {
        let departments = state
            .services
            .registry
            .organisations(&u.principal, Some("department"), None, false)
            .await
            .unwrap_or_default();
        (
            state.services.registry.stations_by_county(&u.principal).await,
            departments,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let (move_station, move_department) = extras.move_sent.unwrap_or_else(|| {
        (
            unit.police_station_id.clone().unwrap_or_default(),
            unit.competent_department_id.clone().unwrap_or_default(),
        )
    });
    let history = history
        .into_iter()
        .map(|h| HistoryRow {
            at: fmt_time(h.at),
            actor: neibao_domain::audit::actor_label(&h.actor_name),
            sentence: h.sentence,
        })
        .collect();
    let status = if let Some(s) = extras.refused_status {
        s
    } else if extras.reveal_error.is_some() || schedule_error.is_some() || extras.lifecycle_error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let security_summary = if u.principal.can(Permission::SecurityStaffRead) {
        state.services.security_staff.summary(&u.principal, &unit.id).await.ok()
    } else {
        None
    };
    let page = render(&UnitPage {
        nav: Nav::new(u),
        may_manage: u.principal.can(Permission::DeviceManage),
        key_category,
        schedule,
        key_areas,
        devices: devices.items.iter().map(DeviceView::from).collect(),
        devices_total: devices.total,
        alerts: alerts.items.iter().map(AlertView::from).collect(),
        alerts_total: alerts.total,
        device_kinds: DEVICE_KINDS.to_vec(),
        device_formats: DeviceFormat::ALL.iter().map(|f| (f.code(), f.label_zh())).collect(),
        zone_choices: crate::ui::views::DEVICE_ZONE_CHOICES,
        location_types: LocationType::ALL
            .iter()
            .map(|l| (l.code(), l.label_zh(), l.prohibited()))
            .collect(),
        new_token: extras.new_token,
        reissued: extras.reissued,
        rules,
        severities: Severity::ALL.iter().map(|s| (s.code(), s.label_zh())).collect(),
        weekly,
        schedule_error,
        may_configure: u.principal.can(Permission::UnitRuleConfigure),
        persons,
        may_reveal: u.principal.can(Permission::PersonReveal),
        reveal_error: extras.reveal_error,
        revealed: revealed.is_some(),
        credit,
        may_inspect: u.principal.can(Permission::Inspect),
        may_honours: u.principal.can(Permission::HonoursApply) || u.principal.can(Permission::HonoursDecide),
        may_wellbeing: u.principal.can(Permission::WellbeingRead),
        may_register,
        station_groups,
        departments,
        move_station,
        move_department,
        lifecycle_error: extras.lifecycle_error,
        area_sent: extras.area_sent,
        device_sent: extras.device_sent,
        new_device: extras.new_device_sent.unwrap_or_default(),
        person_refused,
        person_add_refused,
        person_new,
        person_roles: PersonRole::ALL.iter().map(|r| (r.code(), r.label_zh())).collect(),
        history,
        closed_at: unit.closed_at.map(fmt_time).unwrap_or_default(),
        security_summary,
        u: unit,
    });
    if revealed.is_some() || extras_secret {
        no_store(page)
    } else if person_refused {
        // A refused person form shows what was typed, which may be a plaintext ID number or
        // phone: not kept by the browser or a proxy either.
        no_store(with_status(page, status))
    } else {
        with_status(page, status)
    }
}

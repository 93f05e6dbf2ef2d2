//! View models: what templates show, pre-formatted in zh-CN and Asia/Shanghai time.

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Shanghai;
use neibao_domain::access::Permission;
use neibao_domain::alerts::Alert;
use neibao_domain::devices::Device;
use neibao_domain::devices::DEVICE_KINDS;
use neibao_domain::events::SecurityEvent;
use neibao_domain::paging::Listing;

use crate::extract::principal::CurrentUser;

/// `2026-11-29 20:15:03` in Asia/Shanghai.
pub fn fmt_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Shanghai).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// A time stored as milliseconds since the Unix epoch (audit, retention, tokens), like
/// [`fmt_time`]; empty when out of range.
pub fn fmt_ms(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms).map(fmt_time).unwrap_or_default()
}

/// What the page header shows.
pub struct Nav {
    pub user_label: String,
    pub csrf: String,
    /// Reload the page every N seconds (0 = never).
    pub autorefresh: u32,
    /// Reload as soon as the alert list changes (polled once a second).
    pub watch_alerts: bool,
    /// Police officer or administrator: the audit log and retention links are shown.
    pub police: bool,
    /// May read personal data in full for a purpose (`person.reveal`): the 查看原文 links of
    /// masked free texts are shown.
    pub may_reveal: bool,
    /// An administrator (`user.administer`): the 账号管理 link is shown.
    pub may_admin_users: bool,
    /// An administrator (`organisation.administer`): the 组织机构 link is shown.
    pub may_admin_orgs: bool,
    /// Police and a unit's manager (`watchlist.manage`): the 布控 link is shown.
    pub may_watch: bool,
    /// Keeps or reads personal-information compliance records (`compliance.handle`): the
    /// 个人信息保护 link is shown.
    pub may_compliance: bool,
    /// The unit's manager and guards (`visitor.gate`): the 访客登记 link is shown.
    pub visitors: bool,
    /// Reads the 平安建设 roll-up (`rollup.read`: administrators, police, competent
    /// departments): the 平安建设汇总 link is shown.
    pub may_rollup: bool,
    /// May apply for the 平安单位 title (`honours.apply`: the unit's manager).
    pub may_apply_honours: bool,
    /// A third-party assessor (`assessment.third_party`): sees only the safety assessment, so
    /// the menu shows nothing else that would read as empty.
    pub third_party: bool,
    /// Has a part in 心防 cases (reads own cases, counts or escalation notices): the 心防 link.
    pub wellbeing: bool,
}

impl Nav {
    pub fn new(u: &CurrentUser) -> Nav {
        let place = u
            .user
            .org_name
            .clone()
            .or_else(|| u.user.unit_name.clone())
            .unwrap_or_default();
        // Name · role · place, each once: an administrator named after the role, or without an
        // organisation, does not read "系统管理员 · 系统管理员 ·".
        let mut parts: Vec<&str> = Vec::new();
        for p in [u.user.display_name.as_str(), u.user.role.label_zh(), place.as_str()] {
            if !p.trim().is_empty() && !parts.contains(&p) {
                parts.push(p);
            }
        }
        Nav {
            user_label: parts.join(" · "),
            csrf: u.csrf.clone().unwrap_or_default(),
            autorefresh: 0,
            watch_alerts: false,
            police: u.principal.can(Permission::AuditRead),
            may_reveal: u.principal.can(Permission::PersonReveal),
            may_admin_users: u.principal.can(Permission::UserAdminister),
            may_admin_orgs: u.principal.can(Permission::OrganisationAdminister),
            may_watch: u.principal.can(Permission::WatchlistManage),
            may_compliance: u.principal.can(Permission::ComplianceHandle),
            visitors: u.principal.can(Permission::VisitorGate),
            may_rollup: u.principal.can(Permission::RollupRead),
            may_apply_honours: u.principal.can(Permission::HonoursApply),
            third_party: u.principal.can(Permission::AssessmentThirdParty),
            wellbeing: u.principal.can(Permission::CrisisCaseRead)
                || u.principal.can(Permission::CrisisCountsRead)
                || u.principal.can(Permission::CrisisEscalationRead),
        }
    }

    /// A new one-time token for a creating form's hidden `_once` field, different at each
    /// call (each form render): the form's submits are done once
    /// (`crates/web/src/idempotency.rs`).
    pub fn once(&self) -> String {
        uuid::Uuid::now_v7().simple().to_string()
    }
}

pub struct AlertView {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub severity_code: String,
    pub status: String,
    pub status_code: String,
    pub unit_id: String,
    pub unit_name: String,
    pub device_name: String,
    pub rule: String,
    pub first_seen: String,
    pub last_seen: String,
    pub event_count: i64,
    pub acknowledged: String,
    pub resolved: String,
    /// 未确认，已于…升级至…（第N级）
    pub escalated: String,
    /// An open one-press alarm (docs/ALARMS.md): its row is marked and the alert list sounds.
    pub alarm: bool,
}

impl From<&Alert> for AlertView {
    fn from(a: &Alert) -> Self {
        let who = |by: &Option<String>, at: &Option<DateTime<Utc>>, c: &Option<String>| match (by, at) {
            (Some(by), Some(at)) => {
                let c = c
                    .as_deref()
                    .filter(|c| !c.is_empty())
                    .map(|c| format!("：{c}"))
                    .unwrap_or_default();
                format!("{by} 于 {}{c}", fmt_time(*at))
            }
            _ => String::new(),
        };
        AlertView {
            id: a.id.clone(),
            title: a.title.clone(),
            severity: a.severity.label_zh().into(),
            severity_code: a.severity.code().into(),
            status: a.status.label_zh().into(),
            status_code: a.status.code().into(),
            alarm: a.rule == neibao_engine::alerts::builtin::EMERGENCY_ALARM
                && a.status == neibao_domain::alerts::AlertStatus::Open,
            unit_id: a.unit_id.clone(),
            unit_name: a.unit_name.clone(),
            device_name: a.device_name.clone().unwrap_or_default(),
            rule: neibao_engine::alerts::builtin::builtin_rules()
                .into_iter()
                .find(|r| r.code == a.rule)
                .map(|r| r.title.to_string())
                .unwrap_or_else(|| a.rule.clone()),
            first_seen: fmt_time(a.first_seen),
            last_seen: fmt_time(a.last_seen),
            event_count: a.event_count,
            acknowledged: who(&a.acknowledged_by, &a.acknowledged_at, &a.acknowledge_comment),
            escalated: match (&a.escalated_to, a.escalated_at) {
                (Some(to), Some(at)) => format!(
                    "未及时确认，已于 {} 升级至{}（第{}级）",
                    fmt_time(at),
                    to,
                    a.escalation_level
                ),
                _ => String::new(),
            },
            resolved: match a.false_positive_reason {
                Some(r) => format!(
                    "{}（误报：{}）",
                    who(&a.resolved_by, &a.resolved_at, &a.resolve_comment),
                    r.label_zh()
                ),
                None => who(&a.resolved_by, &a.resolved_at, &a.resolve_comment),
            },
        }
    }
}

pub struct EventView {
    pub id: String,
    pub kind: String,
    pub vendor_type: String,
    pub state: String,
    pub place: String,
    pub target: String,
    pub device_time: String,
    /// The IANA zone an offset-less device time was read in (shown as 设备未给出时区，按 … 解读);
    /// empty when the device gave an offset.
    pub zone: String,
    pub unit_name: String,
    pub device_name: String,
    pub received: String,
    pub post_count: i64,
    /// One of the device's texts holds personal data shown masked (a 原文 link for those who may
    /// reveal it).
    pub masked: bool,
    /// The numbers of the pictures the device sent (1, 2 …), each viewable for a purpose.
    pub pictures: Vec<i64>,
}

impl From<&SecurityEvent> for EventView {
    fn from(e: &SecurityEvent) -> Self {
        let mut place = e.channel.map(|c| format!("通道{c}")).unwrap_or_default();
        if let Some(r) = &e.region {
            if !place.is_empty() {
                place.push(' ');
            }
            place.push_str(&region_label(r));
        }
        let target = match (&e.target, &e.person.name) {
            (Some(t), _) => target_label(t),
            (None, Some(n)) => n.clone(),
            _ => String::new(),
        };
        EventView {
            id: e.id.clone(),
            kind: e.kind.label_zh().into(),
            vendor_type: e.vendor_type.clone(),
            state: if e.ended_at.is_some() && e.state == neibao_domain::events::EventState::Inactive {
                "已结束".into()
            } else {
                "发生".into()
            },
            place,
            target,
            // Beijing time, with the device's own offset kept in brackets (device clocks lie); a
            // time the device sent without an offset names the zone it was read in instead (`zone`).
            device_time: e
                .device_time
                .map(|t| match &e.device_time_zone {
                    Some(_) => fmt_time(t.with_timezone(&Utc)),
                    None => format!("{}（设备时区 {}）", fmt_time(t.with_timezone(&Utc)), t.format("%:z")),
                })
                .unwrap_or_default(),
            zone: e.device_time.and(e.device_time_zone.clone()).unwrap_or_default(),
            unit_name: e.unit_name.clone(),
            device_name: e.device_name.clone().unwrap_or_default(),
            received: fmt_time(e.received_at),
            post_count: e.post_count,
            masked: [
                Some(&e.vendor_type),
                e.region.as_ref(),
                e.target.as_ref(),
                e.description.as_ref(),
            ]
            .into_iter()
            .flatten()
            .any(|t| t.contains('*')),
            pictures: (1..=e.image_count.clamp(0, 20)).collect(),
        }
    }
}

/// `1` → 区域1, `io:2` → 报警输入2, `door:1` → 门1; anything else as sent.
fn region_label(r: &str) -> String {
    if let Some(n) = r.strip_prefix("io:") {
        format!("报警输入{n}")
    } else if let Some(n) = r.strip_prefix("door:") {
        format!("门{n}")
    } else if !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()) {
        format!("区域{r}")
    } else {
        r.to_string()
    }
}

/// Detection targets in Chinese; plates and other text as sent.
fn target_label(t: &str) -> String {
    match t {
        "human" => "人员".into(),
        "vehicle" => "车辆".into(),
        "others" | "other" => "其他".into(),
        _ => t.to_string(),
    }
}

pub struct DeviceView {
    pub id: String,
    /// The optimistic version, sent back by the edit and state forms.
    pub version: i64,
    /// `active`, `deactivated`, `closed`.
    pub state: &'static str,
    /// 在用 / 停用 / 注销.
    pub state_label: &'static str,
    pub key_area_id: String,
    pub name: String,
    pub unit_id: String,
    pub unit_name: String,
    pub kind_label: String,
    pub format_label: String,
    pub key_area: String,
    pub online: bool,
    pub last_seen: String,
    /// The device clock's IANA time zone; empty: the installation's, Asia/Shanghai.
    pub time_zone: String,
    /// Whether `time_zone` is one of [`DEVICE_ZONE_CHOICES`] (else the edit form adds it).
    pub zone_listed: bool,
}

/// The time zones the device forms offer (value, label); the API takes any IANA name
/// (docs/DEVICE-FORMATS.md §0.4). The empty value is the installation's zone.
pub const DEVICE_ZONE_CHOICES: &[(&str, &str)] = &[
    ("", "北京时间 UTC+8（默认）"),
    ("Asia/Urumqi", "新疆时间 UTC+6"),
    ("Asia/Hong_Kong", "香港时间 UTC+8"),
    ("UTC", "世界时 UTC"),
];

impl From<&Device> for DeviceView {
    fn from(d: &Device) -> Self {
        DeviceView {
            id: d.id.clone(),
            version: d.version,
            state: d.state.code(),
            state_label: d.state.label_zh(),
            key_area_id: d.key_area_id.clone().unwrap_or_default(),
            name: d.name.clone(),
            unit_id: d.unit_id.clone(),
            unit_name: d.unit_name.clone(),
            kind_label: DEVICE_KINDS
                .iter()
                .find(|(k, _)| *k == d.kind)
                .map(|(_, l)| l.to_string())
                .unwrap_or_else(|| d.kind.clone()),
            format_label: d.format.label_zh().into(),
            key_area: d.key_area_name.clone().unwrap_or_default(),
            online: d.online,
            last_seen: d.last_seen_at.map(fmt_time).unwrap_or_else(|| "从未上报".into()),
            time_zone: d.time_zone.clone().unwrap_or_default(),
            zone_listed: DEVICE_ZONE_CHOICES
                .iter()
                .any(|(z, _)| *z == d.time_zone.as_deref().unwrap_or_default()),
        }
    }
}

/// Previous/next links keeping the other query parameters.
pub struct Pager {
    pub page: u32,
    pub pages: i64,
    pub prev: String,
    pub next: String,
    /// The page asked for lies past the last one (a stale link, a typed URL): the pager says so
    /// and links to the last page (`last`) instead of reading 第 999 / 1 页.
    pub beyond: bool,
    pub last: String,
}

impl Pager {
    pub fn new(path: &str, params: &[(&str, String)], page: u32, per_page: u32, total: i64) -> Pager {
        Pager::named(path, params, "page", page, per_page, total)
    }

    /// A pager whose page number travels in the query parameter `name`, for a page with two
    /// paged lists (the supervision hub: `page` for campaigns, `due_page` for the units due);
    /// `params` then carries the other list's page number.
    pub fn named(path: &str, params: &[(&str, String)], name: &str, page: u32, per_page: u32, total: i64) -> Pager {
        let pages = ((total + per_page as i64 - 1) / per_page as i64).max(1);
        let link = |p: u32| {
            let mut q: Vec<(&str, String)> = params.iter().filter(|(_, v)| !v.is_empty()).cloned().collect();
            q.push((name, p.to_string()));
            format!("{path}?{}", serde_urlencoded::to_string(&q).unwrap_or_default())
        };
        let beyond = page as i64 > pages;
        Pager {
            page,
            pages,
            beyond,
            last: link(pages as u32),
            prev: if page > 1 && !beyond {
                link(page - 1)
            } else {
                String::new()
            },
            next: if (page as i64) < pages {
                link(page + 1)
            } else {
                String::new()
            },
        }
    }
}

/// The link 导出 Excel of a list page: `GET /api/v1/exports/{list}` with the page's filters as
/// understood (`params`; empty values left out), so the file holds what the page lists.
pub fn export_href(list: &str, params: &[(&str, String)]) -> String {
    let q: Vec<(&str, String)> = params.iter().filter(|(_, v)| !v.is_empty()).cloned().collect();
    if q.is_empty() {
        return format!("/api/v1/exports/{list}");
    }
    format!(
        "/api/v1/exports/{list}?{}",
        serde_urlencoded::to_string(&q).unwrap_or_default()
    )
}

/// A column header that orders a list: its link and the mark of the current order.
pub struct SortHeader {
    /// The same list ordered by this column: ascending, or descending when it is already
    /// ascending; the other query parameters (filters, page) kept.
    pub href: String,
    /// ↑ or ↓ when the list is ordered by this column, else empty.
    pub mark: &'static str,
}

impl SortHeader {
    /// `current` is the list's `sort` value as understood (`""` for the default order, `name`,
    /// `-name`); `params` the other query parameters.
    pub fn new(path: &str, params: &[(&str, String)], current: &str, column: &str) -> SortHeader {
        let (mark, next) = if current == column {
            ("↑", format!("-{column}"))
        } else if current.strip_prefix('-') == Some(column) {
            ("↓", column.to_string())
        } else {
            ("", column.to_string())
        };
        let mut q: Vec<(&str, String)> = params.iter().filter(|(_, v)| !v.is_empty()).cloned().collect();
        q.push(("sort", next));
        SortHeader {
            href: format!("{path}?{}", serde_urlencoded::to_string(&q).unwrap_or_default()),
            mark,
        }
    }
}

/// "1234", or "10000+" when the list stopped counting.
pub(super) fn total_label<T>(list: &Listing<T>) -> String {
    if list.total_capped {
        format!("{}+", list.total)
    } else {
        list.total.to_string()
    }
}

/// A form with an optional comment (alert actions; the CSRF token is checked by `CsrfForm`).
#[derive(serde::Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    pub comment: String,
}

/// The zh-CN label of a severity code (the code itself when unknown).
pub fn severity_label(code: &str) -> String {
    neibao_domain::alerts::Severity::from_code(code)
        .map(|s| s.label_zh().to_string())
        .unwrap_or_else(|| code.to_string())
}

/// Every severity: (code, zh-CN label), lowest first.
pub fn severities() -> Vec<(&'static str, &'static str)> {
    neibao_domain::alerts::Severity::ALL
        .iter()
        .map(|s| (s.code(), s.label_zh()))
        .collect()
}

/// A piece of a text that marks code with backticks: plain words, or code shown in `<code>`.
pub struct Span {
    pub text: String,
    pub code: bool,
}

/// Splits `` "值为 `active` 或 `inactive`" `` into plain text and code (the backticks dropped),
/// so that a template shows machine values (condition values, file paths) as code beside the
/// Chinese words. An unpaired backtick is kept as text.
pub fn code_spans(s: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find('`') {
        let Some(j) = rest[i + 1..].find('`') else { break };
        if i > 0 {
            out.push(Span {
                text: rest[..i].to_string(),
                code: false,
            });
        }
        out.push(Span {
            text: rest[i + 1..i + 1 + j].to_string(),
            code: true,
        });
        rest = &rest[i + j + 2..];
    }
    if !rest.is_empty() {
        out.push(Span {
            text: rest.to_string(),
            code: false,
        });
    }
    out
}

#[cfg(test)]
mod span_tests {
    use super::code_spans;

    #[test]
    fn backticks_mark_code() {
        let s = code_spans("如 `active` 或 `inactive`（见 `a");
        let parts: Vec<(&str, bool)> = s.iter().map(|p| (p.text.as_str(), p.code)).collect();
        assert_eq!(
            parts,
            [
                ("如 ", false),
                ("active", true),
                (" 或 ", false),
                ("inactive", true),
                ("（见 `a", false)
            ]
        );
    }
}

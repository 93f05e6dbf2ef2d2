//! Early-warning pages (issue 4): data rules with versions, import and backtest (预警规则),
//! suppression windows (屏蔽时段), notification channels (通知渠道), the in-app inbox (消息),
//! device online rate (设备在线率) and an alert's notification deliveries.
//!
//! Every write goes through the same functions as the JSON API (`crate::api::warning`), so
//! validation, jurisdiction and reloading are those of the API. Forms carry the session's CSRF
//! token, checked before anything else; a refused form is shown again with its zh-CN message and
//! the values as typed (secrets excepted).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use neibao_domain::access::Role;
use neibao_domain::alerts::Severity;
use neibao_domain::devices::DeviceFilter;
use neibao_domain::error::ErrorCode;
use neibao_domain::events::EventKind;
use neibao_domain::paging::Page;
use neibao_domain::registry::UnitFilter;
use neibao_domain::warning::{StoredRule, SuppressionWindow};
use neibao_engine::warning::engine::{BacktestReport, ImportReport};
use neibao_engine::warning::ruleset::{RuleSpec, FACTS, SUPPRESSION_REASONS};

use super::form::{field, status_of, with_status, Fields};
use super::kit::error_page;
use super::kit::{render, UiUser};
use super::views::{fmt_time, Nav};
use crate::api::warning as api;
use crate::auth::{CurrentUser, CSRF_HEADER};
use crate::error::ApiError;
use crate::state::AppState;

type Facts = &'static [(&'static str, &'static str, &'static str)];

pub(super) fn forbidden(msg: &str) -> ApiError {
    ApiError::msg(ErrorCode::Forbidden, msg)
}

pub(super) fn severity_label(code: &str) -> String {
    Severity::from_code(code)
        .map(|s| s.label_zh().to_string())
        .unwrap_or_else(|| code.to_string())
}

pub(super) fn severities() -> Vec<(&'static str, &'static str)> {
    Severity::ALL.iter().map(|s| (s.code(), s.label_zh())).collect()
}

/// `2026-11-29T20:15` (a `datetime-local` value) in Beijing time.
pub(super) fn local_input(t: DateTime<Utc>) -> String {
    t.with_timezone(&Shanghai).format("%Y-%m-%dT%H:%M").to_string()
}

/// A `datetime-local` value (Beijing time) as an instant; a zh-CN message naming the field.
pub(super) fn parse_local(s: &str, label: &str) -> Result<DateTime<Utc>, ApiError> {
    let s = s.trim();
    let naive = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    .ok_or_else(|| ApiError::validation(format!("请填写「{label}」（北京时间，年-月-日 时:分）")))?;
    Shanghai
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| ApiError::validation(format!("「{label}」不是有效的时间")))
}

pub(super) fn some_text(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

// ------------------------------------------------------------------ rules

/// One data rule as the tables show it.
pub struct RuleRow {
    pub code: String,
    pub title: String,
    pub description: String,
    pub kind: String,
    pub severity: String,
    pub severity_code: String,
    pub enabled: bool,
    pub version: i64,
    pub scope: String,
    pub condition: String,
    pub created_by: String,
    pub created_at: String,
}

impl RuleRow {
    fn new(r: &StoredRule) -> RuleRow {
        let spec: Option<RuleSpec> = serde_json::from_value(r.spec.clone()).ok();
        let text = |p: &str| r.spec.pointer(p).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let (kind, severity_code, scope, condition) = match &spec {
            Some(s) => {
                let mut parts = Vec::new();
                if !s.scope.division_prefix.is_empty() {
                    parts.push(format!("区划 {}*", s.scope.division_prefix));
                }
                if !s.scope.unit_ids.is_empty() {
                    parts.push(format!("指定 {} 个单位", s.scope.unit_ids.len()));
                }
                if s.scope.key_units_only {
                    parts.push("仅重点单位".to_string());
                }
                if s.schedule.is_some() {
                    parts.push("按时段".to_string());
                }
                let scope = if parts.is_empty() {
                    "全部单位".to_string()
                } else {
                    parts.join("，")
                };
                (
                    s.kind.label_zh().to_string(),
                    s.severity.code().to_string(),
                    scope,
                    s.condition.clone(),
                )
            }
            None => (text("/kind/type"), text("/severity"), String::new(), text("/condition")),
        };
        RuleRow {
            code: r.code.clone(),
            title: text("/title"),
            description: text("/description"),
            kind,
            severity: severity_label(&severity_code),
            severity_code,
            enabled: r.enabled,
            version: r.version,
            scope,
            condition,
            created_by: r.created_by.clone(),
            created_at: fmt_time(r.created_at),
        }
    }
}

/// The rule editor (textarea with the spec JSON) and its draft-backtest period.
pub struct Editor {
    /// Where the form posts: `/warning/rules` (new) or `/warning/rules/{code}`.
    pub action: String,
    pub spec: String,
    pub expected_version: i64,
    pub from: String,
    pub to: String,
    pub unit_id: String,
    pub error: Option<String>,
}

/// A backtest period form (stored rule).
pub struct PeriodForm {
    pub from: String,
    pub to: String,
    pub unit_id: String,
    pub error: Option<String>,
}

impl PeriodForm {
    fn last_week() -> PeriodForm {
        let now = Utc::now();
        PeriodForm {
            from: local_input(now - Duration::days(7)),
            to: local_input(now + Duration::minutes(1)),
            unit_id: String::new(),
            error: None,
        }
    }
}

pub struct HitRow {
    pub at: String,
    pub unit_id: String,
    pub unit_name: String,
    pub device: String,
    pub event: String,
    pub detail: String,
    pub new_alert: bool,
}

/// A backtest result as shown.
pub struct BacktestView {
    pub draft: bool,
    pub code: String,
    pub from: String,
    pub to: String,
    pub events_scanned: usize,
    pub hit_count: usize,
    pub alerts: usize,
    pub truncated: bool,
    pub listed: usize,
    pub hits: Vec<HitRow>,
}

impl BacktestView {
    fn new(r: BacktestReport, draft: bool) -> BacktestView {
        BacktestView {
            draft,
            code: r.code,
            from: fmt_time(r.from),
            to: fmt_time(r.to),
            events_scanned: r.events_scanned,
            hit_count: r.hit_count,
            alerts: r.alerts,
            truncated: r.truncated,
            listed: r.hits.len(),
            hits: r
                .hits
                .into_iter()
                .map(|h| HitRow {
                    at: fmt_time(h.at),
                    unit_id: h.unit_id,
                    unit_name: h.unit_name,
                    device: if h.device_name.is_empty() {
                        h.device_id
                    } else {
                        h.device_name
                    },
                    event: EventKind::from_code(&h.event_kind)
                        .map(|k| format!("{}（{}）", k.label_zh(), h.event_kind))
                        .unwrap_or(h.event_kind),
                    detail: h.detail,
                    new_alert: h.new_alert,
                })
                .collect(),
        }
    }
}

pub struct ImportView {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub unchanged: Vec<String>,
}

impl From<ImportReport> for ImportView {
    fn from(r: ImportReport) -> Self {
        ImportView {
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
        }
    }
}

const EXAMPLE_SPEC: &str = r#"{
  "code": "denied_burst_example",
  "title": "同一门禁多次验证失败",
  "description": "同一设备 10 分钟内验证失败 5 次",
  "enabled": true,
  "severity": "medium",
  "kind": {"type": "threshold", "count": 5, "window_seconds": 600, "key": ["device_id"]},
  "condition": "kind == \"access.denied\"",
  "scope": {"division_prefix": "", "unit_ids": [], "key_units_only": false},
  "group_by": ["device_id"]
}"#;

fn may_read_rules(u: &CurrentUser) -> bool {
    u.is_police_or_admin()
}

fn read_refused() -> ApiError {
    forbidden("仅公安机关和系统管理员可以查看预警规则")
}

fn edit_refused() -> ApiError {
    forbidden("仅系统管理员和县级以上公安机关可以修改预警规则")
}

#[derive(Template)]
#[template(path = "warning/rules.html")]
struct RulesPage {
    nav: Nav,
    rules: Vec<RuleRow>,
    builtin: Vec<(&'static str, &'static str)>,
    facts: Facts,
    may_edit: bool,
    is_admin: bool,
    editor: Editor,
    backtest: Option<BacktestView>,
    import: Option<ImportView>,
    import_error: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    saved: String,
}

fn new_editor() -> Editor {
    let p = PeriodForm::last_week();
    Editor {
        action: "/warning/rules".into(),
        spec: EXAMPLE_SPEC.into(),
        expected_version: 0,
        from: p.from,
        to: p.to,
        unit_id: String::new(),
        error: None,
    }
}

/// `GET /warning/rules`.
pub async fn rules(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
    if !may_read_rules(&u) {
        return error_page(&u, read_refused());
    }
    rules_page(&state, &u, new_editor(), None, None, None).await
}

async fn rules_page(
    state: &AppState,
    u: &CurrentUser,
    editor: Editor,
    backtest: Option<BacktestView>,
    import: Option<ImportView>,
    import_error: Option<ApiError>,
) -> Response {
    let rules = match state.store.list_rules(None).await {
        Ok(r) => r,
        Err(e) => return error_page(u, e.into()),
    };
    let status = editor
        .error
        .is_some()
        .then_some(StatusCode::BAD_REQUEST)
        .or(import_error.as_ref().map(status_of))
        .unwrap_or(StatusCode::OK);
    let page = render(&RulesPage {
        nav: Nav::new(u),
        rules: rules.iter().map(RuleRow::new).collect(),
        builtin: neibao_engine::alerts::builtin::builtin_rules()
            .into_iter()
            .map(|r| (r.code, r.title))
            .collect(),
        facts: FACTS,
        may_edit: api::may_edit_rules(u),
        is_admin: u.user.role == Role::Admin,
        editor,
        backtest,
        import,
        import_error: import_error.map(|e| e.message),
    });
    with_status(page, status)
}

pub struct VersionRow {
    pub version: i64,
    pub enabled: bool,
    pub created_by: String,
    pub created_at: String,
    pub spec: String,
}

#[derive(Template)]
#[template(path = "warning/rule.html")]
struct RulePage {
    nav: Nav,
    is_admin: bool,
    r: RuleRow,
    versions: Vec<VersionRow>,
    facts: Facts,
    may_edit: bool,
    editor: Editor,
    period: PeriodForm,
    backtest: Option<BacktestView>,
    notice: Option<String>,
}

/// `GET /warning/rules/{code}`.
pub async fn rule(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(code): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Response {
    if !may_read_rules(&u) {
        return error_page(&u, read_refused());
    }
    let notice = (!q.saved.is_empty()).then(|| "已保存为新版本，规则已重新加载".to_string());
    rule_page(&state, &u, &code, None, PeriodForm::last_week(), None, notice).await
}

async fn rule_page(
    state: &AppState,
    u: &CurrentUser,
    code: &str,
    editor: Option<Editor>,
    period: PeriodForm,
    backtest: Option<BacktestView>,
    notice: Option<String>,
) -> Response {
    let versions = match state.store.list_rules(Some(code)).await {
        Ok(v) if !v.is_empty() => v,
        Ok(_) => return error_page(u, ApiError::msg(ErrorCode::NotFound, "没有这条预警规则")),
        Err(e) => return error_page(u, e.into()),
    };
    let current = &versions[0];
    let editor = editor.unwrap_or_else(|| {
        let p = PeriodForm::last_week();
        Editor {
            action: format!("/warning/rules/{code}"),
            spec: serde_json::to_string_pretty(&current.spec).unwrap_or_default(),
            expected_version: current.version,
            from: p.from,
            to: p.to,
            unit_id: String::new(),
            error: None,
        }
    });
    let status = if editor.error.is_some() || period.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = render(&RulePage {
        nav: Nav::new(u),
        is_admin: u.user.role == Role::Admin,
        r: RuleRow::new(current),
        versions: versions
            .iter()
            .map(|v| VersionRow {
                version: v.version,
                enabled: v.enabled,
                created_by: v.created_by.clone(),
                created_at: fmt_time(v.created_at),
                spec: serde_json::to_string_pretty(&v.spec).unwrap_or_default(),
            })
            .collect(),
        facts: FACTS,
        may_edit: api::may_edit_rules(u),
        editor,
        period,
        backtest,
        notice,
    });
    with_status(page, status)
}

/// The editor as sent.
fn editor_from(f: &Fields, action: String) -> Editor {
    Editor {
        action,
        spec: field(f, "spec").to_string(),
        expected_version: field(f, "expected_version").trim().parse().unwrap_or(0),
        from: field(f, "from").trim().to_string(),
        to: field(f, "to").trim().to_string(),
        unit_id: field(f, "unit_id").trim().to_string(),
        error: None,
    }
}

fn parse_spec(text: &str) -> Result<RuleSpec, ApiError> {
    if text.trim().is_empty() {
        return Err(ApiError::validation("请填写规则内容（JSON）"));
    }
    serde_json::from_str(text).map_err(|e| ApiError::validation(format!("规则内容不是有效的规则 JSON：{e}")))
}

/// Saves the editor's spec, or backtests it as a draft (`action=backtest`). `path_code`: the
/// rule being edited (its code wins over the one in the text).
async fn save_or_backtest(state: &AppState, u: &CurrentUser, f: &Fields, path_code: Option<&str>) -> Response {
    if let Err(e) = u.check_form_csrf(field(f, "csrf_token")) {
        return error_page(u, e);
    }
    if !may_read_rules(u) {
        return error_page(u, read_refused());
    }
    let action = match path_code {
        Some(c) => format!("/warning/rules/{c}"),
        None => "/warning/rules".to_string(),
    };
    let mut editor = editor_from(f, action);
    let draft = field(f, "action") == "backtest";
    let result = async {
        let mut spec = parse_spec(&editor.spec)?;
        if let Some(c) = path_code {
            spec.code = c.to_string();
        }
        if draft {
            let from = parse_local(&editor.from, "回测开始时间")?;
            let to = parse_local(&editor.to, "回测结束时间")?;
            let report = api::backtest_rule(
                state,
                u,
                api::BacktestRequest {
                    code: None,
                    rule: Some(spec),
                    from,
                    to,
                    unit_id: some_text(&editor.unit_id),
                },
            )
            .await?;
            Ok(Err(BacktestView::new(report, true)))
        } else {
            if !api::may_edit_rules(u) {
                return Err(edit_refused());
            }
            let saved = api::save_rule(state, u, spec, Some(editor.expected_version)).await?;
            Ok(Ok(saved))
        }
    }
    .await;
    let backtest = match result {
        Ok(Ok(saved)) => {
            return Redirect::to(&format!("/warning/rules/{}?saved=1", saved.code)).into_response();
        }
        Ok(Err(view)) => Some(view),
        Err(e) if e.code == ErrorCode::Forbidden && !api::may_edit_rules(u) => return error_page(u, e),
        Err(e) => {
            editor.error = Some(match e.code {
                ErrorCode::Conflict => format!("{}（其他人已保存了新的版本或规则代码已存在，请刷新后再改）", e.message),
                _ => e.message,
            });
            None
        }
    };
    match path_code {
        Some(c) => rule_page(state, u, c, Some(editor), PeriodForm::last_week(), backtest, None).await,
        None => rules_page(state, u, editor, backtest, None, None).await,
    }
}

/// `POST /warning/rules`: creates a rule (or backtests the draft).
pub async fn create_rule(State(state): State<AppState>, UiUser(u): UiUser, Form(f): Form<Fields>) -> Response {
    save_or_backtest(&state, &u, &f, None).await
}

/// `POST /warning/rules/{code}`: saves a new version (or backtests the draft).
pub async fn update_rule(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(code): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    save_or_backtest(&state, &u, &f, Some(&code)).await
}

/// `POST /warning/rules/{code}/backtest`: runs the stored rule over a period.
pub async fn backtest(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(code): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(e) = u.check_form_csrf(field(&f, "csrf_token")) {
        return error_page(&u, e);
    }
    if !may_read_rules(&u) {
        return error_page(&u, read_refused());
    }
    let mut period = PeriodForm {
        from: field(&f, "from").trim().to_string(),
        to: field(&f, "to").trim().to_string(),
        unit_id: field(&f, "unit_id").trim().to_string(),
        error: None,
    };
    let r = async {
        let from = parse_local(&period.from, "开始时间")?;
        let to = parse_local(&period.to, "结束时间")?;
        api::backtest_rule(
            &state,
            &u,
            api::BacktestRequest {
                code: Some(code.clone()),
                rule: None,
                from,
                to,
                unit_id: some_text(&period.unit_id),
            },
        )
        .await
    }
    .await;
    let view = match r {
        Ok(report) => Some(BacktestView::new(report, false)),
        Err(e) if e.code == ErrorCode::NotFound => return error_page(&u, e),
        Err(e) => {
            period.error = Some(e.message);
            None
        }
    };
    rule_page(&state, &u, &code, None, period, view, None).await
}

/// Reads a rule-file upload: the CSRF token (the `X-CSRF-Token` header or a `csrf` field that
/// must come first), then `file`.
async fn read_rule_file(u: &CurrentUser, headers: &HeaderMap, mut mp: Multipart) -> Result<Vec<u8>, ApiError> {
    let refused = || forbidden("页面已过期，请刷新后重试");
    let mut checked = match headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        Some(t) => {
            u.check_form_csrf(t)?;
            true
        }
        None => u.csrf.is_none(),
    };
    let too_large = || ApiError::msg(ErrorCode::PayloadTooLarge, "规则文件过大");
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(_) => return Err(ApiError::validation("上传内容格式错误（须为 multipart/form-data）")),
        };
        match field.name().unwrap_or("") {
            "csrf" | "csrf_token" if !checked => {
                let token = field.text().await.map_err(|_| refused())?;
                u.check_form_csrf(&token)?;
                checked = true;
            }
            _ if !checked => return Err(refused()),
            "file" => {
                let data = match field.bytes().await {
                    Ok(b) => b.to_vec(),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
                    Err(_) => return Err(ApiError::validation("文件读取失败")),
                };
                if data.is_empty() {
                    return Err(ApiError::validation("请选择规则文件（JSON）"));
                }
                return Ok(data);
            }
            _ => {}
        }
    }
    if !checked {
        return Err(refused());
    }
    Err(ApiError::validation("请选择规则文件（JSON）"))
}

/// `POST /warning/rules/import` (multipart: `csrf`, then `file`).
pub async fn import(State(state): State<AppState>, UiUser(u): UiUser, headers: HeaderMap, mp: Multipart) -> Response {
    let r = async {
        let bytes = read_rule_file(&u, &headers, mp).await?;
        if !api::may_edit_rules(&u) {
            return Err(edit_refused());
        }
        api::import_rules(&state, &u, &bytes).await
    }
    .await;
    match r {
        Ok(report) => rules_page(&state, &u, new_editor(), None, Some(report.into()), None).await,
        Err(e) if e.code == ErrorCode::Forbidden && (!api::may_edit_rules(&u) || e.message.contains("页面已过期")) => {
            error_page(&u, e)
        }
        Err(e) => rules_page(&state, &u, new_editor(), None, None, Some(e)).await,
    }
}

// ------------------------------------------------------------------ suppression windows

fn may_suppress(u: &CurrentUser) -> bool {
    u.is_police_or_admin() || u.user.role == Role::UnitManager
}

pub struct SuppressionRow {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub device: String,
    pub rule: String,
    pub from: String,
    pub to: String,
    pub active: bool,
    pub reason: String,
    pub note: String,
    pub created_by: String,
}

/// The add form as shown or sent.
pub struct SuppressionForm {
    pub unit_id: String,
    pub device_id: String,
    pub rule: String,
    pub from: String,
    pub to: String,
    pub reason: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "warning/suppressions.html")]
struct SuppressionsPage {
    nav: Nav,
    is_admin: bool,
    rows: Vec<SuppressionRow>,
    may_edit: bool,
    /// (id, name) of the units in scope (at most 200).
    units: Vec<(String, String)>,
    units_capped: bool,
    /// (id, name) of the chosen unit's devices; empty: the device is typed.
    devices: Vec<(String, String)>,
    /// (code, title) of every rule.
    rules: Vec<(String, String)>,
    reasons: &'static [(&'static str, &'static str)],
    filter_unit: String,
    form: SuppressionForm,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct SuppressionQuery {
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    added: String,
    #[serde(default)]
    ended: String,
}

/// `GET /warning/suppressions[?unit_id=]`.
pub async fn suppressions(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Query(q): Query<SuppressionQuery>,
) -> Response {
    let now = Utc::now();
    let form = SuppressionForm {
        unit_id: q.unit_id.clone(),
        device_id: String::new(),
        rule: String::new(),
        from: local_input(now),
        to: local_input(now + Duration::hours(2)),
        reason: "maintenance".into(),
        note: String::new(),
    };
    let notice = if !q.added.is_empty() {
        Some("已添加屏蔽时段".to_string())
    } else if !q.ended.is_empty() {
        Some("已结束屏蔽时段".to_string())
    } else {
        None
    };
    suppressions_page(&state, &u, q.unit_id.trim(), form, None, notice).await
}

async fn suppressions_page(
    state: &AppState,
    u: &CurrentUser,
    filter_unit: &str,
    form: SuppressionForm,
    error: Option<ApiError>,
    notice: Option<String>,
) -> Response {
    let now = Utc::now();
    let loaded = async {
        let windows = state
            .store
            .list_suppressions(&u.scope, some_text(filter_unit).as_deref(), now)
            .await?;
        let list = state
            .store
            .list_units(&u.scope, &UnitFilter::default(), Page::new(Some(1), Some(200)))
            .await?;
        let mut units: Vec<(String, String)> = list.items.iter().map(|x| (x.id.clone(), x.name.clone())).collect();
        let capped = list.total > units.len() as i64;
        // A unit asked for that is not in the first page: look it up (it must be in scope).
        for id in [filter_unit, form.unit_id.as_str()] {
            if !id.is_empty() && !units.iter().any(|(i, _)| i == id) {
                if let Ok(unit) = state.store.get_unit(&u.scope, id).await {
                    units.insert(0, (unit.id, unit.name));
                }
            }
        }
        let devices = if form.unit_id.is_empty() {
            Vec::new()
        } else {
            state
                .store
                .list_devices(
                    &u.scope,
                    &DeviceFilter {
                        unit_id: Some(form.unit_id.clone()),
                        online: None,
                    },
                    Page::new(Some(1), Some(200)),
                    now,
                )
                .await
                .map(|l| l.items.iter().map(|d| (d.id.clone(), d.name.clone())).collect())
                .unwrap_or_default()
        };
        let mut rules: Vec<(String, String)> = neibao_engine::alerts::builtin::builtin_rules()
            .into_iter()
            .map(|r| (r.code.to_string(), r.title.to_string()))
            .collect();
        for r in state.store.list_rules(None).await? {
            let title = r
                .spec
                .pointer("/title")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string();
            rules.push((r.code, title));
        }
        Ok::<_, neibao_store::StoreError>((windows, units, capped, devices, rules))
    }
    .await;
    let (windows, units, units_capped, devices, rules) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(u, e.into()),
    };
    let unit_names: HashMap<&str, &str> = units.iter().map(|(i, n)| (i.as_str(), n.as_str())).collect();
    let device_names: HashMap<&str, &str> = devices.iter().map(|(i, n)| (i.as_str(), n.as_str())).collect();
    let rule_names: HashMap<&str, &str> = rules.iter().map(|(c, t)| (c.as_str(), t.as_str())).collect();
    let rows = windows
        .iter()
        .map(|w: &SuppressionWindow| SuppressionRow {
            id: w.id.clone(),
            unit_id: w.unit_id.clone(),
            unit_name: unit_names
                .get(w.unit_id.as_str())
                .map(|s| s.to_string())
                .unwrap_or_else(|| w.unit_id.clone()),
            device: match &w.device_id {
                Some(d) => device_names
                    .get(d.as_str())
                    .map(|n| format!("{n}（{d}）"))
                    .unwrap_or_else(|| d.clone()),
                None => "全部设备".into(),
            },
            rule: match &w.rule {
                Some(r) => rule_names
                    .get(r.as_str())
                    .filter(|t| !t.is_empty())
                    .map(|t| format!("{t}（{r}）"))
                    .unwrap_or_else(|| r.clone()),
                None => "全部规则".into(),
            },
            from: fmt_time(w.from),
            to: fmt_time(w.to),
            active: w.from <= now && now < w.to,
            reason: SUPPRESSION_REASONS
                .iter()
                .find(|(c, _)| *c == w.reason)
                .map(|(_, l)| l.to_string())
                .unwrap_or_else(|| w.reason.clone()),
            note: w.note.clone(),
            created_by: w.created_by.clone(),
        })
        .collect();
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&SuppressionsPage {
        nav: Nav::new(u),
        is_admin: u.user.role == Role::Admin,
        rows,
        may_edit: may_suppress(u),
        units,
        units_capped,
        devices,
        rules,
        reasons: SUPPRESSION_REASONS,
        filter_unit: filter_unit.to_string(),
        form,
        error: error.map(|e| e.message),
        notice,
    });
    with_status(page, status)
}

/// `POST /warning/suppressions`: adds a window.
pub async fn add_suppression(State(state): State<AppState>, UiUser(u): UiUser, Form(f): Form<Fields>) -> Response {
    if let Err(e) = u.check_form_csrf(field(&f, "csrf_token")) {
        return error_page(&u, e);
    }
    if !may_suppress(&u) {
        return error_page(&u, forbidden("仅公安机关、系统管理员和单位保卫负责人可以设置屏蔽时段"));
    }
    let form = SuppressionForm {
        unit_id: field(&f, "unit_id").trim().to_string(),
        device_id: field(&f, "device_id").trim().to_string(),
        rule: field(&f, "rule").trim().to_string(),
        from: field(&f, "from").trim().to_string(),
        to: field(&f, "to").trim().to_string(),
        reason: field(&f, "reason").trim().to_string(),
        note: field(&f, "note").to_string(),
    };
    let filter_unit = field(&f, "filter_unit").trim().to_string();
    let r = async {
        if form.unit_id.is_empty() {
            return Err(ApiError::validation("请选择单位"));
        }
        let n = api::NewSuppression {
            unit_id: form.unit_id.clone(),
            device_id: some_text(&form.device_id),
            rule: some_text(&form.rule),
            from: parse_local(&form.from, "开始时间")?,
            to: parse_local(&form.to, "结束时间")?,
            reason: form.reason.clone(),
            note: form.note.clone(),
        };
        api::add_suppression(&state, &u, n).await
    }
    .await;
    match r {
        Ok(_) => {
            let q =
                serde_urlencoded::to_string([("unit_id", filter_unit.as_str()), ("added", "1")]).unwrap_or_default();
            Redirect::to(&format!("/warning/suppressions?{q}")).into_response()
        }
        Err(e) => {
            let e = if e.code == ErrorCode::NotFound {
                ApiError::msg(
                    ErrorCode::NotFound,
                    "单位或设备不存在，或不在您的管辖范围内（设备须属于该单位）",
                )
            } else {
                e
            };
            suppressions_page(&state, &u, &filter_unit, form, Some(e), None).await
        }
    }
}

/// `POST /warning/suppressions/{id}/end`: ends a window now.
pub async fn end_suppression(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(e) = u.check_form_csrf(field(&f, "csrf_token")) {
        return error_page(&u, e);
    }
    if !may_suppress(&u) {
        return error_page(&u, forbidden("仅公安机关、系统管理员和单位保卫负责人可以结束屏蔽时段"));
    }
    match state.store.end_suppression(&u.scope, &id, Utc::now()).await {
        Ok(()) => {
            state.services.pipeline().forget_all_suppressions();
            let filter_unit = field(&f, "filter_unit").trim();
            let q = serde_urlencoded::to_string([("unit_id", filter_unit), ("ended", "1")]).unwrap_or_default();
            Redirect::to(&format!("/warning/suppressions?{q}")).into_response()
        }
        Err(e) => error_page(&u, e.into()),
    }
}

// ------------------------------------------------------------------ channels

// ------------------------------------------------------------------ inbox

// ------------------------------------------------------------------ device health

// ------------------------------------------------------------------ alert deliveries

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/warning/rules", routing::get(rules).post(create_rule))
        .route("/warning/rules/import", routing::post(import))
        .route("/warning/rules/{code}", routing::get(rule).post(update_rule))
        .route("/warning/rules/{code}/backtest", routing::post(backtest))
        .route(
            "/warning/suppressions",
            routing::get(suppressions).post(add_suppression),
        )
        .route("/warning/suppressions/{id}/end", routing::post(end_suppression))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_local_is_beijing_time() {
        let t = parse_local("2026-01-02T08:30", "开始时间").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-01-02T00:30:00+00:00");
        assert_eq!(local_input(t), "2026-01-02T08:30");
        let e = parse_local("", "开始时间").unwrap_err();
        assert!(e.message.contains("开始时间"));
    }

    #[test]
    fn the_example_spec_compiles() {
        let spec: RuleSpec = serde_json::from_str(EXAMPLE_SPEC).unwrap();
        neibao_engine::warning::ruleset::compile(&spec).unwrap();
    }
}

//! Supervision administration pages: the bureau's supervision settings (本局监督设置) and the
//! inspection checklists with their versions (检查表), including publishing a new version.
//!
//! Who may do what is as in the JSON API (`crate::api::supervision`): everyone on the
//! jurisdiction side reads the settings, county-level and higher police change their own
//! bureau's; everyone signed in reads the checklists, administrators and provincial police
//! publish new versions. Forms carry the session's CSRF token, checked before anything else;
//! a refused form is shown again with its message and the values as typed.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use neibao_domain::access::Role;
use neibao_domain::documents::default_prefix;
use neibao_domain::supervision::checklist::{validate_items, ChecklistItem, Defence, Variant};
use neibao_domain::supervision::credit::{CreditRule, EntryKind, EntryRule};
use neibao_domain::supervision::ladder::Rung;
use neibao_domain::supervision::ChecklistVersion;
use neibao_domain::supervision::{DeadlineDefaults, SupervisionSettings};
use neibao_engine::supervision::workflow as sv;
use serde::Deserialize;

use super::kit::error_page;
use super::kit::{render, UiUser};
use super::views::{fmt_time, Nav};
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::state::AppState;

use super::form::{field, status_of, with_status, Fields};

fn checked(f: &Fields, name: &str) -> bool {
    !field(f, name).is_empty()
}

/// A whole number from a form field, or a zh-CN message naming the field.
fn int(s: &str, label: &str) -> Result<i64, ApiError> {
    s.trim()
        .parse::<i64>()
        .map_err(|_| ApiError::validation(format!("「{label}」须填写整数")))
}

/// `5`, `2.5`: a weight without needless decimals.
fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

// ------------------------------------------------------------------ settings

/// Police, departments and administrators see supervision from the jurisdiction's side.
fn may_view_settings(u: &CurrentUser) -> bool {
    u.user.role.is_police() || matches!(u.user.role, Role::Department | Role::Admin)
}

/// County-level and higher police set their own bureau's settings.
fn may_set_bureau(u: &CurrentUser) -> bool {
    matches!(
        u.user.role,
        Role::PoliceProvince | Role::PoliceCity | Role::PoliceCounty
    ) && u.user.org_id.is_some()
}

pub struct RungRow {
    pub code: &'static str,
    pub label: &'static str,
    pub included: bool,
    pub position: String,
}

pub struct EntryRow {
    pub code: &'static str,
    pub label: &'static str,
    pub points: String,
    pub valid_days: String,
}

/// (field name, label, value)
pub type NumField = (&'static str, &'static str, String);

/// The settings form as shown: stored, or as just sent when refused.
pub struct SettingsValues {
    pub doc_prefix: String,
    pub doc_department: String,
    pub general_days: String,
    pub major_days: String,
    pub max_days: String,
    pub reminder_days: String,
    pub rungs: Vec<RungRow>,
    pub entries: Vec<EntryRow>,
    pub thresholds: Vec<NumField>,
    pub intervals: Vec<NumField>,
}

const THRESHOLD_FIELDS: [(&str, &str); 3] = [("threshold_a", "A级"), ("threshold_b", "B级"), ("threshold_c", "C级")];
const INTERVAL_FIELDS: [(&str, &str); 4] = [
    ("interval_a", "A级"),
    ("interval_b", "B级"),
    ("interval_c", "C级"),
    ("interval_d", "D级"),
];

impl SettingsValues {
    fn from_settings(s: &SupervisionSettings) -> SettingsValues {
        let mut rungs: Vec<RungRow> = s
            .ladder
            .iter()
            .enumerate()
            .map(|(i, r)| RungRow {
                code: r.code(),
                label: r.label_zh(),
                included: true,
                position: (i + 1).to_string(),
            })
            .collect();
        for r in Rung::ALL {
            if !s.ladder.contains(&r) {
                rungs.push(RungRow {
                    code: r.code(),
                    label: r.label_zh(),
                    included: false,
                    position: String::new(),
                });
            }
        }
        SettingsValues {
            doc_prefix: s.doc_prefix.clone(),
            doc_department: s.doc_department.clone(),
            general_days: s.deadlines.general_days.to_string(),
            major_days: s.deadlines.major_days.to_string(),
            max_days: s.deadlines.max_days.to_string(),
            reminder_days: s
                .reminder_days
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(","),
            rungs,
            entries: EntryKind::ALL
                .iter()
                .map(|k| {
                    let e = s.credit.entry(*k);
                    EntryRow {
                        code: k.code(),
                        label: k.label_zh(),
                        points: e.points.to_string(),
                        valid_days: e.valid_days.to_string(),
                    }
                })
                .collect(),
            thresholds: THRESHOLD_FIELDS
                .iter()
                .zip(s.credit.thresholds)
                .map(|((n, l), v)| (*n, *l, v.to_string()))
                .collect(),
            intervals: INTERVAL_FIELDS
                .iter()
                .zip(s.credit.interval_days)
                .map(|((n, l), v)| (*n, *l, v.to_string()))
                .collect(),
        }
    }

    /// The form as sent (rungs in the order of their positions as typed).
    fn from_form(f: &Fields) -> SettingsValues {
        let mut rungs: Vec<RungRow> = Rung::ALL
            .iter()
            .map(|r| RungRow {
                code: r.code(),
                label: r.label_zh(),
                included: checked(f, &format!("rung_{}", r.code())),
                position: field(f, &format!("pos_{}", r.code())).trim().to_string(),
            })
            .collect();
        rungs.sort_by_key(|r| (!r.included, r.position.parse::<i64>().unwrap_or(i64::MAX)));
        let num = |names: &[(&'static str, &'static str)]| {
            names
                .iter()
                .map(|(n, l)| (*n, *l, field(f, n).trim().to_string()))
                .collect()
        };
        SettingsValues {
            doc_prefix: field(f, "doc_prefix").trim().to_string(),
            doc_department: field(f, "doc_department").trim().to_string(),
            general_days: field(f, "general_days").trim().to_string(),
            major_days: field(f, "major_days").trim().to_string(),
            max_days: field(f, "max_days").trim().to_string(),
            reminder_days: field(f, "reminder_days").trim().to_string(),
            rungs,
            entries: EntryKind::ALL
                .iter()
                .map(|k| EntryRow {
                    code: k.code(),
                    label: k.label_zh(),
                    points: field(f, &format!("points_{}", k.code())).trim().to_string(),
                    valid_days: field(f, &format!("valid_{}", k.code())).trim().to_string(),
                })
                .collect(),
            thresholds: num(&THRESHOLD_FIELDS),
            intervals: num(&INTERVAL_FIELDS),
        }
    }

    /// The settings the values stand for; a zh-CN message for what cannot be read. The
    /// settings' own rules are checked by [`SupervisionSettings::validate`] when they are stored.
    fn to_settings(&self) -> Result<SupervisionSettings, ApiError> {
        let mut reminder_days = Vec::new();
        for part in self
            .reminder_days
            .split([',', '，', '、', ';', '；', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            reminder_days.push(
                part.parse::<i64>()
                    .map_err(|_| ApiError::validation("到期提醒请填写天数，用逗号分隔，如 7,3,1"))?,
            );
        }
        let mut ladder = Vec::new();
        for r in self.rungs.iter().filter(|r| r.included) {
            let rung = Rung::from_code(r.code).ok_or_else(|| ApiError::validation("未知的督办措施"))?;
            let pos = int(&r.position, &format!("{}的顺序", r.label))?;
            ladder.push((pos, rung));
        }
        // Stable: equal positions keep the default order.
        ladder.sort_by_key(|(pos, _)| *pos);
        let mut entries = Vec::new();
        for e in &self.entries {
            let kind = EntryKind::from_code(e.code).ok_or_else(|| ApiError::validation("未知的诚信记录类型"))?;
            entries.push(EntryRule {
                kind,
                points: int(&e.points, &format!("{}的扣分", e.label))?,
                valid_days: int(&e.valid_days, &format!("{}的有效期", e.label))?,
            });
        }
        let mut thresholds = [0; 3];
        for (t, (_, l, v)) in thresholds.iter_mut().zip(&self.thresholds) {
            *t = int(v, &format!("{l}分数线"))?;
        }
        let mut interval_days = [0; 4];
        for (t, (_, l, v)) in interval_days.iter_mut().zip(&self.intervals) {
            *t = int(v, &format!("{l}检查周期"))?;
        }
        Ok(SupervisionSettings {
            doc_prefix: self.doc_prefix.clone(),
            doc_department: self.doc_department.clone(),
            deadlines: DeadlineDefaults {
                general_days: int(&self.general_days, "一般隐患整改期限")?,
                major_days: int(&self.major_days, "重大隐患整改期限")?,
                max_days: int(&self.max_days, "最长整改期限")?,
            },
            reminder_days,
            ladder: ladder.into_iter().map(|(_, r)| r).collect(),
            credit: CreditRule {
                entries,
                thresholds,
                interval_days,
            },
        })
    }
}

#[derive(Template)]
#[template(path = "supervision/settings.html")]
struct SettingsPage {
    nav: Nav,
    org_name: String,
    editable: bool,
    /// Why the page is read-only (empty when editable).
    readonly_note: String,
    auto_prefix: String,
    v: SettingsValues,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    saved: String,
}

/// `GET /supervision/settings`.
pub async fn settings(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<SavedQuery>) -> Response {
    if !may_view_settings(&u) {
        return error_page(&u, ApiError::forbidden());
    }
    let s = match sv::settings(state.store.as_ref(), u.user.org_id.as_deref()).await {
        Ok(s) => s,
        Err(e) => return error_page(&u, e.into()),
    };
    let notice = (!q.saved.is_empty()).then(|| "已保存".to_string());
    settings_page(&u, SettingsValues::from_settings(&s), None, notice)
}

fn settings_page(u: &CurrentUser, v: SettingsValues, error: Option<ApiError>, notice: Option<String>) -> Response {
    let editable = may_set_bureau(u);
    let readonly_note = if editable {
        String::new()
    } else if u.user.org_id.is_none() {
        "您的账号不隶属于公安机关，以下为系统默认设置，仅供查看。".to_string()
    } else {
        "仅县级以上公安机关可以修改本局监督设置，以下仅供查看。".to_string()
    };
    let org_name = u.user.org_name.clone().unwrap_or_default();
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&SettingsPage {
        nav: Nav::new(u),
        auto_prefix: default_prefix(&org_name),
        org_name,
        editable,
        readonly_note,
        v,
        error: error.map(|e| e.message),
        notice,
    });
    with_status(page, status)
}

/// `POST /supervision/settings`: replaces the bureau's settings.
pub async fn save_settings(State(state): State<AppState>, UiUser(u): UiUser, Form(f): Form<Fields>) -> Response {
    if let Err(e) = u.check_form_csrf(field(&f, "csrf_token")) {
        return error_page(&u, e);
    }
    let Some(org) = u.user.org_id.clone().filter(|_| may_set_bureau(&u)) else {
        return error_page(
            &u,
            ApiError::msg(
                neibao_domain::error::ErrorCode::Forbidden,
                "仅县级以上公安机关可以修改本局监督设置",
            ),
        );
    };
    let values = SettingsValues::from_form(&f);
    let r = async {
        let s = values.to_settings()?;
        sv::save_settings(state.store.as_ref(), &org, &s).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match r {
        Ok(()) => Redirect::to("/supervision/settings?saved=1").into_response(),
        Err(e) => settings_page(&u, values, Some(e), None),
    }
}

// ------------------------------------------------------------------ checklists

const DEFENCES: [(Defence, &str); 5] = [
    (Defence::Institutional, "institutional"),
    (Defence::Human, "human"),
    (Defence::Physical, "physical"),
    (Defence::Technical, "technical"),
    (Defence::Psychological, "psychological"),
];

fn defence_code(d: Defence) -> &'static str {
    DEFENCES
        .iter()
        .find(|(x, _)| *x == d)
        .map(|(_, c)| *c)
        .unwrap_or("institutional")
}

fn may_edit_checklists(u: &CurrentUser) -> bool {
    matches!(u.user.role, Role::Admin | Role::PoliceProvince)
}

/// How many empty rows the edit form offers for new items.
const EMPTY_ROWS: usize = 3;

pub struct VersionRow {
    pub id: String,
    pub version: i64,
    pub title: String,
    pub items: usize,
    pub weight: String,
    pub created_by: String,
    pub created_at: String,
}

impl VersionRow {
    fn new(c: &ChecklistVersion) -> VersionRow {
        VersionRow {
            id: c.id.clone(),
            version: c.version,
            title: c.title.clone(),
            items: c.items.len(),
            weight: fmt_num(c.items.iter().map(|i| i.weight).sum()),
            created_by: c.created_by.clone(),
            created_at: fmt_time(c.created_at),
        }
    }
}

pub struct VariantGroup {
    pub code: &'static str,
    pub label: &'static str,
    pub versions: Vec<VersionRow>,
}

#[derive(Template)]
#[template(path = "supervision/checklists.html")]
struct ChecklistsPage {
    nav: Nav,
    groups: Vec<VariantGroup>,
    may_edit: bool,
}

/// `GET /checklists`: every variant with its versions, newest first.
pub async fn checklists(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
    let all = match state.store.list_checklists().await {
        Ok(v) => v,
        Err(e) => return error_page(&u, e.into()),
    };
    let groups = Variant::ALL
        .iter()
        .map(|v| {
            let mut list: Vec<&ChecklistVersion> = all.iter().filter(|c| c.variant == *v).collect();
            list.sort_by_key(|c| std::cmp::Reverse(c.version));
            VariantGroup {
                code: v.code(),
                label: v.label_zh(),
                versions: list.into_iter().map(VersionRow::new).collect(),
            }
        })
        .collect();
    render(&ChecklistsPage {
        nav: Nav::new(&u),
        groups,
        may_edit: may_edit_checklists(&u),
    })
}

pub struct ItemView {
    pub code: String,
    pub title: String,
    pub basis: String,
    pub weight: String,
    pub critical: bool,
    pub evidence: String,
    pub auto: bool,
}

pub struct ItemGroup {
    pub label: &'static str,
    pub weight: String,
    pub items: Vec<ItemView>,
}

/// One row of the edit form, as shown or as sent.
#[derive(Default)]
pub struct EditRow {
    pub code: String,
    pub defence: String,
    pub title: String,
    pub basis: String,
    pub weight: String,
    pub critical: bool,
    pub evidence: String,
    pub auto: bool,
    pub delete: bool,
}

impl EditRow {
    fn from_item(i: &ChecklistItem) -> EditRow {
        EditRow {
            code: i.code.clone(),
            defence: defence_code(i.defence).to_string(),
            title: i.title.clone(),
            basis: i.basis.clone(),
            weight: fmt_num(i.weight),
            critical: i.critical,
            evidence: i.evidence.clone(),
            auto: i.auto,
            delete: false,
        }
    }

    fn is_blank(&self) -> bool {
        [&self.code, &self.title, &self.basis, &self.weight, &self.evidence]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

/// The edit form: the new version's title and its rows.
pub struct EditValues {
    pub title: String,
    pub rows: Vec<EditRow>,
}

#[derive(Template)]
#[template(path = "supervision/checklist.html")]
struct ChecklistPage {
    nav: Nav,
    c: VersionRow,
    variant_code: &'static str,
    variant_label: &'static str,
    latest: bool,
    latest_id: String,
    groups: Vec<ItemGroup>,
    critical_count: usize,
    auto_count: usize,
    /// (code, label)
    defences: Vec<(&'static str, &'static str)>,
    /// The edit form, for administrators and provincial police on the newest version.
    edit: Option<EditValues>,
    error: Option<String>,
}

/// `GET /checklists/{id}`: one version's items by defence.
pub async fn checklist(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    let c = match state.store.get_checklist(&id).await {
        Ok(c) => c,
        Err(e) => return error_page(&u, e.into()),
    };
    checklist_page(&state, &u, c, None, None).await
}

async fn checklist_page(
    state: &AppState,
    u: &CurrentUser,
    c: ChecklistVersion,
    edit: Option<EditValues>,
    error: Option<ApiError>,
) -> Response {
    let latest = match state.store.latest_checklist(c.variant).await {
        Ok(l) => l,
        Err(e) => return error_page(u, e.into()),
    };
    let is_latest = latest.id == c.id;
    let edit = if may_edit_checklists(u) && is_latest {
        Some(edit.unwrap_or_else(|| {
            EditValues {
                title: c.title.clone(),
                rows: c
                    .items
                    .iter()
                    .map(EditRow::from_item)
                    .chain((0..EMPTY_ROWS).map(|_| EditRow::default()))
                    .collect(),
            }
        }))
    } else {
        None
    };
    let groups = DEFENCES
        .iter()
        .filter_map(|(d, _)| {
            let items: Vec<&ChecklistItem> = c.items.iter().filter(|i| i.defence == *d).collect();
            (!items.is_empty()).then(|| ItemGroup {
                label: d.label_zh(),
                weight: fmt_num(items.iter().map(|i| i.weight).sum()),
                items: items
                    .into_iter()
                    .map(|i| ItemView {
                        code: i.code.clone(),
                        title: i.title.clone(),
                        basis: i.basis.clone(),
                        weight: fmt_num(i.weight),
                        critical: i.critical,
                        evidence: i.evidence.clone(),
                        auto: i.auto,
                    })
                    .collect(),
            })
        })
        .collect();
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&ChecklistPage {
        nav: Nav::new(u),
        c: VersionRow::new(&c),
        variant_code: c.variant.code(),
        variant_label: c.variant.label_zh(),
        latest: is_latest,
        latest_id: latest.id,
        critical_count: c.items.iter().filter(|i| i.critical).count(),
        auto_count: c.items.iter().filter(|i| i.auto).count(),
        groups,
        defences: DEFENCES.iter().map(|(d, code)| (*code, d.label_zh())).collect(),
        edit,
        error: error.map(|e| e.message),
    });
    with_status(page, status)
}

/// Reads the edit form: `title`, and per row `N` the fields `code_N`, `defence_N`, `title_N`,
/// `basis_N`, `weight_N`, `critical_N`, `evidence_N`, `auto_N`, `delete_N`.
fn edit_from_form(f: &Fields) -> EditValues {
    let mut idx: Vec<usize> = f
        .iter()
        .filter_map(|(k, _)| k.strip_prefix("code_")?.parse().ok())
        .filter(|n| *n < 1000)
        .collect();
    idx.sort_unstable();
    idx.dedup();
    let rows = idx
        .into_iter()
        .map(|n| {
            let get = |name: &str| field(f, &format!("{name}_{n}")).to_string();
            EditRow {
                code: get("code").trim().to_string(),
                defence: get("defence"),
                title: get("title").trim().to_string(),
                basis: get("basis").trim().to_string(),
                weight: get("weight").trim().to_string(),
                critical: checked(f, &format!("critical_{n}")),
                evidence: get("evidence").trim().to_string(),
                auto: checked(f, &format!("auto_{n}")),
                delete: checked(f, &format!("delete_{n}")),
            }
        })
        .collect();
    EditValues {
        title: field(f, "title").trim().to_string(),
        rows,
    }
}

/// The items of the new version: rows not deleted and not left empty.
fn items_of(v: &EditValues) -> Result<Vec<ChecklistItem>, ApiError> {
    let mut items = Vec::new();
    for r in v.rows.iter().filter(|r| !r.delete && !r.is_blank()) {
        let label = if r.code.is_empty() { "新增" } else { r.code.as_str() };
        let defence = DEFENCES
            .iter()
            .find(|(_, c)| *c == r.defence)
            .map(|(d, _)| *d)
            .ok_or_else(|| ApiError::validation(format!("请选择检查项{label}所属的防范类别")))?;
        let weight = r
            .weight
            .parse::<f64>()
            .map_err(|_| ApiError::validation(format!("检查项{label}的分值须为数字")))?;
        items.push(ChecklistItem {
            code: r.code.clone(),
            defence,
            title: r.title.clone(),
            basis: r.basis.clone(),
            weight,
            critical: r.critical,
            evidence: r.evidence.clone(),
            auto: r.auto,
        });
    }
    validate_items(&items).map_err(|e| ApiError::validation(e.0))?;
    Ok(items)
}

/// `POST /checklists/{variant}/versions`: publishes a new version of a variant from the edit
/// form; inspections already made keep the version they used.
pub async fn add_version(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(variant): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(e) = u.check_form_csrf(field(&f, "csrf_token")) {
        return error_page(&u, e);
    }
    if !may_edit_checklists(&u) {
        return error_page(
            &u,
            ApiError::msg(
                neibao_domain::error::ErrorCode::Forbidden,
                "仅系统管理员和省级公安机关可以发布检查表",
            ),
        );
    }
    let Some(variant) = Variant::from_code(&variant) else {
        return error_page(&u, ApiError::validation("未知的检查表类型"));
    };
    let latest = match state.store.latest_checklist(variant).await {
        Ok(l) => l,
        Err(e) => return error_page(&u, e.into()),
    };
    let values = edit_from_form(&f);
    let r = async {
        let base = field(&f, "base_id");
        if !base.is_empty() && base != latest.id {
            return Err(ApiError::validation(
                "该检查表已有更新的版本，请在最新版本上修改后再发布",
            ));
        }
        let items = items_of(&values)?;
        let title = if values.title.is_empty() {
            variant.label_zh().to_string()
        } else {
            values.title.clone()
        };
        if title.chars().count() > 100 || title.chars().any(char::is_control) {
            return Err(ApiError::validation("检查表名称不超过100字"));
        }
        Ok(state
            .store
            .add_checklist_version(variant, &title, &items, &u.user.display_name, Utc::now())
            .await?)
    }
    .await;
    match r {
        Ok(c) => Redirect::to(&format!("/checklists/{}", c.id)).into_response(),
        Err(e) => checklist_page(&state, &u, latest, Some(values), Some(e)).await,
    }
}

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/supervision/settings", routing::get(settings).post(save_settings))
        .route("/checklists", routing::get(checklists))
        .route("/checklists/{id}", routing::get(checklist))
        .route("/checklists/{id}/versions", routing::post(add_version))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Fields {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn settings_round_trip_through_the_form_values() {
        let s = SupervisionSettings::default();
        let v = SettingsValues::from_settings(&s);
        assert_eq!(v.reminder_days, "7,3,1");
        assert_eq!(v.to_settings().unwrap(), s);
    }

    #[test]
    fn the_ladder_follows_the_typed_positions() {
        let mut pairs = vec![
            ("rung_referral", "1"),
            ("pos_referral", "1"),
            ("rung_interview", "1"),
            ("pos_interview", "2"),
            ("pos_circular", "3"),
            ("general_days", "7"),
            ("major_days", "30"),
            ("max_days", "90"),
            ("reminder_days", "5，2"),
        ];
        for (n, _) in THRESHOLD_FIELDS.iter().chain(INTERVAL_FIELDS.iter()) {
            pairs.push((n, "50"));
        }
        let codes: Vec<(String, String)> = EntryKind::ALL
            .iter()
            .flat_map(|k| {
                [
                    (format!("points_{}", k.code()), "5"),
                    (format!("valid_{}", k.code()), "30"),
                ]
            })
            .map(|(a, b)| (a, b.to_string()))
            .collect();
        let mut f = form(&pairs);
        f.extend(codes);
        let s = SettingsValues::from_form(&f).to_settings().unwrap();
        assert_eq!(s.ladder, vec![Rung::Referral, Rung::Interview]);
        assert_eq!(s.reminder_days, vec![5, 2]);
        assert!(s.validate().is_err(), "thresholds all 50");
    }

    #[test]
    fn edit_rows_skip_deleted_and_blank_rows() {
        let f = form(&[
            ("title", "表"),
            ("code_0", "Z1"),
            ("defence_0", "institutional"),
            ("title_0", "制度"),
            ("weight_0", "2.5"),
            ("critical_0", "1"),
            ("code_1", "Z2"),
            ("defence_1", "human"),
            ("title_1", "人"),
            ("weight_1", "3"),
            ("delete_1", "1"),
            ("code_2", ""),
            ("defence_2", "human"),
            ("title_2", ""),
            ("weight_2", ""),
        ]);
        let v = edit_from_form(&f);
        assert_eq!(v.rows.len(), 3);
        let items = items_of(&v).unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].weight, 2.5);
        assert!(items[0].critical && !items[0].auto);
        assert_eq!(fmt_num(2.5), "2.5");
        assert_eq!(fmt_num(10.0), "10");
    }
}

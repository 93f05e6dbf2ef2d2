//! The inspection checklists (检查表) with their versions: every variant, one version's items
//! by defence, and publishing a new version from the newest one's edit form (administrators and
//! provincial police); inspections already made keep the version they used.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::error::ErrorCode;
use neibao_domain::supervision::checklist::{validate_items, ChecklistItem, Defence, Variant};
use neibao_domain::supervision::ChecklistVersion;
use neibao_engine::supervision::ChecklistInput;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

fn checked(f: &Fields, name: &str) -> bool {
    !field(f, name).is_empty()
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
    let all = match state.services.supervision.checklists(&u.principal).await {
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
        may_edit: u.principal.can(Permission::ChecklistEdit),
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
    let c = match state.services.supervision.checklist(&u.principal, &id).await {
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
    let latest = match state
        .services
        .supervision
        .latest_checklist(&u.principal, c.variant.code())
        .await
    {
        Ok(l) => l,
        Err(e) => return error_page(u, e.into()),
    };
    let is_latest = latest.id == c.id;
    let edit = if u.principal.can(Permission::ChecklistEdit) && is_latest {
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
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let sv = &state.services.supervision;
    // Who may, before the form is read (the service refuses too).
    if !u.principal.can(Permission::ChecklistEdit) {
        return error_page(
            &u,
            ApiError::msg(ErrorCode::Forbidden, "仅系统管理员和省级公安机关可以发布检查表"),
        );
    }
    let latest = match sv.latest_checklist(&u.principal, &variant).await {
        Ok(l) => l,
        Err(e) => return error_page(&u, e.into()),
    };
    let values = edit_from_form(&f);
    let r = async {
        let input = ChecklistInput {
            title: Some(values.title.clone()),
            items: items_of(&values)?,
            base_id: Some(field(&f, "base_id").to_string()),
        };
        Ok::<_, ApiError>(sv.publish_checklist(&u.principal, &variant, input).await?)
    }
    .await;
    match r {
        Ok(c) => Redirect::to(&format!("/checklists/{}", c.id)).into_response(),
        Err(e) => checklist_page(&state, &u, latest, Some(values), Some(e)).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Fields {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
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

//! `/emergency/equipment` (the police overview: units of the jurisdiction with a post below its
//! minimum, an expired item or an item checked as damaged or missing) and
//! `/equipment/standards` (the minimum sets; forms for those who set them).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::equipment::{applies_to_codes, applies_to_label, ItemType, PostKind, Standard, StandardItem};
use neibao_domain::paging::Page;
use neibao_engine::equipment::StandardDraft;
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, status_of, with_status, Fields, Sent};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{Nav, Pager};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    page: Option<u32>,
}

/// A unit as listed.
pub struct ShortRow {
    pub unit_id: String,
    pub unit_name: String,
    pub division_code: String,
    pub posts: i64,
    pub below: i64,
    pub expired: i64,
    pub bad: i64,
    pub last_check: String,
}

#[derive(Template)]
#[template(path = "equipment/overview.html")]
struct OverviewPage {
    nav: Nav,
    rows: Vec<ShortRow>,
    total: i64,
    pager: Pager,
}

/// `GET /emergency/equipment`.
pub async fn overview(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<PageQuery>) -> Response {
    let page = Page::new(q.page, Some(50));
    let list = match state.services.equipment.shortfalls(&u.principal, page).await {
        Ok(l) => l,
        Err(e) => return error_page(&u, e.into()),
    };
    render(&OverviewPage {
        nav: Nav::new(&u),
        pager: Pager::new("/emergency/equipment", &[], page.page, page.per_page, list.total),
        total: list.total,
        rows: list
            .items
            .iter()
            .map(|s| ShortRow {
                unit_id: s.unit_id.clone(),
                unit_name: s.unit_name.clone(),
                division_code: s.division_code.clone(),
                posts: s.summary.posts,
                below: s.summary.posts_below_minimum,
                expired: s.summary.expired_items,
                bad: s.summary.damaged_or_missing,
                last_check: s
                    .summary
                    .last_check_on
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "无".into()),
            })
            .collect(),
    })
}

/// A minimum set's form as shown or sent.
pub struct StandardForm {
    /// `new` or the set's id.
    pub key: String,
    pub name: String,
    pub applies_to: String,
    pub applies_label: String,
    pub post_kind: String,
    pub post_kind_label: String,
    pub source: String,
    pub version: String,
    /// Per type: code, label, quantity typed ("" or a number).
    pub quantities: Vec<(&'static str, &'static str, String)>,
}

impl StandardForm {
    fn of(s: Option<&Standard>, sent: &Sent) -> StandardForm {
        let key = s.map(|s| s.id.clone()).unwrap_or_else(|| "new".into());
        let typed = sent.was(&key);
        let pick = |name: &str, stored: String| {
            if typed {
                sent.of(&key, name).to_string()
            } else {
                stored
            }
        };
        let applies_to = pick("applies_to", s.map(|s| s.applies_to.clone()).unwrap_or_default());
        let post_kind = pick(
            "post_kind",
            s.and_then(|s| s.post_kind)
                .map(|k| k.code().to_string())
                .unwrap_or_default(),
        );
        StandardForm {
            name: pick("name", s.map(|s| s.name.clone()).unwrap_or_default()),
            applies_label: applies_to_label(&applies_to).unwrap_or_default(),
            post_kind_label: PostKind::from_code(&post_kind)
                .map(|k| k.label_zh().to_string())
                .unwrap_or_else(|| "所有岗位".into()),
            applies_to,
            post_kind,
            source: pick("source", s.map(|s| s.source.clone()).unwrap_or_default()),
            version: s.map(|s| s.version.to_string()).unwrap_or_default(),
            quantities: ItemType::ALL
                .iter()
                .map(|t| {
                    let stored = s
                        .and_then(|s| s.items.iter().find(|i| i.item_type == *t))
                        .map(|i| i.quantity.to_string())
                        .unwrap_or_default();
                    (t.code(), t.label_zh(), pick(&format!("q_{}", t.code()), stored))
                })
                .collect(),
            key,
        }
    }
}

#[derive(Template)]
#[template(path = "equipment/standards.html")]
struct StandardsPage {
    nav: Nav,
    forms: Vec<StandardForm>,
    /// The new-set form (one).
    new_form: Vec<StandardForm>,
    may_edit: bool,
    classes: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    error_at: String,
}

async fn standards_page(state: &AppState, u: &CurrentUser, sent: Sent, error: Option<ApiError>, at: &str) -> Response {
    let list = match state.services.equipment.standards(&u.principal).await {
        Ok(l) => l,
        Err(e) => return error_page(u, e.into()),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&StandardsPage {
            nav: Nav::new(u),
            forms: list.iter().map(|s| StandardForm::of(Some(s), &sent)).collect(),
            new_form: vec![StandardForm::of(None, &sent)],
            may_edit: u.principal.can(Permission::EquipmentStandards),
            classes: applies_to_codes()
                .into_iter()
                .map(|c| {
                    let l = applies_to_label(&c).unwrap_or_default();
                    (c, l)
                })
                .collect(),
            kinds: PostKind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
            error: error.map(|e| e.message),
            error_at: at.to_string(),
        }),
        status,
    )
}

/// `GET /equipment/standards`.
pub async fn standards(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
    standards_page(&state, &u, Sent::default(), None, "").await
}

fn draft(f: &Fields) -> Result<StandardDraft, ApiError> {
    let mut items = Vec::new();
    for t in ItemType::ALL {
        let v = field(f, &format!("q_{}", t.code())).trim();
        if v.is_empty() {
            continue;
        }
        let quantity: i64 = v
            .parse()
            .map_err(|_| ApiError::validation(format!("{}的最低数量应为整数", t.label_zh())))?;
        items.push(StandardItem { item_type: t, quantity });
    }
    Ok(StandardDraft {
        name: field(f, "name").into(),
        applies_to: field(f, "applies_to").into(),
        post_kind: field(f, "post_kind").into(),
        items,
        source: field(f, "source").into(),
    })
}

async fn save(state: &AppState, u: &CurrentUser, id: Option<&str>, f: &Fields) -> Response {
    let r = async {
        let version = match id {
            Some(_) => field(f, "version")
                .trim()
                .parse()
                .map_err(|_| ApiError::validation("缺少版本号，请刷新后重新填写"))?,
            None => 0,
        };
        let d = draft(f)?;
        Ok::<_, ApiError>(
            state
                .services
                .equipment
                .save_standard(&u.principal, id, version, d)
                .await?,
        )
    }
    .await;
    match r {
        Ok(s) => Redirect::to(&format!("/equipment/standards#standard-{}", s.id)).into_response(),
        Err(e) if matches!(e.code.http_status(), 400 | 409) => {
            let key = id.unwrap_or("new");
            standards_page(state, u, Sent::new(key, f), Some(e), key).await
        }
        Err(e) => error_page(u, e),
    }
}

/// `POST /equipment/standards`: a new minimum set.
pub async fn create(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<Fields>) -> Response {
    save(&state, &u, None, &f).await
}

/// `POST /equipment/standards/{id}`: saves a minimum set (with the version read).
pub async fn update(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    save(&state, &u, Some(&id), &f).await
}

//! `/units/{id}/equipment`: a unit's posts, each with its flags, minimum set and items (with the
//! last check); the security manager's forms (new post, new item, item change) and the check
//! form every account of the unit uses on a phone (result, note, optional photo from the
//! camera). A refused form shows the unit's page again with the zh-CN error and what was typed.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::equipment::{CheckResult, Item, ItemType, PostKind, PostView, UnitEquipment};
use neibao_engine::equipment::{CheckDraft, ItemDraft, PostDraft};

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::multipart::CsrfMultipart;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, status_of, with_status, Fields, Sent};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::Nav;

/// An inventory form's values (new or change).
pub struct ItemForm {
    pub item_type: String,
    pub quantity: String,
    pub purchased_on: String,
    pub expires_on: String,
    pub note: String,
    pub version: String,
}

impl ItemForm {
    fn of(sent: &Sent, form: &str, item: Option<&Item>) -> ItemForm {
        if sent.was(form) {
            return ItemForm {
                item_type: sent.of(form, "item_type").into(),
                quantity: sent.of(form, "quantity").into(),
                purchased_on: sent.of(form, "purchased_on").into(),
                expires_on: sent.of(form, "expires_on").into(),
                note: sent.of(form, "note").into(),
                version: sent.of(form, "version").into(),
            };
        }
        match item {
            Some(i) => ItemForm {
                item_type: i.item_type.code().into(),
                quantity: i.quantity.to_string(),
                purchased_on: i.purchased_on.to_string(),
                expires_on: i.expires_on.map(|d| d.to_string()).unwrap_or_default(),
                note: i.note.clone(),
                version: i.version.to_string(),
            },
            None => ItemForm {
                item_type: String::new(),
                quantity: "1".into(),
                purchased_on: String::new(),
                expires_on: String::new(),
                note: String::new(),
                version: String::new(),
            },
        }
    }
}

/// An item as shown.
pub struct ItemRow {
    pub id: String,
    pub label: String,
    pub quantity: i64,
    pub purchased_on: String,
    pub expires_on: String,
    pub expired: bool,
    pub note: String,
    /// 最近检查: date, result, who; empty when never checked.
    pub last_check: String,
    pub check_bad: bool,
    pub photo_id: Option<String>,
    pub form: ItemForm,
    /// The check form's values as sent (a refused check).
    pub check_result: String,
    pub check_note: String,
}

/// A post as shown.
pub struct PostRow {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub location: String,
    pub key_area: String,
    pub standards: String,
    pub required: Vec<(String, i64)>,
    pub flags: Vec<String>,
    pub items: Vec<ItemRow>,
    pub new_item: ItemForm,
    /// The new-item form was refused (shown open).
    pub open_new_item: bool,
}

fn post_row(v: &PostView, sent: &Sent, today: chrono::NaiveDate) -> PostRow {
    PostRow {
        id: v.post.id.clone(),
        name: v.post.name.clone(),
        kind: v.post.kind.label_zh(),
        location: v.post.location.clone(),
        key_area: v.post.key_area_name.clone().unwrap_or_default(),
        standards: v.standards.join("、"),
        required: v
            .required
            .iter()
            .map(|r| (r.item_type.label_zh().to_string(), r.quantity))
            .collect(),
        flags: v.flags.iter().map(|f| f.detail.clone()).collect(),
        new_item: ItemForm::of(sent, &format!("item-{}", v.post.id), None),
        open_new_item: sent.was(&format!("item-{}", v.post.id)),
        items: v
            .items
            .iter()
            .map(|i| {
                let check_form = format!("check-{}", i.id);
                ItemRow {
                    id: i.id.clone(),
                    label: if i.item_type == ItemType::Other && !i.note.is_empty() {
                        format!("其他（{}）", i.note)
                    } else {
                        i.item_type.label_zh().to_string()
                    },
                    quantity: i.quantity,
                    purchased_on: i.purchased_on.to_string(),
                    expires_on: i.expires_on.map(|d| d.to_string()).unwrap_or_default(),
                    expired: i.expired(today),
                    note: i.note.clone(),
                    last_check: i
                        .last_check
                        .as_ref()
                        .map(|c| format!("{} {}（{}）", c.checked_on, c.result.label_zh(), c.checker_name))
                        .unwrap_or_default(),
                    check_bad: i.checked_bad(),
                    photo_id: i.last_check.as_ref().and_then(|c| c.photo_id.clone()),
                    form: ItemForm::of(sent, &format!("edit-{}", i.id), Some(i)),
                    check_result: sent.of(&check_form, "result").to_string(),
                    check_note: sent.of(&check_form, "note").to_string(),
                }
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "equipment/unit.html")]
struct UnitPage {
    nav: Nav,
    unit_id: String,
    unit_name: String,
    posts: Vec<PostRow>,
    summary: neibao_domain::equipment::EquipmentSummary,
    may_manage: bool,
    may_check: bool,
    types: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    results: Vec<(&'static str, &'static str)>,
    post_name: String,
    post_location: String,
    post_kind: String,
    notice: Option<String>,
    error: Option<String>,
    /// The post or item whose form was refused (the page scrolls to it).
    error_at: String,
}

async fn unit_page(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    sent: Sent,
    error: Option<ApiError>,
    error_at: &str,
    notice: Option<String>,
) -> Response {
    let eq: UnitEquipment = match state.services.equipment.unit(&u.principal, id).await {
        Ok(x) => x,
        Err(e) => return error_page(u, e.into()),
    };
    let today = neibao_engine::filings::beijing_today();
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&UnitPage {
            nav: Nav::new(u),
            unit_id: eq.unit_id.clone(),
            unit_name: eq.unit_name.clone(),
            posts: eq.posts.iter().map(|v| post_row(v, &sent, today)).collect(),
            summary: eq.summary.clone(),
            may_manage: u.principal.can(Permission::EquipmentManage),
            may_check: u.principal.can(Permission::EquipmentCheck),
            types: ItemType::ALL.iter().map(|t| (t.code(), t.label_zh())).collect(),
            kinds: PostKind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
            results: CheckResult::ALL.iter().map(|r| (r.code(), r.label_zh())).collect(),
            post_name: sent.of("post", "name").to_string(),
            post_location: sent.of("post", "location").to_string(),
            post_kind: sent.of("post", "kind").to_string(),
            notice,
            error: error.map(|e| e.message),
            error_at: error_at.to_string(),
        }),
        status,
    )
}

/// `GET /units/{id}/equipment`.
pub async fn unit(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    unit_page(&state, &u, &id, Sent::default(), None, "", None).await
}

/// A refused form shows the unit's page again; anything else is an error page.
async fn refused(state: &AppState, u: &CurrentUser, unit_id: &str, form: &str, f: &Fields, e: ApiError) -> Response {
    if matches!(e.code.http_status(), 400 | 409 | 413) {
        unit_page(state, u, unit_id, Sent::new(form, f), Some(e), form, None).await
    } else {
        error_page(u, e)
    }
}

fn done(unit_id: &str, anchor: &str) -> Response {
    Redirect::to(&format!("/units/{unit_id}/equipment#{anchor}")).into_response()
}

/// `POST /units/{id}/equipment/posts`: a new post.
pub async fn create_post(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let d = PostDraft {
        name: field(&f, "name").into(),
        location: field(&f, "location").into(),
        kind: field(&f, "kind").into(),
        key_area_id: None,
    };
    match state.services.equipment.create_post(&u.principal, &id, d).await {
        Ok(p) => done(&id, &format!("post-{}", p.id)),
        Err(e) => refused(&state, &u, &id, "post", &f, e.into()).await,
    }
}

fn item_draft(f: &Fields) -> Result<ItemDraft, ApiError> {
    let quantity = field(f, "quantity")
        .trim()
        .parse()
        .map_err(|_| ApiError::validation("数量应为整数"))?;
    Ok(ItemDraft {
        item_type: field(f, "item_type").into(),
        quantity,
        purchased_on: field(f, "purchased_on").into(),
        expires_on: field(f, "expires_on").into(),
        note: field(f, "note").into(),
    })
}

/// `POST /equipment/posts/{id}/items`: a new inventory line.
pub async fn add_item(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let svc = &state.services.equipment;
    let post = match svc.post(&u.principal, &id).await {
        Ok(p) => p,
        Err(e) => return error_page(&u, e.into()),
    };
    let r = async {
        let d = item_draft(&f)?;
        Ok::<_, ApiError>(svc.add_item(&u.principal, &id, d).await?)
    }
    .await;
    match r {
        Ok(_) => done(&post.unit_id, &format!("post-{id}")),
        Err(e) => refused(&state, &u, &post.unit_id, &format!("item-{id}"), &f, e).await,
    }
}

/// `POST /equipment/items/{id}`: changes an inventory line (with the version read).
pub async fn update_item(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let svc = &state.services.equipment;
    let item = match svc.item(&u.principal, &id).await {
        Ok(i) => i,
        Err(e) => return error_page(&u, e.into()),
    };
    let r = async {
        let version = field(&f, "version")
            .trim()
            .parse()
            .map_err(|_| ApiError::validation("缺少版本号，请刷新后重新填写"))?;
        let d = item_draft(&f)?;
        Ok::<_, ApiError>(svc.update_item(&u.principal, &id, version, d).await?)
    }
    .await;
    match r {
        Ok(_) => done(&item.unit_id, &format!("item-{id}")),
        Err(e) => refused(&state, &u, &item.unit_id, &format!("edit-{id}"), &f, e).await,
    }
}

/// `POST /equipment/items/{id}/check`: a check (multipart: `csrf`, `_once`, `result`, `note`,
/// then `file`, the optional photo — the camera opens on a phone).
pub async fn check(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    body: CsrfMultipart,
) -> Response {
    let svc = &state.services.equipment;
    let item = match svc.item(&u.principal, &id).await {
        Ok(i) => i,
        Err(e) => return error_page(&u, e.into()),
    };
    let mut sent: Fields = Vec::new();
    let r = async {
        let (file, fields) = body.file_with_fields().await?;
        sent = fields;
        let d = CheckDraft {
            result: field(&sent, "result").into(),
            note: field(&sent, "note").into(),
        };
        let photo = (!file.data.is_empty()).then_some(file);
        Ok::<_, ApiError>(svc.check_with_photo(&u.principal, &id, d, photo).await?)
    }
    .await;
    match r {
        Ok(_) => done(&item.unit_id, &format!("item-{id}")),
        Err(e) => refused(&state, &u, &item.unit_id, &format!("check-{id}"), &sent, e).await,
    }
}

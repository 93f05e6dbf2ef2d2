//! `/retention`: retention policies, legal holds in the caller's jurisdiction and the latest
//! deletions (as `GET /api/v1/retention`), with the forms that set a policy and place or release
//! a hold.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::privacy::{DataClass, LegalHoldDraft};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{signed_in_status_of, with_status};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_ms, total_label, Nav};

struct PolicyRow {
    code: &'static str,
    label: String,
    max_days: i64,
    min_days: i64,
    min_days_counter_terror: i64,
}

struct HoldRow {
    id: String,
    case_no: String,
    unit_id: String,
    unit: String,
    class: &'static str,
    reason: String,
    created: String,
    released: String,
}

struct DeletionRow {
    at: String,
    class: &'static str,
    unit_id: String,
    unit: String,
    rows: i64,
    older_than: String,
    reason: String,
}

/// The legal-hold form as sent (kept when it is refused).
#[derive(Default)]
struct HoldValues {
    case_no: String,
    unit: String,
    data_class: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "privacy/retention.html")]
struct RetentionPage {
    nav: Nav,
    /// The policies may be changed here.
    configures_retention: bool,
    notice: Option<String>,
    policy_error: Option<String>,
    hold_error: Option<String>,
    policies: Vec<PolicyRow>,
    holds: Vec<HoldRow>,
    deletions: Vec<DeletionRow>,
    deletions_total: String,
    classes: Vec<(&'static str, &'static str)>,
    f: HoldValues,
}

#[derive(Default)]
struct RetentionView {
    status: Option<StatusCode>,
    notice: Option<String>,
    policy_error: Option<String>,
    hold_error: Option<String>,
    f: HoldValues,
}

async fn retention_page(state: &AppState, u: &CurrentUser, v: RetentionView) -> Response {
    let privacy = &state.services.privacy;
    let loaded = async {
        let o = privacy.retention_overview(&u.principal).await?;
        let ids = o
            .holds
            .iter()
            .map(|h| h.unit_id.clone())
            .chain(o.deletions.items.iter().filter_map(|d| d.unit_id.clone()))
            .collect::<Vec<_>>();
        let names = privacy.unit_names(&u.principal, ids).await?;
        Ok::<_, ApiError>((o, names))
    }
    .await;
    let (o, names) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(u, e),
    };
    let name_of = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let page = render(&RetentionPage {
        nav: Nav::new(u),
        configures_retention: u.principal.can(Permission::RetentionConfigure),
        notice: v.notice,
        policy_error: v.policy_error,
        hold_error: v.hold_error,
        policies: o
            .policies
            .iter()
            .map(|p| PolicyRow {
                code: p.data_class.code(),
                label: p.label.clone(),
                max_days: p.max_days,
                min_days: p.min_days,
                min_days_counter_terror: p.min_days_counter_terror,
            })
            .collect(),
        holds: o
            .holds
            .iter()
            .map(|h| HoldRow {
                id: h.id.clone(),
                case_no: h.case_no.clone(),
                unit: name_of(&h.unit_id),
                unit_id: h.unit_id.clone(),
                class: h.data_class.map_or("全部类别", DataClass::label_zh),
                reason: h.reason.clone(),
                created: format!("{} · {}", h.created_by, fmt_ms(h.created_at)),
                released: match (&h.released_by, h.released_at) {
                    (Some(by), Some(at)) => format!("{by} · {}", fmt_ms(at)),
                    (None, Some(at)) => fmt_ms(at),
                    _ => String::new(),
                },
            })
            .collect(),
        deletions_total: total_label(&o.deletions),
        deletions: o
            .deletions
            .items
            .iter()
            .map(|d| DeletionRow {
                at: fmt_ms(d.at),
                class: d.data_class.label_zh(),
                unit: d.unit_id.as_deref().map(name_of).unwrap_or_else(|| "全部单位".into()),
                unit_id: d.unit_id.clone().unwrap_or_default(),
                rows: d.rows_deleted,
                older_than: fmt_ms(d.older_than),
                reason: d.reason.clone(),
            })
            .collect(),
        classes: DataClass::ALL.iter().map(|c| (c.code(), c.label_zh())).collect(),
        f: v.f,
    });
    with_status(page, v.status.unwrap_or(StatusCode::OK))
}

#[derive(Deserialize, Default)]
pub struct RetentionQuery {
    #[serde(default)]
    saved: String,
    #[serde(default)]
    hold: String,
}

/// Retention policies, legal holds in the caller's jurisdiction and the latest deletions (with
/// `retention.read`).
pub async fn retention(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<RetentionQuery>) -> Response {
    let notice = match (q.saved.as_str(), q.hold.as_str()) {
        ("", "created") => Some("已设置法律保全：保全期间该单位的相关数据不会被删除。"),
        ("", "released") => Some("已解除法律保全。"),
        ("", _) => None,
        _ => Some("保存期限已修改。"),
    };
    let v = RetentionView {
        notice: notice.map(str::to_string),
        ..Default::default()
    };
    retention_page(&state, &u, v).await
}

#[derive(Deserialize)]
pub struct PolicyForm {
    #[serde(default)]
    max_days: String,
}

/// Sets a class's maximum retention (as `PUT /api/v1/retention/{class}`).
pub async fn set_policy(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(class): Path<String>,
    CsrfForm(f): CsrfForm<PolicyForm>,
) -> Response {
    if let Err(e) = u.principal.require(Permission::RetentionConfigure) {
        return error_page(&u, e.into());
    }
    let r = async {
        let days: i64 = f
            .max_days
            .trim()
            .parse()
            .map_err(|_| ApiError::validation("最长保存天数应为整数"))?;
        state
            .services
            .privacy
            .set_retention_policy(&u.principal, &class, days)
            .await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match r {
        Ok(()) => Redirect::to("/retention?saved=1").into_response(),
        Err(e) => {
            let v = RetentionView {
                status: Some(signed_in_status_of(&e)),
                policy_error: Some(e.message),
                ..Default::default()
            };
            retention_page(&state, &u, v).await
        }
    }
}

#[derive(Deserialize)]
pub struct HoldForm {
    #[serde(default)]
    case_no: String,
    /// The unit's USCC (18 characters) or its id.
    #[serde(default)]
    unit: String,
    /// A class code, or empty for all classes.
    #[serde(default)]
    data_class: String,
    #[serde(default)]
    reason: String,
}

/// Places a legal hold (as `POST /api/v1/legal_holds`; the unit by its USCC or id).
pub async fn create_hold(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    CsrfForm(f): CsrfForm<HoldForm>,
) -> Response {
    if let Err(e) = u.principal.require(Permission::LegalHoldManage) {
        return error_page(&u, e.into());
    }
    let r = async {
        let data_class = match f.data_class.trim() {
            "" => None,
            c => Some(DataClass::from_code(c).ok_or_else(|| ApiError::validation("未知的数据类别"))?),
        };
        let draft = LegalHoldDraft {
            case_no: f.case_no.clone(),
            unit: f.unit.clone(),
            data_class,
            reason: f.reason.clone(),
        };
        state.services.privacy.create_hold(&u.principal, draft).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match r {
        Ok(()) => Redirect::to("/retention?hold=created").into_response(),
        Err(e) => {
            let v = RetentionView {
                status: Some(signed_in_status_of(&e)),
                hold_error: Some(e.message),
                f: HoldValues {
                    case_no: f.case_no,
                    unit: f.unit,
                    data_class: f.data_class,
                    reason: f.reason,
                },
                ..Default::default()
            };
            retention_page(&state, &u, v).await
        }
    }
}

/// No fields besides the CSRF token.
#[derive(Deserialize)]
pub struct Empty {}

/// Releases a legal hold (as `POST /api/v1/legal_holds/{id}/release`).
pub async fn release_hold(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(Empty {}): CsrfForm<Empty>,
) -> Response {
    match state.services.privacy.release_hold(&u.principal, &id).await {
        Ok(_) => Redirect::to("/retention?hold=released").into_response(),
        Err(e) => error_page(&u, e.into()),
    }
}

//! `/filings/{id}`: a filing with its kind's required content, its deadline, its history (every
//! step, a return's reasons included), and the forms its reader may use: save or submit (the
//! unit's manager, while draft or returned), acknowledge, return with reasons, archive (police).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::audit::actor_label;
use neibao_domain::filings::{Filing, FilingStatus};
use std::collections::BTreeMap;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

/// One content field as shown.
pub struct FieldRow {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    pub date: bool,
    pub long: bool,
    pub max: usize,
}

/// One step as shown.
pub struct StepRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub status: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "filings/detail.html")]
struct DetailPage {
    nav: Nav,
    f: Filing,
    rule: &'static str,
    article: &'static str,
    receiver: &'static str,
    trigger_label: &'static str,
    due: String,
    fields: Vec<FieldRow>,
    steps: Vec<StepRow>,
    may_edit: bool,
    may_review: bool,
    submitted: bool,
    acknowledged: bool,
    note: String,
    error: Option<String>,
}

async fn view(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    typed: Option<&Fields>,
    error: Option<ApiError>,
) -> Response {
    let f = match state.services.filings.get(&u.principal, id).await {
        Ok(f) => f,
        Err(e) => return error_page(u, e.into()),
    };
    let fields = f
        .kind
        .fields()
        .iter()
        .map(|s| FieldRow {
            key: s.key,
            label: s.label,
            value: match typed {
                Some(t) => field(t, &format!("c_{}", s.key)).to_string(),
                None => f.content.get(s.key).cloned().unwrap_or_default(),
            },
            date: s.date,
            long: s.max > 200,
            max: s.max,
        })
        .collect();
    let steps = f
        .steps
        .iter()
        .map(|s| StepRow {
            at: fmt_time(s.at),
            actor: actor_label(&s.actor_name),
            action: s.action_label.clone(),
            status: FilingStatus::from_code(&s.status)
                .map(|x| x.label_zh().to_string())
                .unwrap_or_default(),
            note: s.note.clone(),
        })
        .collect();
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&DetailPage {
        nav: Nav::new(u),
        rule: f.kind.rule_zh(),
        article: f.kind.article_zh(),
        receiver: f.kind.receiver().label_zh(),
        trigger_label: f.kind.trigger_label_zh(),
        due: f.due_on.map(|d| d.to_string()).unwrap_or_else(|| "无法定期限".into()),
        fields,
        steps,
        may_edit: u.principal.can(Permission::FilingWrite) && f.status.editable(),
        may_review: u.principal.can(Permission::FilingReview),
        submitted: f.status == FilingStatus::Submitted,
        acknowledged: f.status == FilingStatus::Acknowledged,
        note: typed.map(|t| field(t, "note").to_string()).unwrap_or_default(),
        error: error.map(|e| e.message),
        f,
    });
    with_status(page, status)
}

/// `GET /filings/{id}`.
pub async fn detail(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    view(&state, &u, &id, None, None).await
}

/// `POST /filings/{id}`: one action, named by the `action` field: `save`, `submit` (content as
/// `c_<key>` fields), `acknowledge`, `return` (reasons in `note`), `archive`.
pub async fn act(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let version: i64 = field(&f, "version").parse().unwrap_or(0);
    let note = field(&f, "note").to_string();
    let content: BTreeMap<String, String> = f
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("c_").map(|k| (k.to_string(), v.clone())))
        .collect();
    let s = &state.services.filings;
    let p = &u.principal;
    let r = match field(&f, "action") {
        "save" => s.save(p, &id, version, content).await,
        "submit" => s.submit(p, &id, version, Some(content)).await,
        "acknowledge" => s.acknowledge(p, &id, version, &note).await,
        "return" => s.return_filing(p, &id, version, &note).await,
        "archive" => s.archive(p, &id, version).await,
        _ => return error_page(&u, ApiError::validation("未知的操作")),
    };
    match r {
        Ok(_) => Redirect::to(&format!("/filings/{id}")).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if matches!(e.code.http_status(), 400 | 409) {
                view(&state, &u, &id, Some(&f), Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

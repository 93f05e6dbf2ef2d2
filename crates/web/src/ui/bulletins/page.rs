//! `/bulletins/{id}`: one bulletin. The police see the recipients of their jurisdiction with
//! their receipts, the read and acknowledgement rates and the overdue units; a unit account
//! reads it on a phone-sized page (its read receipt is recorded) and its manager acknowledges it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::bulletins::{BulletinDetail, Recipient};

use super::list::severity_class;
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::multipart::CsrfMultipart;
use crate::state::AppState;
use crate::ui::form::{field, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

/// A file as shown.
pub struct FileRow {
    pub id: String,
    pub name: String,
    pub image: bool,
    pub size: String,
    pub by: String,
    pub at: String,
}

/// The police's reply as shown.
pub struct ReplyRow {
    pub text: String,
    pub by: String,
    pub at: String,
}

/// A recipient as shown.
pub struct RecipientRow {
    pub unit_id: String,
    pub unit_name: String,
    pub division_code: String,
    pub read_at: String,
    pub acknowledged_at: String,
    pub by: String,
    pub reply: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "bulletins/bulletin.html")]
struct BulletinPage {
    nav: Nav,
    id: String,
    title: String,
    kind: &'static str,
    severity: &'static str,
    severity_class: &'static str,
    direction: &'static str,
    up: bool,
    body: String,
    from: String,
    at: String,
    deadline: String,
    reply_requested: bool,
    target: String,
    /// A unit account's view (phone-sized, its own row).
    unit_view: bool,
    mine: Option<RecipientRow>,
    may_acknowledge: bool,
    recipients: Vec<RecipientRow>,
    count: i64,
    read: i64,
    acknowledged: i64,
    read_rate: i64,
    ack_rate: i64,
    overdue: Vec<String>,
    reply: String,
    error: Option<String>,
    files: Vec<FileRow>,
    /// The caller may attach files (the issuer).
    may_attach: bool,
    /// Up: the police's reply, and whether the caller may reply now.
    police_reply: Option<ReplyRow>,
    may_reply: bool,
    /// What a refused reply form had.
    police_text: String,
}

fn size_text(n: i64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / 1024.0 / 1024.0)
    } else {
        format!("{} KB", (n + 1023) / 1024)
    }
}

/// What a refused form on the page had: the unit's acknowledgement reply, or the police's reply.
#[derive(Default)]
struct Typed {
    reply: String,
    police_text: String,
}

fn row(r: &Recipient, d: &BulletinDetail) -> RecipientRow {
    RecipientRow {
        unit_id: r.unit_id.clone(),
        unit_name: r.unit_name.clone(),
        division_code: r.division_code.clone(),
        read_at: r.read_at.map(fmt_time).unwrap_or_default(),
        acknowledged_at: r.acknowledged_at.map(fmt_time).unwrap_or_default(),
        by: r.acknowledged_by.clone().unwrap_or_default(),
        reply: r.reply.clone().unwrap_or_default(),
        overdue: r.overdue(d.bulletin.ack_deadline, chrono::Utc::now()),
    }
}

async fn show(
    state: &AppState,
    u: &crate::extract::principal::CurrentUser,
    id: &str,
    typed: Typed,
    error: Option<ApiError>,
) -> Response {
    let d = match state.services.bulletins.bulletin(&u.principal, id).await {
        Ok(d) => d,
        Err(e) => return error_page(u, e.into()),
    };
    let unit = u.principal.unit_id.clone().filter(|x| !x.is_empty());
    let mine = unit
        .as_ref()
        .and_then(|x| d.recipients.iter().find(|r| &r.unit_id == x))
        .map(|r| row(r, &d));
    let b = &d.bulletin;
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let up = b.direction == neibao_domain::bulletins::Direction::Up;
    let may_attach = match b.direction {
        neibao_domain::bulletins::Direction::Down => {
            u.principal.can(Permission::BulletinIssue) && b.created_by == u.principal.user_id
        }
        neibao_domain::bulletins::Direction::Up => {
            u.principal.can(Permission::BulletinReport)
                && b.from_unit_id.is_some()
                && b.from_unit_id == u.principal.unit_id
        }
    } && d.attachments.len() < neibao_engine::bulletins::MAX_FILES;
    let from = match (&b.from_unit_name, &b.org_name) {
        (Some(unit), _) => unit.clone(),
        (None, Some(org)) => format!("{org} {}", b.created_by_name),
        (None, None) => b.created_by_name.clone(),
    };
    with_status(
        render(&BulletinPage {
            nav: Nav::new(u),
            id: b.id.clone(),
            title: b.title.clone(),
            kind: b.kind.label_zh(),
            severity: b.severity.label_zh(),
            severity_class: severity_class(b.severity),
            direction: b.direction.label_zh(),
            up,
            body: b.body.clone(),
            from,
            at: fmt_time(b.created_at),
            deadline: b.ack_deadline.map(fmt_time).unwrap_or_default(),
            reply_requested: b.reply_requested,
            target: format!("{} · {}", b.division_prefix, b.unit_set.label_zh()),
            unit_view: unit.is_some(),
            may_acknowledge: mine.as_ref().is_some_and(|m| m.acknowledged_at.is_empty())
                && u.principal.can(Permission::BulletinAcknowledge),
            mine,
            recipients: d.recipients.iter().map(|r| row(r, &d)).collect(),
            count: d.stats.recipients,
            read: d.stats.read,
            acknowledged: d.stats.acknowledged,
            read_rate: d.stats.read_rate,
            ack_rate: d.stats.ack_rate,
            overdue: d.stats.overdue.clone(),
            reply: typed.reply,
            error: error.map(|e| e.message),
            files: d
                .attachments
                .iter()
                .map(|a| FileRow {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    image: a.content_type.starts_with("image/"),
                    size: size_text(a.size),
                    by: a.uploaded_by.clone(),
                    at: fmt_time(a.created_at),
                })
                .collect(),
            may_attach,
            police_reply: b.police_reply.as_ref().map(|r| ReplyRow {
                text: r.text.clone(),
                by: r.by_name.clone(),
                at: fmt_time(r.at),
            }),
            may_reply: up && b.police_reply.is_none() && u.principal.can(Permission::BulletinIssue),
            police_text: typed.police_text,
        }),
        status,
    )
}

/// `GET /bulletins/{id}`.
pub async fn page(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    show(&state, &u, &id, Typed::default(), None).await
}

/// `POST /bulletins/{id}/acknowledge`: the caller's unit acknowledges, with `reply`; a refused
/// form keeps what was typed.
pub async fn acknowledge(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let reply = field(&f, "reply").to_string();
    match state.services.bulletins.acknowledge(&u.principal, &id, &reply).await {
        Ok(_) => Redirect::to(&format!("/bulletins/{id}")).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if matches!(e.code.http_status(), 400 | 409) {
                show(
                    &state,
                    &u,
                    &id,
                    Typed {
                        reply,
                        ..Default::default()
                    },
                    Some(e),
                )
                .await
            } else {
                error_page(&u, e)
            }
        }
    }
}

/// `POST /bulletins/{id}/attachments`: the issuer attaches a file (multipart: `csrf`, `_once`,
/// then `file`); a refused file shows the page with the reason.
pub async fn add_file(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    body: CsrfMultipart,
) -> Response {
    let r = async {
        let s = &state.services.bulletins;
        s.check_file_target(&u.principal, &id).await?;
        let file = body.file().await?;
        Ok::<_, ApiError>(s.add_file(&u.principal, &id, file).await?)
    }
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/bulletins/{id}#files")).into_response(),
        Err(e) if matches!(e.code.http_status(), 400 | 409 | 413) => {
            show(&state, &u, &id, Typed::default(), Some(e)).await
        }
        Err(e) => error_page(&u, e),
    }
}

/// `POST /bulletins/{id}/reply`: the police reply to a unit's report; a refused form keeps what
/// was typed.
pub async fn reply(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let text = field(&f, "text").to_string();
    match state.services.bulletins.reply(&u.principal, &id, &text).await {
        Ok(_) => Redirect::to(&format!("/bulletins/{id}#police-reply")).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if matches!(e.code.http_status(), 400 | 409) {
                let typed = Typed {
                    police_text: text,
                    ..Default::default()
                };
                show(&state, &u, &id, typed, Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

//! `GET /inbox`: the user's in-app notifications; marking them read; the header badge.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::extract::csrf::CsrfForm;
use crate::state::AppState;
use crate::ui::form::some_text;
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, severity_label, Nav};

pub struct InboxRow {
    pub id: String,
    /// The page the item opens (an alert, a document, a hazard).
    pub link: String,
    /// An alert (with its severity); otherwise a notice (document, reminder).
    pub is_alert: bool,
    pub title: String,
    pub severity: String,
    pub severity_code: String,
    pub escalated: bool,
    pub level: i64,
    pub at: String,
    pub read: bool,
}

#[derive(Template)]
#[template(path = "notifications/inbox.html")]
struct InboxPage {
    nav: Nav,
    unread: i64,
    items: Vec<InboxRow>,
    unread_only: bool,
    /// Documents addressed to the viewer not yet signed for (签收).
    documents_waiting: usize,
    /// The viewer sets their unit's or department's own channels (a link to them).
    own_channels: bool,
}

#[derive(Deserialize, Default)]
pub struct InboxQuery {
    #[serde(default)]
    unread: String,
}

/// `GET /inbox[?unread=1]`: the user's in-app notifications (newest 200).
pub async fn inbox(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<InboxQuery>) -> Response {
    let unread_only = !q.unread.is_empty();
    let documents_waiting = state
        .services
        .documents
        .awaiting_signature(&u.principal)
        .await
        .unwrap_or(0);
    match state.services.notifications.inbox(&u.principal, unread_only).await {
        Ok(inbox) => render(&InboxPage {
            nav: Nav::new(&u),
            documents_waiting,
            own_channels: u.principal.can(neibao_domain::access::Permission::OwnChannelManage),
            unread: inbox.unread,
            unread_only,
            items: inbox
                .items
                .into_iter()
                .map(|i| InboxRow {
                    severity: severity_label(&i.severity),
                    severity_code: i.severity,
                    escalated: i.level > 0,
                    level: i.level,
                    at: fmt_time(i.created_at),
                    read: i.read_at.is_some(),
                    id: i.id,
                    is_alert: !i.alert_id.is_empty(),
                    link: i.link,
                    title: i.title,
                })
                .collect(),
        }),
        Err(e) => error_page(&u, e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct ReadForm {
    /// One item; empty: all.
    #[serde(default)]
    id: String,
}

/// `POST /inbox/read`: marks one item (`id`) or all read.
pub async fn mark_read(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<ReadForm>) -> Response {
    let id = some_text(&f.id);
    match state
        .services
        .notifications
        .mark_read(&u.principal, id.as_deref())
        .await
    {
        Ok(_) => Redirect::to("/inbox").into_response(),
        Err(e) => error_page(&u, e.into()),
    }
}

/// `GET /inbox/badge`: the number of unread items as plain text (empty when none), for the
/// header badge (`static/app.js`).
pub async fn badge(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
    let n = state.services.notifications.unread(&u.principal).await.unwrap_or(0);
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        if n > 0 { n.to_string() } else { String::new() },
    )
        .into_response()
}

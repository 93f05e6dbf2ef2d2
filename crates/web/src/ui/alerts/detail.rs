//! `GET /alerts/{id}`: one alert, its events and deliveries; its actions (acknowledge, resolve,
//! false positive) as forms.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::alerts::{AlertAction, FalsePositiveReason};
use neibao_domain::error::ErrorCode;
use neibao_domain::notifications::OutboxItem;
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{status_of, with_status, Sent};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, AlertView, CommentForm, EventView, Nav};

/// One delivery of an alert to a notification channel, for the alert page.
pub struct DeliveryView {
    pub channel: String,
    pub level: String,
    pub status: String,
    pub status_code: String,
    pub attempts: i64,
    pub at: String,
    pub last_error: String,
}

impl From<OutboxItem> for DeliveryView {
    fn from(o: OutboxItem) -> Self {
        DeliveryView {
            channel: o.channel_name,
            level: if o.level > 0 {
                format!("升级（第{}级）", o.level)
            } else {
                "新告警".into()
            },
            status: match o.status.as_str() {
                "pending" => "投递中",
                "delivered" => "已送达",
                "failed" => "失败",
                other => other,
            }
            .to_string(),
            at: match (o.status.as_str(), o.delivered_at) {
                ("delivered", Some(t)) => fmt_time(t),
                ("pending", _) => format!("下次尝试 {}", fmt_time(o.next_attempt_at)),
                _ => String::new(),
            },
            status_code: o.status,
            attempts: o.attempts,
            last_error: o.last_error.unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "alerts/alert.html")]
struct AlertPage {
    nav: Nav,
    /// (code, label) of the false-positive reasons.
    reasons: Vec<(&'static str, &'static str)>,
    a: AlertView,
    events: Vec<EventView>,
    may_handle: bool,
    /// Police, departments and unit managers may turn the alert into a hazard (隐患).
    may_report_hazard: bool,
    /// Deliveries to the notification channels (通知投递).
    deliveries: Vec<DeliveryView>,
    /// Why an action was refused, shown above the forms.
    error: Option<String>,
    /// The refused form as sent (`acknowledge`, `resolve` or `false_positive`): its text goes back
    /// into it (issue 20: a refused form keeps what was typed).
    sent: Sent,
}

/// `GET /alerts/{id}`.
pub async fn alert(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    alert_page(&state, &u, &id, None).await
}

/// The alert page, with a refused action's message and typed text when there is one (answered
/// with the refusal's status).
async fn alert_page(state: &AppState, u: &CurrentUser, id: &str, refused: Option<(ApiError, Sent)>) -> Response {
    let id = id.to_string();
    let alerts = &state.services.alerts;
    let loaded = async {
        Ok::<_, neibao_engine::ServiceError>((
            alerts.get(&u.principal, &id).await?,
            alerts.events(&u.principal, &id).await?,
        ))
    }
    .await;
    let (a, events) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(u, e.into()),
    };
    // The page shows without its deliveries when they cannot be read.
    let deliveries = match state.services.notifications.deliveries(&u.principal, &id).await {
        Ok(rows) => rows.into_iter().map(DeliveryView::from).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "alert outbox not readable");
            Vec::new()
        }
    };
    let status = refused.as_ref().map(|(e, _)| status_of(e)).unwrap_or(StatusCode::OK);
    let page = render(&AlertPage {
        nav: Nav::new(u),
        reasons: FalsePositiveReason::ALL
            .iter()
            .map(|r| (r.code(), r.label_zh()))
            .collect(),
        a: AlertView::from(&a),
        events: events.iter().map(EventView::from).collect(),
        may_handle: u.principal.can(Permission::AlertHandle),
        may_report_hazard: u.principal.can(Permission::Inspect),
        deliveries,
        error: refused.as_ref().map(|(e, _)| e.message.clone()),
        sent: refused.map(|(_, sent)| sent).unwrap_or_default(),
    });
    with_status(page, status)
}

async fn alert_action(state: AppState, u: CurrentUser, id: String, comment: &str, action: AlertAction) -> Response {
    match state
        .services
        .alerts
        .transition(&u.principal, &id, action, comment)
        .await
    {
        Ok(_) => Redirect::to(&format!("/alerts/{id}")).into_response(),
        Err(e) => {
            let form = match action {
                AlertAction::Acknowledge => "acknowledge",
                AlertAction::Resolve => "resolve",
                AlertAction::FalsePositive(_) => "false_positive",
            };
            let reason = match action {
                AlertAction::FalsePositive(r) => r.code().to_string(),
                _ => String::new(),
            };
            refuse(&state, &u, &id, e.into(), form, comment, &reason).await
        }
    }
}

/// The alert page again with the refusal on top and the typed text in its form; a refusal that
/// leaves no page to show (the alert is not there or not the user's) is the error page.
async fn refuse(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    e: ApiError,
    form: &'static str,
    comment: &str,
    reason: &str,
) -> Response {
    if matches!(e.code, ErrorCode::NotFound | ErrorCode::Forbidden) {
        return error_page(u, e);
    }
    let fields = vec![
        ("comment".to_string(), comment.to_string()),
        ("reason".to_string(), reason.to_string()),
    ];
    alert_page(state, u, id, Some((e, Sent::new(form, &fields)))).await
}

/// `POST /alerts/{id}/acknowledge`.
pub async fn acknowledge(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<CommentForm>,
) -> Response {
    alert_action(state, u, id, &f.comment, AlertAction::Acknowledge).await
}

/// `POST /alerts/{id}/resolve`.
pub async fn resolve(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<CommentForm>,
) -> Response {
    alert_action(state, u, id, &f.comment, AlertAction::Resolve).await
}

#[derive(Deserialize, Default)]
pub struct FalsePositiveForm {
    #[serde(default)]
    comment: String,
    #[serde(default)]
    reason: String,
}

/// `POST /alerts/{id}/false_positive`: resolve as 误报 with a reason.
pub async fn false_positive(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<FalsePositiveForm>,
) -> Response {
    let Some(reason) = FalsePositiveReason::from_code(&f.reason) else {
        let e = ApiError::validation("请选择误报原因");
        return refuse(&state, &u, &id, e, "false_positive", &f.comment, "").await;
    };
    alert_action(state, u, id, &f.comment, AlertAction::FalsePositive(reason)).await
}

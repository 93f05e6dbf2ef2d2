//! `GET /alerts/{id}`: one alert, its events and deliveries; its actions (acknowledge, resolve,
//! false positive) as forms.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::alerts::{AlertAction, FalsePositiveReason};
use neibao_domain::notifications::OutboxItem;
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
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
}

/// `GET /alerts/{id}`.
pub async fn alert(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
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
        Err(e) => return error_page(&u, e.into()),
    };
    // The page shows without its deliveries when they cannot be read.
    let deliveries = match state.services.notifications.deliveries(&u.principal, &id).await {
        Ok(rows) => rows.into_iter().map(DeliveryView::from).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "alert outbox not readable");
            Vec::new()
        }
    };
    render(&AlertPage {
        nav: Nav::new(&u),
        reasons: FalsePositiveReason::ALL
            .iter()
            .map(|r| (r.code(), r.label_zh()))
            .collect(),
        a: AlertView::from(&a),
        events: events.iter().map(EventView::from).collect(),
        may_handle: u.principal.can(Permission::AlertHandle),
        may_report_hazard: u.principal.can(Permission::Inspect),
        deliveries,
    })
}

async fn alert_action(state: AppState, u: CurrentUser, id: String, comment: &str, action: AlertAction) -> Response {
    match state
        .services
        .alerts
        .transition(&u.principal, &id, action, comment)
        .await
    {
        Ok(_) => Redirect::to(&format!("/alerts/{id}")).into_response(),
        Err(e) => error_page(&u, e.into()),
    }
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
        return error_page(&u, ApiError::validation("请选择误报原因"));
    };
    alert_action(state, u, id, &f.comment, AlertAction::FalsePositive(reason)).await
}

//! Pages of alerts: lists, an alert with its actions and deliveries, per-rule statistics.

use super::kit::{error_page, render, UiUser};
use super::views::{fmt_time, total_label, AlertView, CommentForm, EventView, Nav, Pager};
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use neibao_domain::access::Permission;
use neibao_domain::alerts::{AlertAction, AlertFilter, AlertStatus};
use neibao_domain::paging::Page;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct AlertsQuery {
    #[serde(default)]
    status: String,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "alerts/alerts.html")]
struct AlertsPage {
    nav: Nav,
    alerts: Vec<AlertView>,
    total: String,
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    pager: Pager,
}

pub async fn alerts(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<AlertsQuery>) -> Response {
    let page = Page::new(q.page, Some(50));
    let filter = AlertFilter {
        status: AlertStatus::from_code(&q.status),
        ..Default::default()
    };
    match state.store.list_alerts(&u.scope, &filter, page).await {
        Ok(list) => {
            let mut nav = Nav::new(&u);
            nav.watch_alerts = true;
            render(&AlertsPage {
                nav,
                alerts: list.items.iter().map(AlertView::from).collect(),
                total: total_label(&list),
                pager: Pager::new(
                    "/alerts",
                    &[("status", q.status.clone())],
                    page.page,
                    page.per_page,
                    list.total,
                ),
                status: q.status,
                statuses: AlertStatus::ALL.iter().map(|s| (s.code(), s.label_zh())).collect(),
            })
        }
        Err(e) => error_page(&u, e.into()),
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

pub async fn alert(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    let loaded = async {
        Ok::<_, neibao_store::StoreError>((
            state.store.get_alert(&u.scope, &id).await?,
            state.store.alert_events(&u.scope, &id).await?,
        ))
    }
    .await;
    let deliveries = match &loaded {
        Ok(_) => deliveries(&state, &id).await,
        Err(_) => Vec::new(),
    };
    match loaded {
        Ok((a, events)) => render(&AlertPage {
            nav: Nav::new(&u),
            reasons: neibao_domain::alerts::FalsePositiveReason::ALL
                .iter()
                .map(|r| (r.code(), r.label_zh()))
                .collect(),
            a: AlertView::from(&a),
            events: events.iter().map(EventView::from).collect(),
            may_handle: u.principal.can(Permission::AlertHandle),
            may_report_hazard: neibao_domain::supervision::InspectionKind::for_role(u.user.role).is_some(),
            deliveries,
        }),
        Err(e) => error_page(&u, e.into()),
    }
}

async fn alert_action(state: AppState, u: CurrentUser, id: String, f: CommentForm, action: AlertAction) -> Response {
    let r = async {
        u.check_form_csrf(&f.csrf_token)?;
        crate::api::alerts::transition(&state, &u, &id, action, &f.comment).await
    }
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/alerts/{id}")).into_response(),
        Err(e) => error_page(&u, e),
    }
}

pub async fn acknowledge(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Form(f): Form<CommentForm>,
) -> Response {
    alert_action(state, u, id, f, AlertAction::Acknowledge).await
}

pub async fn resolve(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Form(f): Form<CommentForm>,
) -> Response {
    alert_action(state, u, id, f, AlertAction::Resolve).await
}

#[derive(Deserialize, Default)]
pub struct FalsePositiveForm {
    #[serde(default)]
    csrf_token: String,
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
    Form(f): Form<FalsePositiveForm>,
) -> Response {
    if let Err(e) = u.check_form_csrf(&f.csrf_token) {
        return error_page(&u, e);
    }
    let Some(reason) = neibao_domain::alerts::FalsePositiveReason::from_code(&f.reason) else {
        return error_page(&u, ApiError::validation("请选择误报原因"));
    };
    let form = CommentForm {
        csrf_token: f.csrf_token,
        comment: f.comment,
    };
    alert_action(state, u, id, form, AlertAction::FalsePositive(reason)).await
}

pub struct RuleStatsView {
    pub rule: String,
    pub raised: i64,
    pub open: i64,
    pub acknowledged: i64,
    pub resolved: i64,
    pub false_positives: i64,
    pub false_positive_rate: String,
    pub mean_ack: String,
    pub last_24h: i64,
    pub flooding: bool,
}

#[derive(Template)]
#[template(path = "alerts/alert_stats.html")]
struct AlertStatsPage {
    nav: Nav,
    days: i64,
    threshold: i64,
    rows: Vec<RuleStatsView>,
}

/// `GET /alerts/stats`: per-rule statistics (告警统计), flooding rules flagged.
pub async fn alert_stats(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Query(q): Query<crate::api::alerts::StatsQuery>,
) -> Response {
    let (days, threshold) = match crate::api::alerts::stats_params(&q) {
        Ok(p) => p,
        Err(e) => return error_page(&u, e),
    };
    let now = chrono::Utc::now();
    match state
        .store
        .alert_rule_stats(&u.scope, now - chrono::Duration::days(days), now, threshold)
        .await
    {
        Ok(stats) => render(&AlertStatsPage {
            nav: Nav::new(&u),
            days,
            threshold,
            rows: stats
                .into_iter()
                .map(|s| RuleStatsView {
                    rule: neibao_engine::alerts::builtin::builtin_rules()
                        .into_iter()
                        .find(|r| r.code == s.rule)
                        .map(|r| r.title.to_string())
                        .unwrap_or_else(|| s.rule.clone()),
                    raised: s.raised,
                    open: s.open,
                    acknowledged: s.acknowledged,
                    resolved: s.resolved,
                    false_positives: s.false_positives,
                    false_positive_rate: s
                        .false_positive_rate
                        .map(|r| format!("{:.0}%", r * 100.0))
                        .unwrap_or_else(|| "—".into()),
                    mean_ack: s
                        .mean_seconds_to_acknowledge
                        .map(|x| format!("{:.1} 分钟", x / 60.0))
                        .unwrap_or_else(|| "—".into()),
                    last_24h: s.raised_last_24h,
                    flooding: s.flooding,
                })
                .collect(),
        }),
        Err(e) => error_page(&u, e.into()),
    }
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/alerts", routing::get(alerts))
        .route("/alerts/{id}", routing::get(alert))
        .route("/alerts/{id}/acknowledge", routing::post(acknowledge))
        .route("/alerts/{id}/resolve", routing::post(resolve))
        .route("/alerts/{id}/false_positive", routing::post(false_positive))
        .route("/alerts/stats", routing::get(alert_stats))
}

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

/// The alert's deliveries (empty when they cannot be read: the alert page still shows).
pub(super) async fn deliveries(state: &AppState, alert_id: &str) -> Vec<DeliveryView> {
    let rows = match state.store.alert_outbox(alert_id).await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "alert outbox not readable");
            return Vec::new();
        }
    };
    rows.into_iter()
        .map(|o| DeliveryView {
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
        })
        .collect()
}

//! `GET /alerts/stats`: per-rule statistics (告警统计), flooding rules flagged.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use neibao_domain::alerts::RuleAlertStats;
use serde::Deserialize;

use crate::state::AppState;
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::Nav;

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

impl From<RuleAlertStats> for RuleStatsView {
    fn from(s: RuleAlertStats) -> Self {
        RuleStatsView {
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
        }
    }
}

#[derive(Template)]
#[template(path = "alerts/alert_stats.html")]
struct AlertStatsPage {
    nav: Nav,
    days: i64,
    threshold: i64,
    rows: Vec<RuleStatsView>,
}

#[derive(Deserialize, Default)]
pub struct StatsQuery {
    days: Option<i64>,
    flood_threshold: Option<i64>,
}

/// `GET /alerts/stats[?days=][&flood_threshold=]`.
pub async fn alert_stats(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<StatsQuery>) -> Response {
    match state
        .services
        .alerts
        .stats(&u.principal, q.days, q.flood_threshold)
        .await
    {
        Ok(stats) => render(&AlertStatsPage {
            nav: Nav::new(&u),
            days: stats.days,
            threshold: stats.flood_threshold,
            rows: stats.rules.into_iter().map(RuleStatsView::from).collect(),
        }),
        Err(e) => error_page(&u, e.into()),
    }
}

//! `/warning/suppressions`: suppression windows (屏蔽时段) in the user's scope; police,
//! administrators and unit managers add and end them.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use neibao_domain::access::Permission;
use neibao_domain::audit::actor_label;
use neibao_domain::error::ErrorCode;
use neibao_domain::warning::SuppressionWindow;
use neibao_engine::warning::ruleset::SUPPRESSION_REASONS;
use neibao_engine::warning::{SuppressionChoices, SuppressionDraft};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{local_input, parse_local, some_text, status_of, with_status};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

pub struct SuppressionRow {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub device: String,
    pub rule: String,
    pub from: String,
    pub to: String,
    pub active: bool,
    pub reason: String,
    pub note: String,
    pub created_by: String,
}

/// The add form as shown or sent.
pub struct SuppressionForm {
    pub unit_id: String,
    pub device_id: String,
    pub rule: String,
    pub from: String,
    pub to: String,
    pub reason: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "warning/suppressions.html")]
struct SuppressionsPage {
    nav: Nav,
    is_admin: bool,
    rows: Vec<SuppressionRow>,
    may_edit: bool,
    /// (id, name) of the units in scope (at most 200).
    units: Vec<(String, String)>,
    units_capped: bool,
    /// (id, name) of the chosen unit's devices (the device select; app.js refills it when
    /// another unit is chosen).
    devices: Vec<(String, String)>,
    /// (code, title) of every rule.
    rules: Vec<(String, String)>,
    reasons: &'static [(&'static str, &'static str)],
    filter_unit: String,
    form: SuppressionForm,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SuppressionQuery {
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    added: String,
    #[serde(default)]
    ended: String,
}

/// `GET /warning/suppressions[?unit_id=]`.
pub async fn suppressions(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Query(q): Query<SuppressionQuery>,
) -> Response {
    let now = Utc::now();
    let form = SuppressionForm {
        unit_id: q.unit_id.clone(),
        device_id: String::new(),
        rule: String::new(),
        from: local_input(now),
        to: local_input(now + Duration::hours(2)),
        reason: "maintenance".into(),
        note: String::new(),
    };
    let notice = if !q.added.is_empty() {
        Some("已添加屏蔽时段".to_string())
    } else if !q.ended.is_empty() {
        Some("已结束屏蔽时段".to_string())
    } else {
        None
    };
    suppressions_page(&state, &u, q.unit_id.trim(), form, None, notice).await
}

async fn suppressions_page(
    state: &AppState,
    u: &CurrentUser,
    filter_unit: &str,
    form: SuppressionForm,
    error: Option<ApiError>,
    notice: Option<String>,
) -> Response {
    let now = Utc::now();
    let warning = &state.services.warning;
    let loaded = async {
        let windows = warning
            .suppressions(&u.principal, some_text(filter_unit).as_deref())
            .await?;
        let choices = warning
            .suppression_choices(
                &u.principal,
                &[filter_unit, form.unit_id.as_str()],
                Some(form.unit_id.as_str()),
            )
            .await?;
        Ok::<_, neibao_engine::ServiceError>((windows, choices))
    }
    .await;
    let (windows, choices) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(u, e.into()),
    };
    let SuppressionChoices {
        units,
        units_capped,
        devices,
        rules,
    } = choices;
    let unit_names: HashMap<&str, &str> = units.iter().map(|(i, n)| (i.as_str(), n.as_str())).collect();
    let device_names: HashMap<&str, &str> = devices.iter().map(|(i, n)| (i.as_str(), n.as_str())).collect();
    let rule_names: HashMap<&str, &str> = rules.iter().map(|(c, t)| (c.as_str(), t.as_str())).collect();
    let rows = windows
        .iter()
        .map(|w: &SuppressionWindow| SuppressionRow {
            id: w.id.clone(),
            unit_id: w.unit_id.clone(),
            unit_name: unit_names
                .get(w.unit_id.as_str())
                .map(|s| s.to_string())
                .unwrap_or_else(|| w.unit_id.clone()),
            device: match (&w.device_id, &w.device_name) {
                (Some(_), Some(n)) => n.clone(),
                (Some(d), None) => device_names
                    .get(d.as_str())
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| d.clone()),
                (None, _) => "全部设备".into(),
            },
            rule: match &w.rule {
                Some(r) => rule_names
                    .get(r.as_str())
                    .filter(|t| !t.is_empty())
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| r.clone()),
                None => "全部规则".into(),
            },
            from: fmt_time(w.from),
            to: fmt_time(w.to),
            active: w.from <= now && now < w.to,
            reason: SUPPRESSION_REASONS
                .iter()
                .find(|(c, _)| *c == w.reason)
                .map(|(_, l)| l.to_string())
                .unwrap_or_else(|| w.reason.clone()),
            note: w.note.clone(),
            created_by: actor_label(&w.created_by),
        })
        .collect();
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&SuppressionsPage {
        nav: Nav::new(u),
        is_admin: u.principal.can(Permission::ChannelManage),
        rows,
        may_edit: u.principal.can(Permission::SuppressionManage),
        units,
        units_capped,
        devices,
        rules,
        reasons: SUPPRESSION_REASONS,
        filter_unit: filter_unit.to_string(),
        form,
        error: error.map(|e| e.message),
        notice,
    });
    with_status(page, status)
}

/// The add form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SuppressionFields {
    unit_id: String,
    device_id: String,
    rule: String,
    from: String,
    to: String,
    reason: String,
    note: String,
    /// The unit the list was filtered by (kept after the post).
    filter_unit: String,
}

/// `POST /warning/suppressions`: adds a window.
pub async fn add_suppression(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    CsrfForm(f): CsrfForm<SuppressionFields>,
) -> Response {
    let form = SuppressionForm {
        unit_id: f.unit_id.trim().to_string(),
        device_id: f.device_id.trim().to_string(),
        rule: f.rule.trim().to_string(),
        from: f.from.trim().to_string(),
        to: f.to.trim().to_string(),
        reason: f.reason.trim().to_string(),
        note: f.note.clone(),
    };
    let filter_unit = f.filter_unit.trim().to_string();
    let r = async {
        // Who may not set windows is told so before anything about the form.
        u.principal.require(Permission::SuppressionManage)?;
        if form.unit_id.is_empty() {
            return Err(ApiError::validation("请选择单位"));
        }
        let draft = SuppressionDraft {
            unit_id: form.unit_id.clone(),
            device_id: some_text(&form.device_id),
            rule: some_text(&form.rule),
            from: parse_local(&form.from, "开始时间")?,
            to: parse_local(&form.to, "结束时间")?,
            reason: form.reason.clone(),
            note: form.note.clone(),
        };
        Ok::<_, ApiError>(state.services.warning.create_suppression(&u.principal, draft).await?)
    }
    .await;
    match r {
        Ok(_) => {
            let q =
                serde_urlencoded::to_string([("unit_id", filter_unit.as_str()), ("added", "1")]).unwrap_or_default();
            Redirect::to(&format!("/warning/suppressions?{q}")).into_response()
        }
        Err(e) => {
            let e = if e.code == ErrorCode::NotFound {
                ApiError::msg(
                    ErrorCode::NotFound,
                    "单位或设备不存在，或不在您的管辖范围内（设备须属于该单位）",
                )
            } else {
                e
            };
            suppressions_page(&state, &u, &filter_unit, form, Some(e), None).await
        }
    }
}

/// The end form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EndFields {
    /// The unit the list was filtered by (kept after the post).
    filter_unit: String,
}

/// `POST /warning/suppressions/{id}/end`: ends a window now.
pub async fn end_suppression(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<EndFields>,
) -> Response {
    match state.services.warning.end_suppression(&u.principal, &id).await {
        Ok(()) => {
            let q =
                serde_urlencoded::to_string([("unit_id", f.filter_unit.trim()), ("ended", "1")]).unwrap_or_default();
            Redirect::to(&format!("/warning/suppressions?{q}")).into_response()
        }
        Err(e) => error_page(&u, e.into()),
    }
}

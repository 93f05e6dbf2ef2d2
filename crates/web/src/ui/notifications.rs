//! Pages of notifications: channels, the inbox and its badge.

use super::form::{field, status_of, with_status, Fields};
use super::kit::{error_page, render, UiUser};
use super::views::{fmt_time, Nav};
use super::warning::{forbidden, severities, severity_label, some_text};
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use neibao_domain::access::Role;
use neibao_domain::notifications::NotificationChannel;
use neibao_notify::ChannelConfig;

fn channel_kind_label(kind: &str) -> &str {
    match kind {
        "webhook" => "签名 Webhook",
        "dingtalk" => "钉钉机器人",
        "wecom" => "企业微信机器人",
        "email" => "邮件",
        other => other,
    }
}

const CHANNEL_KINDS: [(&str, &str); 4] = [
    ("webhook", "签名 Webhook"),
    ("dingtalk", "钉钉机器人"),
    ("wecom", "企业微信机器人"),
    ("email", "邮件（SMTP）"),
];

pub struct ChannelRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub config: String,
    pub division_prefix: String,
    pub min_severity: String,
    pub enabled: bool,
    pub created: String,
}

impl ChannelRow {
    fn new(c: &NotificationChannel) -> ChannelRow {
        ChannelRow {
            id: c.id.clone(),
            name: c.name.clone(),
            kind: channel_kind_label(&c.kind).to_string(),
            config: serde_json::to_string(&c.config_masked).unwrap_or_default(),
            division_prefix: c.division_prefix.clone(),
            min_severity: severity_label(&c.min_severity),
            enabled: c.enabled,
            created: format!("{} · {}", c.created_by, fmt_time(c.created_at)),
        }
    }
}

/// The add form as shown or sent; secrets and passwords are never shown again.
#[derive(Default)]
pub struct ChannelForm {
    pub name: String,
    pub kind: String,
    pub url: String,
    pub smtp_host: String,
    pub smtp_port: String,
    pub username: String,
    pub from: String,
    pub to: String,
    pub starttls: bool,
    pub division_prefix: String,
    pub min_severity: String,
}

#[derive(Template)]
#[template(path = "notifications/channels.html")]
struct ChannelsPage {
    nav: Nav,
    is_admin: bool,
    channels: Vec<ChannelRow>,
    kinds: [(&'static str, &'static str); 4],
    severities: Vec<(&'static str, &'static str)>,
    form: ChannelForm,
    error: Option<String>,
    notice: Option<String>,
}

fn admin_only() -> ApiError {
    forbidden("仅系统管理员可以管理通知渠道")
}

#[derive(serde::Deserialize, Default)]
pub struct ChannelsQuery {
    #[serde(default)]
    added: String,
    #[serde(default)]
    switched: String,
}

/// `GET /warning/channels` (administrators).
pub async fn channels(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<ChannelsQuery>) -> Response {
    if u.user.role != Role::Admin {
        return error_page(&u, admin_only());
    }
    let form = ChannelForm {
        kind: "webhook".into(),
        smtp_port: "465".into(),
        starttls: true,
        min_severity: "medium".into(),
        ..Default::default()
    };
    let notice = if !q.added.is_empty() {
        Some("已添加通知渠道".to_string())
    } else if !q.switched.is_empty() {
        Some("已更新渠道状态".to_string())
    } else {
        None
    };
    channels_page(&state, &u, form, None, notice).await
}

async fn channels_page(
    state: &AppState,
    u: &CurrentUser,
    form: ChannelForm,
    error: Option<ApiError>,
    notice: Option<String>,
) -> Response {
    let list = match state.store.list_channels().await {
        Ok(l) => l,
        Err(e) => return error_page(u, e.into()),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&ChannelsPage {
        nav: Nav::new(u),
        is_admin: true,
        channels: list.iter().map(ChannelRow::new).collect(),
        kinds: CHANNEL_KINDS,
        severities: severities(),
        form,
        error: error.map(|e| e.message),
        notice,
    });
    with_status(page, status)
}

/// The channel config the form stands for.
fn channel_config(form: &ChannelForm, f: &Fields) -> Result<ChannelConfig, ApiError> {
    let url = form.url.clone();
    let secret = field(f, "secret").trim().to_string();
    Ok(match form.kind.as_str() {
        "webhook" => ChannelConfig::Webhook { url, secret },
        "dingtalk" => ChannelConfig::DingTalk {
            url,
            secret: some_text(&secret),
        },
        "wecom" => ChannelConfig::WeCom { url },
        "email" => {
            let smtp_port = form
                .smtp_port
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| ApiError::validation("SMTP 端口应为 1–65535 的整数"))?;
            let password = field(f, "password").to_string();
            ChannelConfig::Email {
                smtp_host: form.smtp_host.clone(),
                smtp_port,
                username: some_text(&form.username),
                password: (!password.is_empty()).then_some(password),
                from: form.from.clone(),
                to: form
                    .to
                    .split([',', '，', ';', '；', '\n'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                starttls: form.starttls,
            }
        }
        _ => return Err(ApiError::validation("请选择渠道类型")),
    })
}

/// `POST /warning/channels`: adds a channel.
pub async fn add_channel(State(state): State<AppState>, UiUser(u): UiUser, Form(f): Form<Fields>) -> Response {
    if let Err(e) = u.check_form_csrf(field(&f, "csrf_token")) {
        return error_page(&u, e);
    }
    if u.user.role != Role::Admin {
        return error_page(&u, admin_only());
    }
    let form = ChannelForm {
        name: field(&f, "name").trim().to_string(),
        kind: field(&f, "kind").trim().to_string(),
        url: field(&f, "url").trim().to_string(),
        smtp_host: field(&f, "smtp_host").trim().to_string(),
        smtp_port: field(&f, "smtp_port").trim().to_string(),
        username: field(&f, "username").trim().to_string(),
        from: field(&f, "from").trim().to_string(),
        to: field(&f, "to").trim().to_string(),
        starttls: !field(&f, "starttls").is_empty(),
        division_prefix: field(&f, "division_prefix").trim().to_string(),
        min_severity: field(&f, "min_severity").trim().to_string(),
    };
    let r = async {
        let config = channel_config(&form, &f)?;
        crate::api::notifications::add_channel(
            &state,
            &u,
            crate::api::notifications::NewChannelRequest {
                name: form.name.clone(),
                config,
                division_prefix: form.division_prefix.clone(),
                min_severity: form.min_severity.clone(),
            },
        )
        .await
    }
    .await;
    match r {
        Ok(_) => Redirect::to("/warning/channels?added=1").into_response(),
        Err(e) => channels_page(&state, &u, form, Some(e), None).await,
    }
}

/// `POST /warning/channels/{id}/switch` (`enabled` = `true` or `false`).
pub async fn switch_channel(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(e) = u.check_form_csrf(field(&f, "csrf_token")) {
        return error_page(&u, e);
    }
    if u.user.role != Role::Admin {
        return error_page(&u, admin_only());
    }
    let enabled = field(&f, "enabled") == "true";
    match state.store.set_channel_enabled(&id, enabled).await {
        Ok(()) => Redirect::to("/warning/channels?switched=1").into_response(),
        Err(e) => error_page(&u, e.into()),
    }
}

pub struct InboxRow {
    pub id: String,
    pub alert_id: String,
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
}

#[derive(serde::Deserialize, Default)]
pub struct InboxQuery {
    #[serde(default)]
    unread: String,
}

/// `GET /inbox[?unread=1]`: the user's in-app notifications (newest 200).
pub async fn inbox(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<InboxQuery>) -> Response {
    let unread_only = !q.unread.is_empty();
    let loaded = async {
        Ok::<_, neibao_store::StoreError>((
            state.store.count_unread(&u.user.id).await?,
            state.store.list_inbox(&u.user.id, unread_only, 200).await?,
        ))
    }
    .await;
    match loaded {
        Ok((unread, items)) => render(&InboxPage {
            nav: Nav::new(&u),
            unread,
            unread_only,
            items: items
                .into_iter()
                .map(|i| InboxRow {
                    severity: severity_label(&i.severity),
                    severity_code: i.severity,
                    escalated: i.level > 0,
                    level: i.level,
                    at: fmt_time(i.created_at),
                    read: i.read_at.is_some(),
                    id: i.id,
                    alert_id: i.alert_id,
                    title: i.title,
                })
                .collect(),
        }),
        Err(e) => error_page(&u, e.into()),
    }
}

/// `POST /inbox/read`: marks one item (`id`) or all read.
pub async fn mark_read(State(state): State<AppState>, UiUser(u): UiUser, Form(f): Form<Fields>) -> Response {
    if let Err(e) = u.check_form_csrf(field(&f, "csrf_token")) {
        return error_page(&u, e);
    }
    let id = some_text(field(&f, "id"));
    match state.store.mark_inbox_read(&u.user.id, id.as_deref(), Utc::now()).await {
        Ok(_) => Redirect::to("/inbox").into_response(),
        Err(e) => error_page(&u, e.into()),
    }
}

/// `GET /inbox/badge`: the number of unread items as plain text (empty when none), for the
/// header badge (`static/app.js`).
pub async fn badge(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
    let n = state.store.count_unread(&u.user.id).await.unwrap_or(0);
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        if n > 0 { n.to_string() } else { String::new() },
    )
        .into_response()
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/warning/channels", routing::get(channels).post(add_channel))
        .route("/warning/channels/{id}/switch", routing::post(switch_channel))
        .route("/inbox", routing::get(inbox))
        .route("/inbox/read", routing::post(mark_read))
        .route("/inbox/badge", routing::get(badge))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_forms_build_configs() {
        let form = ChannelForm {
            kind: "email".into(),
            smtp_host: "smtp.example.com".into(),
            smtp_port: "465".into(),
            from: "内保 <a@example.com>".into(),
            to: "b@example.com，c@example.com".into(),
            ..Default::default()
        };
        let f: Fields = vec![("password".into(), String::new())];
        match channel_config(&form, &f).unwrap() {
            ChannelConfig::Email { to, password, .. } => {
                assert_eq!(to.len(), 2);
                assert!(password.is_none());
            }
            other => panic!("{other:?}"),
        }
        let bad = ChannelForm {
            kind: "email".into(),
            smtp_port: "x".into(),
            ..Default::default()
        };
        assert!(channel_config(&bad, &f).is_err());
    }
}

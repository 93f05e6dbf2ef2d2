//! `GET/POST /warning/channels`: notification channels (administrators). Secrets and passwords
//! are never shown again, not even in a refused form.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::error::ErrorCode;
use neibao_domain::notifications::NotificationChannel;
use neibao_engine::notifications::ChannelDraft;
use neibao_notify::ChannelConfig;
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{some_text, status_of, with_status};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, severities, severity_label, Nav};

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
    /// A unit's or department's own channel.
    pub owned: bool,
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
            config: config_label(&c.config_masked),
            division_prefix: c.division_prefix.clone(),
            owned: c.unit_id.is_some() || c.org_id.is_some(),
            min_severity: severity_label(&c.min_severity),
            enabled: c.enabled,
            created: format!("{} · {}", c.created_by, fmt_time(c.created_at)),
        }
    }
}

/// The zh-CN names of a channel's settings (`neibao_notify::ChannelConfig`, masked).
const CONFIG_FIELDS: &[(&str, &str)] = &[
    ("url", "地址"),
    ("secret", "签名密钥"),
    ("smtp_host", "SMTP 服务器"),
    ("smtp_port", "端口"),
    ("username", "用户名"),
    ("password", "密码"),
    ("from", "发件人"),
    ("to", "收件人"),
    ("starttls", "要求 STARTTLS"),
];

/// A channel's masked settings as people read them: `地址：https://…；签名密钥：******`, in the
/// form's order; the kind is its own column.
fn config_label(config: &serde_json::Value) -> String {
    use serde_json::Value;
    CONFIG_FIELDS
        .iter()
        .filter_map(|(key, label)| {
            let value = match config.get(*key)? {
                Value::String(s) => s.clone(),
                Value::Bool(b) => (if *b { "是" } else { "否" }).to_string(),
                Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join("、"),
                Value::Null => return None,
                other => other.to_string(),
            };
            Some(format!("{label}：{value}"))
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// The add form as sent (`secret` and `password` are read, never shown again).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChannelFields {
    name: String,
    kind: String,
    url: String,
    secret: String,
    smtp_host: String,
    smtp_port: String,
    username: String,
    password: String,
    from: String,
    to: String,
    starttls: String,
    division_prefix: String,
    min_severity: String,
}

/// The add form as shown; secrets and passwords are never shown again.
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

impl From<&ChannelFields> for ChannelForm {
    fn from(f: &ChannelFields) -> Self {
        ChannelForm {
            name: f.name.trim().to_string(),
            kind: f.kind.trim().to_string(),
            url: f.url.trim().to_string(),
            smtp_host: f.smtp_host.trim().to_string(),
            smtp_port: f.smtp_port.trim().to_string(),
            username: f.username.trim().to_string(),
            from: f.from.trim().to_string(),
            to: f.to.trim().to_string(),
            starttls: !f.starttls.is_empty(),
            division_prefix: f.division_prefix.trim().to_string(),
            min_severity: f.min_severity.trim().to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "notifications/channels.html")]
struct ChannelsPage {
    nav: Nav,
    /// The sub-navigation shows the channels link.
    is_admin: bool,
    /// The viewer manages their unit's or department's own channels (no division prefix).
    own: bool,
    channels: Vec<ChannelRow>,
    kinds: [(&'static str, &'static str); 4],
    severities: Vec<(&'static str, &'static str)>,
    form: ChannelForm,
    error: Option<String>,
    notice: Option<String>,
}

fn admin_only() -> ApiError {
    ApiError::msg(
        ErrorCode::Forbidden,
        "仅系统管理员，或单位、行业主管部门为自己设置时可以管理通知渠道",
    )
}

/// Whether `u` manages some channels: all of them, or their unit's or department's own.
fn manages_channels(u: &CurrentUser) -> bool {
    u.principal.can(Permission::ChannelManage) || u.principal.can(Permission::OwnChannelManage)
}

#[derive(Deserialize, Default)]
pub struct ChannelsQuery {
    #[serde(default)]
    added: String,
    #[serde(default)]
    switched: String,
}

/// `GET /warning/channels`.
pub async fn channels(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<ChannelsQuery>) -> Response {
    if !manages_channels(&u) {
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
    let list = match state.services.notifications.channels(&u.principal).await {
        Ok(l) => l,
        Err(e) => return error_page(u, e.into()),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&ChannelsPage {
        nav: Nav::new(u),
        is_admin: true,
        own: !u.principal.can(Permission::ChannelManage),
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
fn channel_config(form: &ChannelForm, secret: &str, password: &str) -> Result<ChannelConfig, ApiError> {
    let url = form.url.clone();
    let secret = secret.trim().to_string();
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
            ChannelConfig::Email {
                smtp_host: form.smtp_host.clone(),
                smtp_port,
                username: some_text(&form.username),
                password: (!password.is_empty()).then(|| password.to_string()),
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
pub async fn add_channel(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    CsrfForm(f): CsrfForm<ChannelFields>,
) -> Response {
    if !manages_channels(&u) {
        return error_page(&u, admin_only());
    }
    let form = ChannelForm::from(&f);
    let r = async {
        let config = channel_config(&form, &f.secret, &f.password)?;
        let draft = ChannelDraft {
            name: form.name.clone(),
            config,
            division_prefix: form.division_prefix.clone(),
            min_severity: form.min_severity.clone(),
        };
        Ok::<_, ApiError>(state.services.notifications.create_channel(&u.principal, draft).await?)
    }
    .await;
    match r {
        Ok(_) => Redirect::to("/warning/channels?added=1").into_response(),
        Err(e) => channels_page(&state, &u, form, Some(e), None).await,
    }
}

#[derive(Deserialize, Default)]
pub struct SwitchForm {
    /// `true` or `false`.
    #[serde(default)]
    enabled: String,
}

/// `POST /warning/channels/{id}/switch` (`enabled` = `true` or `false`).
pub async fn switch_channel(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<SwitchForm>,
) -> Response {
    if !manages_channels(&u) {
        return error_page(&u, admin_only());
    }
    match state
        .services
        .notifications
        .switch_channel(&u.principal, &id, f.enabled == "true")
        .await
    {
        Ok(_) => Redirect::to("/warning/channels?switched=1").into_response(),
        Err(e) => error_page(&u, e.into()),
    }
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
        match channel_config(&form, "", "").unwrap() {
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
        assert!(channel_config(&bad, "", "").is_err());
    }
}

//! [`NotificationService`]: notification channels, the deliveries of an alert, the in-app inbox
//! and its badge, and the fan-out job.

use chrono::Utc;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::alerts::Severity;
use neibao_domain::notifications::{InboxItem, NewChannel, NotificationChannel, OutboxItem};

use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::jobs::scheduler::Handler;

/// Newest inbox items listed.
pub const INBOX_LIMIT: i64 = 200;

/// A channel to add: its name, the channel config (webhook, DingTalk, WeCom, email), the
/// division prefix it covers and the lowest severity it gets.
#[derive(Debug, Clone)]
pub struct ChannelDraft {
    pub name: String,
    pub config: neibao_notify::ChannelConfig,
    pub division_prefix: String,
    pub min_severity: String,
}

/// The caller's inbox: the unread count and the newest items.
#[derive(Debug, Clone)]
pub struct Inbox {
    pub unread: i64,
    pub items: Vec<InboxItem>,
}

/// Notification channels, deliveries and the in-app inbox.
#[derive(Clone)]
pub struct NotificationService {
    pub(crate) ctx: Ctx,
}

impl NotificationService {
    pub fn new(ctx: Ctx) -> NotificationService {
        NotificationService { ctx }
    }

    /// The channels the caller manages, secrets masked: every channel for
    /// [`Permission::ChannelManage`]; the own channels of the caller's unit or department for
    /// [`Permission::OwnChannelManage`].
    #[tracing::instrument(skip_all)]
    pub async fn channels(&self, who: &Principal) -> ServiceResult<Vec<NotificationChannel>> {
        let owner = manager_of(who)?;
        let all = self.ctx.store.list_channels().await?;
        Ok(match owner {
            None => all,
            Some(owner) => all.into_iter().filter(|c| owner.owns(c)).collect(),
        })
    }

    /// Adds a channel after checking it: a name of 1–60 characters, a valid config, a known
    /// severity, a numeric division prefix. With [`Permission::ChannelManage`] an installation
    /// channel (filtered by the division prefix); with [`Permission::OwnChannelManage`] the own
    /// channel of the caller's unit or department (the prefix is not used). The config is
    /// encrypted at rest; audited as `channel.create` (kind and prefix, never the config).
    #[tracing::instrument(skip_all)]
    pub async fn create_channel(&self, who: &Principal, d: ChannelDraft) -> ServiceResult<NotificationChannel> {
        let owner = manager_of(who)?;
        let name = d.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 60 || !neibao_domain::text::text_is_clean(&name) {
            return Err(ServiceError::invalid("渠道名称应为 1–60 个字符"));
        }
        d.config.validate().map_err(ServiceError::invalid)?;
        if Severity::from_code(&d.min_severity).is_none() {
            return Err(ServiceError::invalid("最低级别应为 low、medium、high 或 critical"));
        }
        if !d.division_prefix.chars().all(|c| c.is_ascii_digit()) || d.division_prefix.len() > 12 {
            return Err(ServiceError::invalid("区划代码前缀应为数字"));
        }
        let config = serde_json::to_string(&d.config).map_err(|e| ServiceError::Internal(e.into()))?;
        let masked = serde_json::to_value(d.config.masked()).unwrap_or_default();
        let kind = d.config.kind().to_string();
        let (unit_id, org_id, division_prefix) = match &owner {
            None => (None, None, d.division_prefix),
            Some(Owner::Unit(u)) => (Some(u.clone()), None, String::new()),
            Some(Owner::Org(o)) => (None, Some(o.clone()), String::new()),
        };
        let mut audit = who.audit("channel.create", "channel", "", unit_id.as_deref());
        audit.detail = serde_json::json!({
            "kind": kind,
            "division_prefix": division_prefix,
            "min_severity": d.min_severity,
        })
        .to_string();
        Ok(self
            .ctx
            .store
            .create_channel(
                &NewChannel {
                    name,
                    kind,
                    config,
                    config_masked: masked,
                    division_prefix,
                    min_severity: d.min_severity,
                    unit_id,
                    org_id,
                    created_by: who.username.clone(),
                },
                &audit,
                Utc::now(),
            )
            .await?)
    }

    /// Switches a channel on or off (any channel with [`Permission::ChannelManage`], the own
    /// channels of the caller's unit or department with [`Permission::OwnChannelManage`]; another
    /// one is `forbidden`); audited as `channel.enable` or `channel.disable`.
    #[tracing::instrument(skip_all, fields(channel = %id, enabled))]
    pub async fn switch_channel(&self, who: &Principal, id: &str, enabled: bool) -> ServiceResult<NotificationChannel> {
        if let Some(owner) = manager_of(who)? {
            if !owner.owns(&self.ctx.store.get_channel(id).await?) {
                return Err(ServiceError::forbidden("只能启用、停用本单位（部门）自己的通知渠道"));
            }
        }
        let action = if enabled { "channel.enable" } else { "channel.disable" };
        let audit = who.audit(action, "channel", id, None);
        self.ctx
            .store
            .set_channel_enabled(id, enabled, &audit, Utc::now())
            .await?;
        Ok(self.ctx.store.get_channel(id).await?)
    }

    /// The deliveries of an alert in the caller's scope (404 outside it).
    #[tracing::instrument(skip_all, fields(alert = %alert_id))]
    pub async fn deliveries(&self, who: &Principal, alert_id: &str) -> ServiceResult<Vec<OutboxItem>> {
        self.ctx.store.get_alert(&who.scope, alert_id).await?;
        Ok(self.ctx.store.alert_outbox(alert_id).await?)
    }

    /// The caller's own inbox: the unread count and the newest [`INBOX_LIMIT`] items (unread
    /// ones only with `unread_only`).
    #[tracing::instrument(skip_all)]
    pub async fn inbox(&self, who: &Principal, unread_only: bool) -> ServiceResult<Inbox> {
        Ok(Inbox {
            unread: self.ctx.store.count_unread(&who.user_id).await?,
            items: self
                .ctx
                .store
                .list_inbox(&who.user_id, unread_only, INBOX_LIMIT)
                .await?,
        })
    }

    /// The caller's unread count (the header badge).
    #[tracing::instrument(skip_all)]
    pub async fn unread(&self, who: &Principal) -> ServiceResult<i64> {
        Ok(self.ctx.store.count_unread(&who.user_id).await?)
    }

    /// Marks one of the caller's items (`id`) or all of them read; audited as `inbox.read` when
    /// something changed. Returns how many changed.
    #[tracing::instrument(skip_all)]
    pub async fn mark_read(&self, who: &Principal, id: Option<&str>) -> ServiceResult<u64> {
        let mut audit = match id {
            Some(id) => who.audit("inbox.read", "inbox_item", id, None),
            None => who.audit("inbox.read", "inbox", &who.user_id, None),
        };
        audit.detail = serde_json::json!({ "all": id.is_none() }).to_string();
        Ok(self
            .ctx
            .store
            .mark_inbox_read(&who.user_id, id, &audit, Utc::now())
            .await?)
    }

    /// The scheduler handler of `JobKind::AlertNotify` (see [`super::outbox`]).
    pub fn fanout_handler(&self) -> Handler {
        super::outbox::handler(self.ctx.store.clone(), self.ctx.config.public_url.clone())
    }
}

/// The owner of the channels a non-administrator manages.
enum Owner {
    Unit(String),
    Org(String),
}

impl Owner {
    fn owns(&self, c: &NotificationChannel) -> bool {
        match self {
            Owner::Unit(u) => c.unit_id.as_deref() == Some(u.as_str()),
            Owner::Org(o) => c.org_id.as_deref() == Some(o.as_str()),
        }
    }
}

/// Which channels `who` manages: `None` for all of them ([`Permission::ChannelManage`]), or
/// their own unit's or department's ([`Permission::OwnChannelManage`]); `forbidden` otherwise.
fn manager_of(who: &Principal) -> ServiceResult<Option<Owner>> {
    if who.can(Permission::ChannelManage) {
        return Ok(None);
    }
    who.require(Permission::OwnChannelManage)?;
    match &who.scope {
        neibao_domain::access::Scope::Unit { unit_id } => Ok(Some(Owner::Unit(unit_id.clone()))),
        neibao_domain::access::Scope::Department { org_id } => Ok(Some(Owner::Org(org_id.clone()))),
        _ => Err(ServiceError::forbidden(
            "只有单位或行业主管部门的账号可以设置自己的通知渠道",
        )),
    }
}

//! Reissuing a device's ingest token (重新生成接入令牌, docs/DEVICES.md) on [`DeviceService`]: a
//! new random token whose hash replaces the old one, answered once with its ingest path. The old
//! token stops resolving at once on this node (the token cache is emptied, as a deactivation
//! empties it) and on other nodes within their cache's 5 s. This is also how a device imported
//! from a spreadsheet gets the token that is configured into it (docs/IMPORTS.md).

use chrono::Utc;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::audit::actor_label;
use neibao_domain::ids::token_hash;
use neibao_domain::registry::LifeState;
use serde::Serialize;

use super::service::{ingest_token, DeviceService};
use crate::error::{ServiceError, ServiceResult};
use crate::registry::history;

/// A device's new ingest token, shown this once (only its hash is stored).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReissuedToken {
    /// The device's id.
    pub device_id: String,
    /// Shown once: the secret in the device's push URL (43 characters of URL-safe base64, 32
    /// random bytes).
    pub ingest_token: String,
    /// Path the device posts to, e.g. `/ingest/hikvision/{ingest_token}`.
    pub ingest_path: String,
}

impl DeviceService {
    /// Makes a new ingest token for a device in `who`'s jurisdiction (police, administrators,
    /// the unit's manager: those who may edit the device), stores its hash in place of the old
    /// one and answers it once. Audited as `device.token_reissue` with a Chinese sentence (the
    /// token itself is never audited or logged) and written in the unit's change history. A
    /// deactivated device gets its new token too (it is taken once the device is back in use).
    ///
    /// Errors: `not_found` (not in the jurisdiction), `forbidden`, `invalid_transition` (the
    /// device is closed).
    #[tracing::instrument(skip_all, fields(device = %id))]
    pub async fn reissue_token(&self, who: &Principal, id: &str) -> ServiceResult<ReissuedToken> {
        let now = Utc::now();
        let device = self.ctx.store.get_device(&who.scope, id, now).await?;
        who.require(Permission::DeviceManage)?;
        if device.state == LifeState::Closed {
            return Err(ServiceError::refused(
                neibao_domain::error::ErrorCode::InvalidTransition,
                "设备已注销，不能重新生成接入令牌",
            ));
        }
        let token = ingest_token();
        let sentence = format!(
            "{} 重新生成了设备「{}」的接入令牌（原令牌即时失效）",
            actor_label(&who.username),
            device.name
        );
        let mut audit = who.audit("device.token_reissue", "device", id, Some(&device.unit_id));
        audit.detail = serde_json::json!({ "summary": sentence }).to_string();
        self.ctx
            .store
            .set_device_token(
                &who.scope,
                id,
                &token_hash(&token),
                &history(who, "token_reissue", sentence),
                &audit,
                now,
            )
            .await?;
        // The old token must not resolve from the cache any more on this node.
        self.ctx.pipeline.forget_devices();
        tracing::info!(device = %id, "device ingest token reissued");
        Ok(ReissuedToken {
            device_id: device.id,
            ingest_path: format!("/ingest/{}/{token}", device.format.ingest_path()),
            ingest_token: token,
        })
    }
}

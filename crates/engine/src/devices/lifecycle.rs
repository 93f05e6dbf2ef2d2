//! The lifecycle of devices on [`DeviceService`] (docs/REGISTRY.md): renaming a device and putting
//! it in another key area with the version the caller saw; deactivating (停用), reactivating and
//! closing (注销) it. A device not in use (or of a unit not in use) has its events refused at
//! intake: its token no longer resolves, so its pushes answer as an unknown token would and
//! events already on the bus are dropped when their device is looked up.

use chrono::Utc;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::audit::actor_label;
use neibao_domain::devices::Device;
use neibao_domain::registry::{change, LifeAction};

use super::input::DeviceUpdate;
use super::service::DeviceService;
use crate::error::ServiceResult;
use crate::registry::{history, text_field};

impl DeviceService {
    /// Renames a device, moves it to another key area of its unit or sets its clock's time zone
    /// (IANA name, docs/DEVICE-FORMATS.md §0.4) at `version` (police, administrators, the
    /// unit's manager).
    ///
    /// Errors: `not_found`, `forbidden`, `validation_failed` (an unknown time zone, a key area of another unit or a
    /// closed one), `version_conflict`, `invalid_transition` (closed).
    #[tracing::instrument(skip_all, fields(device = %id))]
    pub async fn update(&self, who: &Principal, id: &str, input: DeviceUpdate) -> ServiceResult<Device> {
        let now = Utc::now();
        let old = self.ctx.store.get_device(&who.scope, id, now).await?;
        who.require(Permission::DeviceManage)?;
        let name = text_field(&input.name, "设备名称", 100, true)?;
        let key_area = input.key_area_id.filter(|s| !s.trim().is_empty());
        let time_zone = match input.time_zone.as_deref() {
            None => old.time_zone.clone(),
            Some(given) => super::service::checked_time_zone(Some(given))?,
        };
        let mut clauses: Vec<String> = change("名称", &old.name, &name).into_iter().collect();
        let zone_label = |z: &Option<String>| {
            z.clone()
                .unwrap_or_else(|| format!("{}（默认）", neibao_ingest::time::DEFAULT_DEVICE_TIME_ZONE))
        };
        clauses.extend(change(
            "设备时钟时区",
            &zone_label(&old.time_zone),
            &zone_label(&time_zone),
        ));
        if key_area != old.key_area_id {
            let to = match &key_area {
                None => "无".to_string(),
                Some(k) => self
                    .ctx
                    .store
                    .get_key_area(&who.scope, k)
                    .await
                    .map(|a| a.name)
                    .unwrap_or_else(|_| k.clone()),
            };
            clauses.extend(change(
                "所在重要部位",
                old.key_area_name.as_deref().unwrap_or("无"),
                &to,
            ));
        }
        let sentence = if clauses.is_empty() {
            format!("{} 保存了设备「{}」（无变化）", actor_label(&who.username), old.name)
        } else {
            format!(
                "{} 修改设备「{}」：{}",
                actor_label(&who.username),
                old.name,
                clauses.join("；")
            )
        };
        let mut audit = who.audit("device.update", "device", id, Some(&old.unit_id));
        audit.detail = serde_json::json!({"key_area_id": key_area, "time_zone": time_zone}).to_string();
        self.ctx
            .store
            .update_device(
                &who.scope,
                id,
                input.version,
                &name,
                key_area.as_deref(),
                time_zone.as_deref(),
                &history(who, "update", sentence),
                &audit,
                now,
            )
            .await?;
        self.ctx.pipeline.forget_devices();
        Ok(self.ctx.store.get_device(&who.scope, id, Utc::now()).await?)
    }

    /// Deactivates (停用), reactivates (恢复在用) or closes (注销) a device at `version`
    /// (police, administrators, the unit's manager). Applies at once on this node (the token
    /// cache is emptied); other nodes within their cache's 5 s.
    ///
    /// Errors: `not_found`, `forbidden`, `version_conflict`, `invalid_transition`.
    #[tracing::instrument(skip_all, fields(device = %id, action = action.code()))]
    pub async fn set_state(
        &self,
        who: &Principal,
        id: &str,
        version: i64,
        action: LifeAction,
    ) -> ServiceResult<Device> {
        let now = Utc::now();
        let old = self.ctx.store.get_device(&who.scope, id, now).await?;
        who.require(Permission::DeviceManage)?;
        action.apply(old.state, "设备")?;
        let sentence = format!(
            "{} {}设备「{}」",
            actor_label(&who.username),
            action.label_zh(),
            old.name
        );
        let audit = who.audit(&format!("device.{}", action.code()), "device", id, Some(&old.unit_id));
        self.ctx
            .store
            .set_device_state(
                &who.scope,
                id,
                version,
                action,
                &history(who, action.code(), sentence),
                &audit,
                now,
            )
            .await?;
        self.ctx.pipeline.forget_devices();
        Ok(self.ctx.store.get_device(&who.scope, id, Utc::now()).await?)
    }
}

//! A camera's placement: its location type (R49, refused at a spot S7 Art 8 prohibits) and its
//! field-of-view note (R51), at registration (`DeviceService::register`) and afterwards
//! ([`VideoService::set_placement`]).

use chrono::Utc;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::devices::Device;
use neibao_domain::video::{check_location, LocationType};

use super::service::VideoService;
use crate::error::{ServiceError, ServiceResult};

/// Longest field-of-view note (characters).
pub const MAX_VIEW_NOTE_CHARS: usize = 200;

/// A camera's new placement with the version the caller saw.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct PlacementDraft {
    /// The device's `version` as read; a stale one is refused (409 `version_conflict`).
    #[schema(minimum = 1)]
    pub version: i64,
    /// The location type; absent or null: not recorded. A prohibited spot is refused with 422
    /// `prohibited_camera_location` (S7 Art 8, R49).
    #[serde(default)]
    pub location_type: Option<LocationType>,
    /// 视野说明 (R51), at most 200 characters; absent, null or empty: none.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub view_note: Option<String>,
}

/// Checks a device's placement fields: only a camera carries them (`validation_failed`
/// otherwise); a prohibited location type is refused with `prohibited_camera_location` (422)
/// citing S7 Art 8 (R49, R85); the note is one line of at most 200 characters.
pub fn checked_placement(
    kind: &str,
    location_type: Option<LocationType>,
    view_note: Option<String>,
) -> ServiceResult<(Option<LocationType>, Option<String>)> {
    let note = match view_note.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(n) => Some(neibao_domain::text::checked_text(
            n,
            "视野说明",
            MAX_VIEW_NOTE_CHARS,
            false,
            false,
        )?),
    };
    if kind != "camera" {
        if location_type.is_some() || note.is_some() {
            return Err(ServiceError::invalid("安装位置类型和视野说明只适用于摄像机"));
        }
        return Ok((None, None));
    }
    if let Some(l) = location_type {
        check_location(l)?;
    }
    Ok((location_type, note))
}

impl VideoService {
    /// Sets a camera's location type and field-of-view note at `version`
    /// ([`Permission::DeviceManage`]: police, administrators, the unit's manager).
    ///
    /// Errors: `not_found` (not a camera in scope), `forbidden`, `prohibited_camera_location`
    /// (422, S7 Art 8), `validation_failed`, `version_conflict`, `invalid_transition` (closed).
    /// Audited as `video.placement`.
    #[tracing::instrument(skip_all, fields(device = %device_id))]
    pub async fn set_placement(&self, who: &Principal, device_id: &str, d: PlacementDraft) -> ServiceResult<Device> {
        let now = Utc::now();
        let old = self.ctx.store.get_device(&who.scope, device_id, now).await?;
        who.require(Permission::DeviceManage)?;
        if old.kind != "camera" {
            return Err(ServiceError::invalid("安装位置类型和视野说明只适用于摄像机"));
        }
        let (location, note) = checked_placement(&old.kind, d.location_type, d.view_note)?;
        let mut audit = who.audit("video.placement", "device", device_id, Some(&old.unit_id));
        audit.detail = serde_json::json!({"location_type": location.map(|l| l.code())}).to_string();
        self.ctx
            .store
            .set_camera_placement(&who.scope, device_id, d.version, location, note.as_deref(), &audit, now)
            .await?;
        Ok(self.ctx.store.get_device(&who.scope, device_id, Utc::now()).await?)
    }
}

//! A bureau's supervision settings (document numbering, default deadlines, reminders, ladder
//! order, credit rule): reading them, the settings page's view, replacing them; and the issuer
//! of a bureau's documents.

use chrono::{DateTime, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::documents::Issuer;
use neibao_domain::error::ErrorCode;
use neibao_domain::supervision::calendar::deadline_after_days;
use neibao_domain::supervision::input::invalid;
use neibao_domain::supervision::ladder::HazardClass;
use neibao_domain::supervision::SupervisionSettings;
use neibao_store::Store;

use crate::error::{ServiceError, ServiceResult};

/// The supervision settings of an organisation (defaults where none are stored, or for no
/// organisation).
pub async fn settings(store: &dyn Store, org_id: Option<&str>) -> ServiceResult<SupervisionSettings> {
    let Some(org) = org_id else {
        return Ok(SupervisionSettings::default());
    };
    Ok(store.bureau_settings(org).await?.unwrap_or_default())
}

/// The settings page: the caller's bureau settings, and whether the caller may change them.
#[derive(Debug, Clone)]
pub struct SettingsView {
    pub settings: SupervisionSettings,
    /// County-level and higher police of a bureau (`Permission::BureauSettingsConfigure` and an
    /// organisation to set them for).
    pub editable: bool,
}

/// The caller's settings for the settings page (`Permission::SupervisionSettingsRead`).
pub async fn settings_view(store: &dyn Store, who: &Principal) -> ServiceResult<SettingsView> {
    who.require(Permission::SupervisionSettingsRead)?;
    Ok(SettingsView {
        settings: settings(store, who.org_id.as_deref()).await?,
        editable: who.can(Permission::BureauSettingsConfigure) && who.org_id.is_some(),
    })
}

/// Replaces the caller's bureau settings after [`SupervisionSettings::validate`]
/// (`Permission::BureauSettingsConfigure`, for the caller's own organisation); audited as
/// `supervision_settings.update` on the organisation.
pub async fn save_settings(
    store: &dyn Store,
    who: &Principal,
    s: &SupervisionSettings,
    now: DateTime<Utc>,
) -> ServiceResult<SupervisionSettings> {
    who.require(Permission::BureauSettingsConfigure)?;
    let Some(org) = who.org_id.as_deref() else {
        return Err(ServiceError::forbidden("仅县级以上公安机关可以修改本局监督设置"));
    };
    s.validate().map_err(invalid)?;
    let mut audit = who.audit("supervision_settings.update", "organisation", org, None);
    audit.detail = serde_json::json!({
        "ladder": s.ladder.iter().map(|r| r.code()).collect::<Vec<_>>(),
        "deadlines": [s.deadlines.general_days, s.deadlines.major_days, s.deadlines.max_days],
        "reminder_days": s.reminder_days,
    })
    .to_string();
    store.save_bureau_settings(org, s, &audit, now).await?;
    Ok(s.clone())
}

/// The default deadline of an order for a hazard of `class` under the caller's bureau.
pub async fn default_deadline(
    store: &dyn Store,
    who: &Principal,
    class: HazardClass,
    now: DateTime<Utc>,
) -> ServiceResult<DateTime<Utc>> {
    let s = settings(store, who.org_id.as_deref()).await?;
    Ok(deadline_after_days(now, s.deadlines.days_for(class)))
}

/// The issuer of the caller's documents: their organisation with its bureau's numbering.
pub async fn issuer(store: &dyn Store, who: &Principal) -> ServiceResult<Issuer> {
    let Some(org_id) = who.org_id.as_deref() else {
        return Err(ServiceError::refused(
            ErrorCode::ValidationFailed,
            "当前账号未关联发文机关，不能出具文书",
        ));
    };
    let org = store.get_organisation(org_id).await?;
    let s = settings(store, Some(org_id)).await?;
    Ok(Issuer::organisation(
        org_id,
        &org.name,
        &org.kind,
        &s.doc_prefix,
        &s.doc_department,
    ))
}

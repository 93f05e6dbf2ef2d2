//! Hazards: reporting one by hand (`Permission::Inspect`), listing and reading them with their
//! steps, documents and evidence, and what the new-hazard form starts from.

use chrono::{DateTime, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::attachments::{Attachment, AttachmentOwner};
use neibao_domain::documents::{Document, DocumentFilter};
use neibao_domain::paging::{Listing, Page};
use neibao_domain::supervision::input::check_text;
use neibao_domain::supervision::ladder::{Actor, HazardClass, HazardSource, Rung};
use neibao_domain::supervision::{Hazard, HazardFilter, HazardStep, NewHazard};
use neibao_store::Store;
use serde::{Deserialize, Serialize};

use super::settings::{default_deadline, settings};
use crate::error::ServiceResult;

/// A hazard reported by hand (an alert, an assessment, a report, or an inspection finding).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct HazardInput {
    pub unit_id: String,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description: String,
    pub class: HazardClass,
    pub source: HazardSource,
    /// The alert, assessment or inspection it came from.
    #[serde(default)]
    #[schema(max_length = 64)]
    pub source_id: Option<String>,
}

/// Records a hazard of a unit in scope; an alert it comes from must be in scope too. Audited
/// as `hazard.report`.
pub async fn report(
    store: &dyn Store,
    who: &Principal,
    input: HazardInput,
    now: DateTime<Utc>,
) -> ServiceResult<Hazard> {
    who.require(Permission::Inspect)?;
    let title = check_text("隐患名称", &input.title, 200, true)?;
    let description = check_text("隐患描述", &input.description, 5000, false)?;
    let source_id = match input.source_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(check_text("来源编号", s, 64, true)?),
        None => None,
    };
    if input.source == HazardSource::Alert {
        if let Some(a) = &source_id {
            store.get_alert(&who.scope, a).await?;
        }
    }
    let mut audit = who.audit("hazard.report", "hazard", "", Some(&input.unit_id));
    audit.detail = serde_json::json!({ "source": input.source.code(), "class": input.class.code() }).to_string();
    Ok(store
        .create_hazard(
            &who.scope,
            &NewHazard {
                unit_id: input.unit_id,
                source: input.source,
                source_id,
                inspection_id: None,
                item_code: None,
                class: input.class,
                title,
                description,
                org_id: None,
                created_by: who.display_name.clone(),
            },
            &audit,
            now,
        )
        .await?)
}

/// Hazards in the caller's jurisdiction, nearest deadline first.
pub async fn list(
    store: &dyn Store,
    who: &Principal,
    filter: &HazardFilter,
    page: Page,
) -> ServiceResult<Listing<Hazard>> {
    Ok(store.list_hazards(&who.scope, filter, page).await?)
}

/// A hazard with its steps, documents and evidence.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HazardDetail {
    #[serde(flatten)]
    pub hazard: Hazard,
    pub steps: Vec<HazardStep>,
    pub documents: Vec<Document>,
    pub attachments: Vec<Attachment>,
    /// The default deadline of an order for this hazard under the caller's bureau (police).
    pub default_deadline: Option<DateTime<Utc>>,
    /// The caller's side of the ladder (police or the unit; none when the caller may not act on
    /// hazards): for the page, not part of the API.
    #[serde(skip)]
    pub side: Option<Actor>,
    /// Whether the caller may add evidence (`Permission::Inspect`, the hazard not ended).
    #[serde(skip)]
    pub may_upload: bool,
    /// The ladder order that applies: the ordering bureau's, or the caller's before any order.
    #[serde(skip)]
    pub ladder: Vec<Rung>,
}

/// One hazard in scope with what belongs to it.
pub async fn detail(store: &dyn Store, who: &Principal, id: &str, now: DateTime<Utc>) -> ServiceResult<HazardDetail> {
    let hazard = store.get_hazard(&who.scope, id).await?;
    let steps = store.hazard_steps(&who.scope, id).await?;
    let documents = store
        .list_documents(
            &who.scope,
            &DocumentFilter {
                hazard_id: Some(id.to_string()),
                ..Default::default()
            },
            Page::new(Some(1), Some(100)),
        )
        .await?
        .items;
    let attachments = store.list_attachments(&who.scope, AttachmentOwner::Hazard, id).await?;
    let side = Actor::for_role(who.role).filter(|_| who.can(Permission::HazardAct));
    let default_deadline = if side == Some(Actor::Police) {
        Some(default_deadline(store, who, hazard.class, now).await?)
    } else {
        None
    };
    let order_org = hazard.org_id.clone().or_else(|| who.org_id.clone());
    let ladder = settings(store, order_org.as_deref()).await?.ladder;
    Ok(HazardDetail {
        may_upload: who.can(Permission::Inspect) && !hazard.phase.is_end(),
        hazard,
        steps,
        documents,
        attachments,
        default_deadline,
        side,
        ladder,
    })
}

/// What the new-hazard form starts from: the unit, and the values taken from an alert when the
/// hazard is made from one.
#[derive(Debug, Clone, Default)]
pub struct HazardForm {
    pub unit_id: String,
    pub unit_name: String,
    pub title: String,
    pub description: String,
    /// The alert the hazard is made from (empty otherwise).
    pub alert_id: String,
}

/// The new-hazard form of a unit in scope, or of the unit of an alert in scope
/// (`Permission::Inspect`).
pub async fn form(
    store: &dyn Store,
    who: &Principal,
    unit_id: &str,
    alert_id: Option<&str>,
) -> ServiceResult<HazardForm> {
    who.require(Permission::Inspect)?;
    let mut f = HazardForm::default();
    let unit_id = match alert_id {
        Some(a) => {
            let alert = store.get_alert(&who.scope, a).await?;
            f.title = format!("告警：{}", alert.title).chars().take(200).collect();
            f.description = format!(
                "由告警「{}」转为隐患（首次发生于 {}）",
                alert.title,
                alert
                    .first_seen
                    .with_timezone(&chrono_tz::Asia::Shanghai)
                    .format("%Y-%m-%d %H:%M")
            );
            f.alert_id = alert.id;
            alert.unit_id
        }
        None => unit_id.to_string(),
    };
    let unit = store.get_unit(&who.scope, &unit_id).await?;
    f.unit_id = unit.id;
    f.unit_name = unit.name;
    Ok(f)
}

/// The name of a unit in scope (the hazard list's filter label).
pub async fn unit_name(store: &dyn Store, who: &Principal, unit_id: &str) -> ServiceResult<String> {
    Ok(store.get_unit(&who.scope, unit_id).await?.name)
}

//! Handing a campaign's inspections down the police organisation tree (下发下级) and assigning
//! them to officers (指派检查人), issue 20 (`Permission::InspectionDispatch`).
//!
//! Who may act for an organisation: police of that organisation or of one above it in the tree
//! (the organisation lies in the caller's subtree and jurisdiction); anyone else is refused
//! (403). Campaigns and inspections outside the jurisdiction do not exist (404). The rule for
//! which subordinate takes a unit's inspection is `neibao_domain::supervision::dispatch::covering`.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use neibao_domain::access::{Permission, Principal, Scope};
use neibao_domain::error::ErrorCode;
use neibao_domain::registry::Organisation;
use neibao_domain::supervision::dispatch::{covering, AssignWhat, Officer};
use neibao_domain::supervision::input::invalid;
use neibao_domain::supervision::{Inspection, InspectionStatus};
use neibao_store::{Store, StoreError};
use serde::{Deserialize, Serialize};

use crate::error::{ServiceError, ServiceResult};

/// Body of `POST /api/v1/campaigns/{id}/hand-out`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct HandOutInput {
    /// The organisation whose unassigned inspections of the campaign go down to its direct
    /// subordinates: the caller's own by default, or one below it.
    #[serde(default)]
    #[schema(pattern = "^[0-9A-Za-z_-]{1,64}$")]
    pub org_id: Option<String>,
}

/// What handing out did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HandOutResult {
    /// Inspections that moved to a subordinate organisation (unassigned there, 待指派).
    pub handed_out: i64,
    /// Unassigned inspections no subordinate covers: they stay with the organisation.
    pub kept: i64,
    /// Subordinate organisations that received some.
    pub organisations: i64,
}

/// Body of `PUT /api/v1/inspections/{id}/assignee`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct AssigneeInput {
    /// An active police account of the organisation holding the inspection.
    #[schema(pattern = "^[0-9A-Za-z_-]{1,64}$")]
    pub user_id: String,
}

/// Body of `POST /api/v1/campaigns/{id}/assign`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct AssignAllInput {
    /// The organisation whose unassigned inspections of the campaign are assigned: the caller's
    /// own by default, or one below it.
    #[serde(default)]
    #[schema(pattern = "^[0-9A-Za-z_-]{1,64}$")]
    pub org_id: Option<String>,
    /// An active police account of that organisation.
    #[schema(pattern = "^[0-9A-Za-z_-]{1,64}$")]
    pub user_id: String,
}

/// How many inspections an assignment covered.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssignResult {
    pub assigned: i64,
}

/// The organisations the caller may hand out and assign for: their own and every one below it
/// (empty without `InspectionDispatch` or an organisation).
pub async fn dispatchable(store: &dyn Store, who: &Principal) -> ServiceResult<HashSet<String>> {
    match who.org_id.as_deref() {
        Some(org) if who.can(Permission::InspectionDispatch) => {
            Ok(store.organisation_subtree(org).await?.into_iter().collect())
        }
        _ => Ok(HashSet::new()),
    }
}

/// Whether a text can be an organisation's or a user's id (letters, digits, `-`, `_`; 1–64).
fn id_ok(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether an organisation lies in the jurisdiction (its division, or the station itself).
fn in_jurisdiction(scope: &Scope, org: &Organisation) -> bool {
    match scope {
        Scope::All => true,
        Scope::Division { prefix } => org.division_code.starts_with(prefix.as_str()),
        Scope::Station { org_id } => org.id == *org_id,
        _ => false,
    }
}

/// The organisation to act for (`requested`, else the caller's own), refused unless the
/// caller may act for it.
async fn acting_org(store: &dyn Store, who: &Principal, requested: Option<&str>) -> ServiceResult<Organisation> {
    who.require(Permission::InspectionDispatch)?;
    let id = match requested {
        Some(id) if id_ok(id) => id.to_string(),
        Some(_) => return Err(invalid("承办单位编号无效").into()),
        None => who
            .org_id
            .clone()
            .ok_or_else(|| invalid("当前账号未关联公安机关，不能下发或指派检查"))?,
    };
    let org = match store.get_organisation(&id).await {
        Ok(o) => o,
        Err(StoreError::NotFound) => return Err(ServiceError::refused(ErrorCode::NotFound, "承办单位不存在")),
        Err(e) => return Err(e.into()),
    };
    if !in_jurisdiction(&who.scope, &org) || !dispatchable(store, who).await?.contains(&org.id) {
        return Err(ServiceError::forbidden("只能下发、指派本单位或下级单位承办的检查"));
    }
    Ok(org)
}

/// The officer to assign: an active police account of `org_id`.
async fn officer_of(store: &dyn Store, org_id: &str, user_id: &str) -> ServiceResult<Officer> {
    if user_id.trim().is_empty() {
        return Err(invalid("请选择检查人").into());
    }
    if !id_ok(user_id) {
        return Err(invalid("检查人编号无效").into());
    }
    let officers = store.organisation_officers(&[org_id.to_string()]).await?;
    if let Some(o) = officers.into_iter().find(|o| o.user_id == user_id) {
        return Ok(o);
    }
    match store.get_user(user_id).await {
        Ok(_) => Err(invalid("检查人须是承办单位在岗的民警").into()),
        Err(StoreError::NotFound) => Err(ServiceError::refused(ErrorCode::NotFound, "检查人不存在")),
        Err(e) => Err(e.into()),
    }
}

/// Groups items by the direct subordinate of `org_id` that covers each one's unit; items no
/// subordinate covers are left out. `(to_org, keys)`, in a stable order.
pub async fn route<'a, I>(store: &dyn Store, org_id: &str, items: I) -> ServiceResult<Vec<(String, Vec<String>)>>
where
    I: IntoIterator<Item = (String, &'a str, Option<&'a str>)>,
{
    let subs = store.subordinate_organisations(org_id).await?;
    let mut moves: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, division, station) in items {
        if let Some(to) = covering(&subs, division, station) {
            moves.entry(to.to_string()).or_default().push(key);
        }
    }
    Ok(moves.into_iter().collect())
}

/// Hands an organisation's unassigned inspections of a campaign to its direct subordinates
/// (each to the one covering the unit); audited as `campaign.hand_out`.
pub async fn hand_out(
    store: &dyn Store,
    who: &Principal,
    campaign_id: &str,
    input: HandOutInput,
    now: DateTime<Utc>,
) -> ServiceResult<HandOutResult> {
    who.require(Permission::InspectionDispatch)?;
    store.get_campaign(&who.scope, campaign_id, now).await?;
    let org = acting_org(store, who, input.org_id.as_deref()).await?;
    let pending = store.unassigned_inspections(&who.scope, campaign_id, &org.id).await?;
    if pending.is_empty() {
        return Err(ServiceError::refused(
            ErrorCode::Conflict,
            format!("{}在本次专项检查中没有待下发的检查", org.name),
        ));
    }
    let moves = route(
        store,
        &org.id,
        pending.iter().map(|p| {
            (
                p.inspection_id.clone(),
                p.division_code.as_str(),
                p.police_station_id.as_deref(),
            )
        }),
    )
    .await?;
    if moves.is_empty() {
        return Err(ServiceError::refused(
            ErrorCode::Conflict,
            format!(
                "{}没有管辖这些单位、且有民警账号的下级单位，检查仍由本单位承办",
                org.name
            ),
        ));
    }
    let routed: usize = moves.iter().map(|(_, ids)| ids.len()).sum();
    let mut audit = who.audit("campaign.hand_out", "campaign", campaign_id, None);
    audit.detail = serde_json::json!({ "from_org": org.id, "organisations": moves.len() }).to_string();
    let moved = store
        .hand_out_inspections(campaign_id, &org.id, &moves, &audit, now)
        .await?;
    Ok(HandOutResult {
        handed_out: moved,
        kept: (pending.len() - routed) as i64,
        organisations: moves.len() as i64,
    })
}

/// Assigns one inspection (not submitted) to an officer of the organisation holding it;
/// audited as `inspection.assign`. Returns the inspection.
pub async fn assign_one(
    store: &dyn Store,
    who: &Principal,
    inspection_id: &str,
    input: AssigneeInput,
    now: DateTime<Utc>,
) -> ServiceResult<Inspection> {
    who.require(Permission::InspectionDispatch)?;
    let i = store.get_inspection(&who.scope, inspection_id).await?;
    if input.user_id.trim().is_empty() {
        return Err(invalid("请选择检查人").into());
    }
    if i.status == InspectionStatus::Submitted {
        return Err(ServiceError::refused(ErrorCode::Conflict, "检查已提交，不能改派"));
    }
    let Some(org_id) = i.org_id.as_deref() else {
        return Err(ServiceError::refused(
            ErrorCode::Conflict,
            "该检查没有承办单位，不能指派",
        ));
    };
    let org = acting_org(store, who, Some(org_id)).await?;
    let officer = officer_of(store, &org.id, &input.user_id).await?;
    let mut audit = who.audit("inspection.assign", "inspection", inspection_id, Some(&i.unit_id));
    audit.detail = serde_json::json!({ "assignee_id": officer.user_id, "org_id": org.id }).to_string();
    let n = store
        .assign_inspections(
            &who.scope,
            &AssignWhat::One(inspection_id.to_string()),
            &org.id,
            &officer,
            &audit,
            now,
        )
        .await?;
    if n == 0 {
        return Err(ServiceError::refused(
            ErrorCode::Conflict,
            "检查已提交或已改由其他单位承办",
        ));
    }
    Ok(store.get_inspection(&who.scope, inspection_id).await?)
}

/// Assigns every unassigned inspection of a campaign that an organisation holds to one of its
/// officers; audited as `inspection.assign` on the campaign.
pub async fn assign_all(
    store: &dyn Store,
    who: &Principal,
    campaign_id: &str,
    input: AssignAllInput,
    now: DateTime<Utc>,
) -> ServiceResult<AssignResult> {
    who.require(Permission::InspectionDispatch)?;
    store.get_campaign(&who.scope, campaign_id, now).await?;
    if input.user_id.trim().is_empty() {
        return Err(invalid("请选择检查人").into());
    }
    let org = acting_org(store, who, input.org_id.as_deref()).await?;
    let officer = officer_of(store, &org.id, &input.user_id).await?;
    if store
        .unassigned_inspections(&who.scope, campaign_id, &org.id)
        .await?
        .is_empty()
    {
        return Err(ServiceError::refused(
            ErrorCode::Conflict,
            format!("{}在本次专项检查中没有待指派的检查", org.name),
        ));
    }
    let mut audit = who.audit("inspection.assign", "campaign", campaign_id, None);
    audit.detail = serde_json::json!({ "assignee_id": officer.user_id, "org_id": org.id }).to_string();
    let assigned = store
        .assign_inspections(
            &who.scope,
            &AssignWhat::UnassignedOfCampaign(campaign_id.to_string()),
            &org.id,
            &officer,
            &audit,
            now,
        )
        .await?;
    Ok(AssignResult { assigned })
}

/// The active officers of organisations, for the assignment forms.
pub async fn officers(store: &dyn Store, org_ids: &[String]) -> ServiceResult<Vec<Officer>> {
    Ok(store.organisation_officers(org_ids).await?)
}

//! Campaigns (专项检查): launching one fans out one inspection per selected unit in the
//! caller's jurisdiction, each with the checklist variant that fits the unit
//! (`Permission::CampaignLaunch`); listing and reading them with their progress.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::paging::{Listing, Page};
use neibao_domain::supervision::calendar::end_of_day;
use neibao_domain::supervision::checklist::Variant;
use neibao_domain::supervision::credit::Grade;
use neibao_domain::supervision::dispatch::HandOut;
use neibao_domain::supervision::input::{check_text, invalid};
use neibao_domain::supervision::{
    Campaign, CampaignDetail, Inspection, InspectionFilter, InspectionKind, NewCampaign, NewInspection, StandingFilter,
    UnitStanding,
};
use neibao_store::Store;
use serde::{Deserialize, Serialize};

use super::credit::grade_of;
use super::dispatch::route;
use super::settings::settings;
use crate::error::{ServiceError, ServiceResult};

/// Largest number of units one campaign fans out to.
pub const MAX_CAMPAIGN_UNITS: usize = 5_000;

/// How a campaign selects units (all conditions together; empty means any).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CampaignSelection {
    /// Division code prefix inside the caller's jurisdiction, e.g. `330106`.
    #[serde(default)]
    #[schema(pattern = "^[0-9]{1,12}$")]
    pub division_prefix: Option<String>,
    /// Unit kind code.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub key_unit_only: bool,
    /// Decree 421 Art 13 key-unit category 1–11.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 11)]
    pub key_unit_category: Option<i64>,
    #[serde(default)]
    pub counter_terror_only: bool,
    #[serde(default)]
    pub university_only: bool,
    /// Credit grades to include (empty: all).
    #[serde(default)]
    pub grades: Vec<Grade>,
}

/// A campaign to launch.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct CampaignInput {
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description: String,
    pub selection: CampaignSelection,
    /// Due date of every inspection (end of that Beijing day): after today, within a year.
    pub due_date: chrono::NaiveDate,
    /// Who inspects (free text); the launching officer by default.
    #[serde(default)]
    #[schema(max_length = 50)]
    pub assignee_name: Option<String>,
    /// Who takes the inspections: `self` (本人/本单位承办, the default) or `subordinates`
    /// (下发下级: each to the direct subordinate police organisation covering the unit,
    /// unassigned; police only).
    #[serde(default)]
    pub hand_out: HandOut,
}

/// Launches a campaign: selects the units in the caller's scope, one inspection per unit with
/// the checklist variant that fits it, the assignee and the due date; audited as
/// `campaign.launch`. Handed out to subordinates, each unit's inspection goes unassigned to the
/// direct subordinate police organisation covering it (the rest stay with the launcher).
/// Returns the campaign.
pub async fn launch(
    store: &dyn Store,
    who: &Principal,
    input: CampaignInput,
    now: DateTime<Utc>,
) -> ServiceResult<Campaign> {
    who.require(Permission::CampaignLaunch)?;
    let kind = match InspectionKind::for_role(who.role) {
        Some(k @ (InspectionKind::Police | InspectionKind::Department)) => k,
        _ => return Err(ServiceError::forbidden("只有公安机关和行业主管部门可以部署专项检查")),
    };
    if input.hand_out == HandOut::Subordinates && kind != InspectionKind::Police {
        return Err(invalid("行业主管部门没有下级单位，专项检查只能由本单位承办").into());
    }
    if input.hand_out == HandOut::Subordinates && who.org_id.is_none() {
        return Err(invalid("当前账号未关联公安机关，不能下发下级").into());
    }
    let title = check_text("检查名称", &input.title, 100, true)?;
    let description = check_text("检查说明", &input.description, 2000, false)?;
    let due_at = end_of_day(input.due_date);
    if due_at <= now {
        return Err(invalid("检查截止日期须晚于今天").into());
    }
    if due_at > now + Duration::days(366) {
        return Err(invalid("检查截止日期不超过一年").into());
    }
    let sel = input.selection;
    if let Some(p) = &sel.division_prefix {
        if p.is_empty() || p.len() > 12 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("行政区划代码前缀须为数字").into());
        }
    }
    if let Some(c) = sel.key_unit_category {
        if !(1..=11).contains(&c) {
            return Err(invalid("重点单位类别须为1至11").into());
        }
    }
    let filter = StandingFilter {
        division_prefix: sel.division_prefix.clone(),
        kind: sel.kind.clone().filter(|k| !k.is_empty()),
        key_unit_only: sel.key_unit_only,
        key_unit_category: sel.key_unit_category,
        counter_terror_only: sel.counter_terror_only,
        university_only: sel.university_only,
        unit_id: None,
    };
    let rule = settings(store, who.org_id.as_deref()).await?.credit;
    let units: Vec<UnitStanding> = store
        .unit_standings(&who.scope, &filter, now)
        .await?
        .into_iter()
        .filter(|s| sel.grades.is_empty() || sel.grades.contains(&grade_of(&rule, s).1))
        .collect();
    if units.is_empty() {
        return Err(invalid("没有符合条件的单位").into());
    }
    if units.len() > MAX_CAMPAIGN_UNITS {
        return Err(invalid(format!(
            "符合条件的单位有{}家，超过单次专项检查上限{}家，请缩小范围",
            units.len(),
            MAX_CAMPAIGN_UNITS
        ))
        .into());
    }
    let assignee_name = match input.assignee_name.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(a) => check_text("检查人", a, 50, true)?,
        None => who.display_name.clone(),
    };
    // Handed out: unit id → the subordinate organisation that takes its inspection.
    let mut handed: HashMap<String, String> = HashMap::new();
    if let (HandOut::Subordinates, Some(org)) = (input.hand_out, who.org_id.as_deref()) {
        let moves = route(
            store,
            org,
            units.iter().map(|u| {
                (
                    u.unit_id.clone(),
                    u.division_code.as_str(),
                    u.police_station_id.as_deref(),
                )
            }),
        )
        .await?;
        for (to, ids) in moves {
            for id in ids {
                handed.insert(id, to.clone());
            }
        }
    }
    let mut checklists: HashMap<Variant, String> = HashMap::new();
    let mut inspections = Vec::with_capacity(units.len());
    for u in &units {
        let variant = Variant::for_unit(u.is_university, u.is_counter_terror_target, u.is_key_unit);
        let checklist_id = match checklists.get(&variant) {
            Some(id) => id.clone(),
            None => {
                let c = store.latest_checklist(variant).await?;
                checklists.insert(variant, c.id.clone());
                c.id
            }
        };
        inspections.push(NewInspection {
            campaign_id: None,
            unit_id: u.unit_id.clone(),
            checklist_id,
            kind,
            org_id: handed.get(&u.unit_id).cloned().or_else(|| who.org_id.clone()),
            assignee_id: match handed.contains_key(&u.unit_id) {
                true => None,
                false => Some(who.user_id.clone()),
            },
            assignee_name: match handed.contains_key(&u.unit_id) {
                true => String::new(),
                false => assignee_name.clone(),
            },
            due_at: Some(due_at),
            created_by: who.display_name.clone(),
        });
    }
    let mut audit = who.audit("campaign.launch", "campaign", "", None);
    audit.detail = serde_json::json!({
        "inspections": inspections.len(),
        "hand_out": input.hand_out.code(),
        "handed_out": handed.len(),
    })
    .to_string();
    let id = store
        .create_campaign(
            &NewCampaign {
                title,
                description,
                org_id: who.org_id.clone(),
                selection: serde_json::to_value(&sel).unwrap_or_default(),
                due_at,
                created_by: who.user_id.clone(),
                created_by_name: who.display_name.clone(),
                inspections,
            },
            &audit,
            now,
        )
        .await?;
    Ok(store.get_campaign(&who.scope, &id, now).await?)
}

/// Campaigns with inspections in the caller's jurisdiction, with their progress.
pub async fn list(
    store: &dyn Store,
    who: &Principal,
    page: Page,
    now: DateTime<Utc>,
) -> ServiceResult<Listing<Campaign>> {
    Ok(store.list_campaigns(&who.scope, page, now).await?)
}

/// One campaign, its progress and its progress per organisation (inspections outside the
/// caller's scope not counted).
pub async fn get(store: &dyn Store, who: &Principal, id: &str, now: DateTime<Utc>) -> ServiceResult<CampaignDetail> {
    let campaign = store.get_campaign(&who.scope, id, now).await?;
    let by_organisation = store.campaign_by_organisation(&who.scope, id, now).await?;
    Ok(CampaignDetail {
        campaign,
        by_organisation,
    })
}

/// A campaign (with its progress per organisation) and one page of its inspections in the
/// caller's jurisdiction.
pub async fn with_inspections(
    store: &dyn Store,
    who: &Principal,
    id: &str,
    page: Page,
    now: DateTime<Utc>,
) -> ServiceResult<(CampaignDetail, Listing<Inspection>)> {
    let c = get(store, who, id, now).await?;
    let filter = InspectionFilter {
        campaign_id: Some(id.to_string()),
        ..Default::default()
    };
    let list = store.list_inspections(&who.scope, &filter, page).await?;
    Ok((c, list))
}

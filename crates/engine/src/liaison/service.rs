//! [`LiaisonService`]: liaison points (docs/LIAISON.md; R33).
//!
//! Who may do what: police of the jurisdiction set up points and change their units
//! ([`Permission::LiaisonManage`]); everyone reads the points of the units in their scope; a
//! unit's accounts read their unit's liaison; an officer reads the units they liaise with.

use chrono::{DateTime, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::ids::new_id;
use neibao_domain::liaison::*;
use neibao_domain::text::checked_text;
use neibao_domain::validate::PhoneNumber;
use serde::Serialize;

use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use neibao_store::liaison::UnitSet;

/// What the police send to set up a point: an officer (`officer_id`, a police account) or a team
/// (`team_name`), exactly one of them; the park's name when the units are a park; contact hours
/// and phone (required); the units (at least one, at most 500).
#[derive(Debug, Clone, Default)]
pub struct LiaisonInput {
    pub officer_id: Option<String>,
    pub team_name: Option<String>,
    pub park_name: Option<String>,
    pub contact_hours: String,
    pub phone: String,
    pub unit_ids: Vec<String>,
}

/// A unit's liaison points now and its assignment history (newest first).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitLiaison {
    pub points: Vec<LiaisonPoint>,
    pub history: Vec<LiaisonAssignment>,
}

fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

fn by_name(who: &Principal) -> String {
    let name = if who.display_name.trim().is_empty() {
        who.username.clone()
    } else {
        who.display_name.clone()
    };
    match &who.org_name {
        Some(org) => format!("{name}（{org}）"),
        None => name,
    }
}

/// Trimmed, non-empty, distinct unit ids (at most [`MAX_UNITS`]).
fn checked_units(ids: &[String], required: bool) -> ServiceResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for id in ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if !out.iter().any(|x| x == id) {
            out.push(id.to_string());
        }
    }
    if required && out.is_empty() {
        return Err(ServiceError::invalid("请至少选择一个联系单位"));
    }
    if out.len() > MAX_UNITS {
        return Err(ServiceError::invalid(format!("一个联系点最多联系{MAX_UNITS}个单位")));
    }
    Ok(out)
}

#[derive(Clone)]
pub struct LiaisonService {
    pub(crate) ctx: Ctx,
}

impl LiaisonService {
    pub fn new(ctx: Ctx) -> LiaisonService {
        LiaisonService { ctx }
    }

    /// Sets up a point ([`Permission::LiaisonManage`]). 400 (zh-CN) when neither or both of
    /// officer and team are given, the officer is not an active police account, contact hours or
    /// phone are missing or malformed, or no unit is named; 404 when a unit is outside the scope.
    /// Audited as `liaison.create` and one `liaison.assign` per unit.
    #[tracing::instrument(skip_all)]
    pub async fn create(&self, who: &Principal, input: LiaisonInput) -> ServiceResult<LiaisonPointDetail> {
        who.require(Permission::LiaisonManage)?;
        let officer_id = input.officer_id.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let team_name = checked_text(
            input.team_name.as_deref().unwrap_or(""),
            "联络组名称",
            MAX_NAME_CHARS,
            false,
            false,
        )?;
        let park_name = checked_text(
            input.park_name.as_deref().unwrap_or(""),
            "园区名称",
            MAX_NAME_CHARS,
            false,
            false,
        )?;
        let contact_hours = checked_text(&input.contact_hours, "联系时间", MAX_NAME_CHARS, true, false)?;
        if input.phone.trim().is_empty() {
            return Err(ServiceError::invalid("联系电话不能为空"));
        }
        let phone = PhoneNumber::parse(&input.phone)
            .map_err(|_| ServiceError::invalid("联系电话格式无效（如 13812345678 或 0571-87654321）"))?;
        let unit_ids = checked_units(&input.unit_ids, true)?;
        let (name, officer_org_name) = match (&officer_id, team_name.is_empty()) {
            (Some(_), false) => return Err(ServiceError::invalid("联系民警和联络组只能填写一项")),
            (None, true) => return Err(ServiceError::invalid("请选择联系民警或填写联络组名称")),
            (None, false) => (team_name.clone(), None),
            (Some(id), true) => {
                let acc = match self.ctx.store.get_account(id).await {
                    Ok(a) => a,
                    Err(neibao_store::StoreError::NotFound) => {
                        return Err(ServiceError::invalid("所选联系民警的账号不存在"))
                    }
                    Err(e) => return Err(e.into()),
                };
                if !acc.user.role.is_police() || acc.disabled {
                    return Err(ServiceError::invalid("联系民警须为在用的公安机关账号"));
                }
                let n = if acc.user.display_name.trim().is_empty() {
                    acc.user.username.clone()
                } else {
                    acc.user.display_name.clone()
                };
                (n, acc.user.org_name.clone())
            }
        };
        let p = NewLiaisonPoint {
            id: new_id(),
            officer_id,
            name,
            officer_org_name,
            team_name,
            park_name,
            contact_hours,
            phone: phone.into_sensitive().expose().to_string(),
            org_id: who.org_id.clone(),
            org_name: who.org_name.clone(),
            created_by: by_name(who),
            at: now(),
        };
        let audit = who.audit("liaison.create", "liaison_point", &p.id, None);
        Ok(self
            .ctx
            .store
            .create_liaison_point(&who.scope, &p, &unit_ids, &audit)
            .await?)
    }

    /// One point with its units and history. 404 when absent or not visible (none of its units
    /// in the scope and not set up by the caller's organisation).
    #[tracing::instrument(skip_all, fields(point = %id))]
    pub async fn get(&self, who: &Principal, id: &str) -> ServiceResult<LiaisonPointDetail> {
        self.ctx
            .store
            .liaison_point(&who.scope, who.org_id.as_deref(), id)
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    /// The points visible to the caller, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn list(&self, who: &Principal) -> ServiceResult<Vec<LiaisonPoint>> {
        Ok(self
            .ctx
            .store
            .list_liaison_points(&who.scope, who.org_id.as_deref())
            .await?)
    }

    /// Sets the point's units ([`Permission::LiaisonManage`]): new ones assigned, missing ones
    /// unassigned (kept in the history with who and when; audited `liaison.assign` /
    /// `liaison.unassign`). 404 for a point not visible or a unit outside the scope; an empty
    /// set is allowed (the point then liaises with nobody).
    #[tracing::instrument(skip_all, fields(point = %id))]
    pub async fn set_units(&self, who: &Principal, id: &str, unit_ids: &[String]) -> ServiceResult<LiaisonPointDetail> {
        who.require(Permission::LiaisonManage)?;
        let unit_ids = checked_units(unit_ids, false)?;
        let audit = who.audit("liaison.assign", "liaison_point", id, None);
        Ok(self
            .ctx
            .store
            .set_liaison_units(
                &who.scope,
                who.org_id.as_deref(),
                id,
                &UnitSet {
                    unit_ids: &unit_ids,
                    by: &by_name(who),
                    at: now(),
                },
                &audit,
            )
            .await?)
    }

    /// The police accounts in use of the caller's own organisation, as (id, name) — the officers
    /// a point or a request may name on the pages (the API takes any police account). Empty
    /// without [`Permission::LiaisonManage`] or an organisation.
    #[tracing::instrument(skip_all)]
    pub async fn officers(&self, who: &Principal) -> ServiceResult<Vec<(String, String)>> {
        let Some(org) = who.org_id.clone().filter(|_| who.can(Permission::LiaisonManage)) else {
            return Ok(Vec::new());
        };
        let f = neibao_domain::users::UserFilter {
            org_id: Some(org),
            disabled: Some(false),
            ..Default::default()
        };
        let l = self
            .ctx
            .store
            .list_accounts(None, &f, neibao_domain::paging::Page { page: 1, per_page: 200 })
            .await?;
        Ok(l.items
            .into_iter()
            .filter(|a| a.user.role.is_police())
            .map(|a| {
                let name = if a.user.display_name.trim().is_empty() {
                    a.user.username.clone()
                } else {
                    a.user.display_name.clone()
                };
                (a.user.id, name)
            })
            .collect())
    }

    /// The unit's liaison points now and its history. 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn of_unit(&self, who: &Principal, unit_id: &str) -> ServiceResult<UnitLiaison> {
        let (points, history) = self.ctx.store.unit_liaison(&who.scope, unit_id).await?;
        Ok(UnitLiaison { points, history })
    }

    /// The units the caller is the liaison officer of (我联系的单位); empty for anyone else.
    #[tracing::instrument(skip_all)]
    pub async fn my_units(&self, who: &Principal) -> ServiceResult<Vec<LiaisonUnit>> {
        if who.user_id.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.ctx.store.officer_liaison_units(&who.user_id).await?)
    }
}

//! [`OrganisationService`]: organisation tree administration (docs/ORGANISATIONS.md).
//! Security-sensitive: which organisations an administrator reaches is decided here, by the
//! organisation's division code against the administrator's scope (as for accounts,
//! `crate::users`); a delegated administrator never changes their own organisation, nor anything
//! above or beside it.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use neibao_domain::access::{Permission, Principal, Scope};
use neibao_domain::audit::actor_label;
use neibao_domain::organisations::{
    check_division_within, check_kind, check_parent_kind, snapshot, NewOrgHistory, OrgDetail, OrgHistoryEntry,
};
use neibao_domain::registry::{org_kind_label_zh, Organisation};
use neibao_domain::text::checked_text;
use neibao_domain::validate::DivisionCode;
use neibao_store::StoreError;

use super::input::{NewOrganisation, OrgClose, OrgEdit, OrgMerge, OrgMove, TreeNode};
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};

/// The deepest tree walked when looking for a cycle (a real tree is 5 levels deep).
const MAX_DEPTH: usize = 64;

/// Organisation tree administration.
#[derive(Clone)]
pub struct OrganisationService {
    ctx: Ctx,
}

/// The division-code prefix an administrator reaches: `None` for everything.
fn reach(who: &Principal) -> ServiceResult<Option<String>> {
    who.require(Permission::OrganisationAdminister)?;
    match &who.scope {
        Scope::All => Ok(None),
        Scope::Division { prefix } => Ok(Some(prefix.clone())),
        _ => Err(ServiceError::forbidden("只有系统管理员可以管理组织机构")),
    }
}

fn inside(prefix: Option<&str>, division: &str) -> bool {
    prefix.is_none_or(|p| division.starts_with(p))
}

/// A name, sector as typed: trimmed and checked.
fn name_of(typed: &str) -> ServiceResult<String> {
    Ok(checked_text(typed, "组织名称", 50, true, false)?)
}

fn sector_of(typed: Option<&str>) -> ServiceResult<Option<String>> {
    let s = checked_text(typed.unwrap_or(""), "行业", 50, false, false)?;
    Ok((!s.is_empty()).then_some(s))
}

/// The snapshot of `old` with a change applied and its version raised: a history row's `after`.
fn changed(old: &OrgDetail, change: impl FnOnce(&mut serde_json::Value)) -> serde_json::Value {
    let mut after = snapshot(old);
    change(&mut after);
    after["version"] = (old.version + 1).into();
    after
}

impl OrganisationService {
    pub fn new(ctx: Ctx) -> OrganisationService {
        OrganisationService { ctx }
    }

    fn history(&self, who: &Principal, action: &str, before: Option<&OrgDetail>, sentence: String) -> NewOrgHistory {
        NewOrgHistory {
            action: action.to_string(),
            actor_id: (!who.user_id.is_empty()).then(|| who.user_id.clone()),
            actor_name: who.username.clone(),
            before: before.map(snapshot),
            after: None,
            sentence,
        }
    }

    fn audit(&self, who: &Principal, action: &str, id: &str, sentence: &str) -> neibao_domain::audit::AuditEntry {
        let mut audit = who.audit(action, "organisations", id, None);
        audit.detail = serde_json::json!({ "sentence": sentence }).to_string();
        audit
    }

    /// Organisations inside the caller's jurisdiction (closed ones with `include_closed`), by
    /// division code and name, with their counts.
    ///
    /// Errors: `forbidden` without `organisation.administer`.
    #[tracing::instrument(skip_all)]
    pub async fn list(&self, who: &Principal, include_closed: bool) -> ServiceResult<Vec<OrgDetail>> {
        let prefix = reach(who)?;
        Ok(self
            .ctx
            .store
            .list_org_details(prefix.as_deref(), include_closed)
            .await?)
    }

    /// The caller's visible tree, depth first: the roots are the visible organisations whose
    /// parent is not visible (for a city administrator: the city bureau).
    ///
    /// Errors: `forbidden`.
    #[tracing::instrument(skip_all)]
    pub async fn tree(&self, who: &Principal, include_closed: bool) -> ServiceResult<Vec<TreeNode>> {
        let nodes = self.list(who, include_closed).await?;
        let ids: HashSet<String> = nodes.iter().map(|n| n.org.id.clone()).collect();
        let mut children: HashMap<Option<String>, Vec<OrgDetail>> = HashMap::new();
        for n in nodes {
            let parent = n.org.parent_id.clone().filter(|p| ids.contains(p));
            children.entry(parent).or_default().push(n);
        }
        let mut out = Vec::with_capacity(ids.len());
        let mut stack: Vec<(OrgDetail, u32)> = children
            .remove(&None)
            .unwrap_or_default()
            .into_iter()
            .rev()
            .map(|n| (n, 0))
            .collect();
        while let Some((n, depth)) = stack.pop() {
            if let Some(kids) = children.remove(&Some(n.org.id.clone())) {
                stack.extend(kids.into_iter().rev().map(|k| (k, depth + 1)));
            }
            out.push(TreeNode { node: n, depth });
        }
        Ok(out)
    }

    /// One organisation inside the caller's jurisdiction, with its version, state and counts.
    ///
    /// Errors: `forbidden`; `not_found` outside it.
    #[tracing::instrument(skip_all)]
    pub async fn get(&self, who: &Principal, id: &str) -> ServiceResult<OrgDetail> {
        let prefix = reach(who)?;
        let o = self.ctx.store.get_org_detail(id).await?;
        if !inside(prefix.as_deref(), &o.org.division_code) {
            return Err(ServiceError::not_found());
        }
        Ok(o)
    }

    /// An organisation the caller may change: inside the jurisdiction, and for a delegated
    /// administrator not their own organisation (that is changed from above).
    async fn writable(&self, who: &Principal, id: &str) -> ServiceResult<OrgDetail> {
        let o = self.get(who, id).await?;
        if matches!(who.scope, Scope::Division { .. }) && who.org_id.as_deref() == Some(id) {
            return Err(ServiceError::forbidden(
                "不能修改本人所属的组织，请由上级系统管理员办理",
            ));
        }
        Ok(o)
    }

    /// An open organisation inside the caller's jurisdiction to put something under.
    async fn parent(&self, prefix: Option<&str>, id: &str) -> ServiceResult<OrgDetail> {
        let refuse = || ServiceError::invalid("所选上级组织不存在、已撤销或不在本辖区");
        let p = match self.ctx.store.get_org_detail(id).await {
            Ok(p) => p,
            Err(StoreError::NotFound) => return Err(refuse()),
            Err(e) => return Err(e.into()),
        };
        if p.status != "open" || !inside(prefix, &p.org.division_code) {
            return Err(refuse());
        }
        Ok(p)
    }

    /// Whether `ancestor` is `id` or lies above it (walking parents from `id`).
    async fn is_at_or_below(&self, id: &str, ancestor: &str) -> ServiceResult<bool> {
        let mut cur = Some(id.to_string());
        for _ in 0..MAX_DEPTH {
            let Some(c) = cur else { return Ok(false) };
            if c == ancestor {
                return Ok(true);
            }
            cur = match self.ctx.store.get_organisation(&c).await {
                Ok(o) => o.parent_id,
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(e.into()),
            };
        }
        Ok(true)
    }

    /// Creates an organisation under an open parent inside the caller's jurisdiction (a root
    /// provincial department only for the installation's administrator); audited as
    /// `organisation.create`.
    ///
    /// Errors: `forbidden`; `validation_failed` (name, kind, parent, division within the
    /// parent's); `invalid_division_code`.
    #[tracing::instrument(skip_all)]
    pub async fn create(&self, who: &Principal, input: NewOrganisation) -> ServiceResult<OrgDetail> {
        let prefix = reach(who)?;
        let name = name_of(&input.name)?;
        let kind = input.kind.trim().to_string();
        check_kind(&kind)?;
        let division = DivisionCode::parse(&input.division_code)?;
        let sector = sector_of(input.sector.as_deref())?;
        let parent_id = input
            .parent_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let parent = match &parent_id {
            Some(p) => Some(self.parent(prefix.as_deref(), p).await?),
            None if prefix.is_some() => {
                return Err(ServiceError::invalid(
                    "最上级组织只能由全局系统管理员新建；请选择本辖区内的上级组织",
                ))
            }
            None => None,
        };
        // An installation set up for one division (docs/SETUP.md) holds organisations inside it
        // only, under the top organisation its setup made.
        if let (Scope::All, Some(served)) = (
            &who.scope,
            crate::setup::served_division(self.ctx.store.as_ref()).await?,
        ) {
            let area = DivisionCode::parse(&served)
                .map(|c| c.scope_prefix().to_string())
                .unwrap_or(served.clone());
            let name = match self.ctx.store.get_division(&served).await {
                Ok(d) => d.name,
                Err(_) => served.clone(),
            };
            if parent.is_none() {
                return Err(ServiceError::invalid(format!(
                    "本系统服务于{name}，最上级组织已在初始设置中建立；新组织请选择上级组织"
                )));
            }
            if !division.as_str().starts_with(&area) {
                return Err(ServiceError::invalid(format!(
                    "行政区划代码不在本系统服务的辖区（{name}）之内"
                )));
            }
        }
        check_parent_kind(&kind, parent.as_ref().map(|p| p.org.kind.as_str()))?;
        if let Some(p) = &parent {
            check_division_within(division.as_str(), &p.org.division_code)?;
        }
        if !inside(prefix.as_deref(), division.as_str()) {
            return Err(ServiceError::invalid("行政区划代码不在本辖区之内"));
        }
        let org = Organisation {
            id: neibao_domain::ids::new_id(),
            name,
            kind,
            division_code: division.as_str().to_string(),
            parent_id,
            sector,
        };
        let sentence = format!(
            "{} 新建了组织「{}」（{}，行政区划 {}{}）",
            actor_label(&who.username),
            org.name,
            org_kind_label_zh(&org.kind),
            org.division_code,
            parent
                .as_ref()
                .map(|p| format!("，上级「{}」", p.org.name))
                .unwrap_or_default()
        );
        let mut history = self.history(who, "create", None, sentence.clone());
        history.after = Some(serde_json::json!({
            "name": org.name, "kind": org.kind, "division_code": org.division_code,
            "parent_id": org.parent_id, "sector": org.sector, "status": "open", "version": 1,
        }));
        let audit = self.audit(who, "organisation.create", "", &sentence);
        self.ctx.store.create_org(&org, &history, &audit, Utc::now()).await?;
        Ok(self.ctx.store.get_org_detail(&org.id).await?)
    }

    /// Renames an organisation and sets its sector; audited as `organisation.update`.
    ///
    /// Errors: `forbidden`; `not_found`; `validation_failed`; `version_conflict` (409, nothing
    /// written) when someone changed it since `edit.version`; `invalid_transition` when closed.
    #[tracing::instrument(skip_all)]
    pub async fn update(&self, who: &Principal, id: &str, edit: OrgEdit) -> ServiceResult<OrgDetail> {
        let old = self.writable(who, id).await?;
        let name = match &edit.name {
            Some(n) => name_of(n)?,
            None => old.org.name.clone(),
        };
        let sector = match &edit.sector {
            Some(s) => sector_of(Some(s))?,
            None => old.org.sector.clone(),
        };
        let mut parts = Vec::new();
        if name != old.org.name {
            parts.push(format!("名称由「{}」改为「{}」", old.org.name, name));
        }
        if sector != old.org.sector {
            parts.push(format!(
                "行业由「{}」改为「{}」",
                old.org.sector.as_deref().unwrap_or("无"),
                sector.as_deref().unwrap_or("无")
            ));
        }
        let sentence = if parts.is_empty() {
            format!(
                "{} 保存了组织「{}」（未作改动）",
                actor_label(&who.username),
                old.org.name
            )
        } else {
            format!(
                "{} 将组织「{}」的{}",
                actor_label(&who.username),
                old.org.name,
                parts.join("，")
            )
        };
        let mut history = self.history(who, "update", Some(&old), sentence.clone());
        history.after = Some(changed(&old, |a| {
            a["name"] = name.clone().into();
            a["sector"] = sector.clone().into();
        }));
        let audit = self.audit(who, "organisation.update", id, &sentence);
        self.ctx
            .store
            .update_org(
                id,
                edit.version,
                &name,
                sector.as_deref(),
                old.org.parent_id.as_deref(),
                &history,
                &audit,
                Utc::now(),
            )
            .await?;
        self.after(id).await
    }

    /// The organisation as it is now.
    async fn after(&self, id: &str) -> ServiceResult<OrgDetail> {
        Ok(self.ctx.store.get_org_detail(id).await?)
    }

    /// Moves an organisation under another parent (open, inside the jurisdiction, of a fitting
    /// kind, its division containing the organisation's, not the organisation nor one below it);
    /// audited as `organisation.move`.
    ///
    /// Errors: `forbidden`; `not_found`; `validation_failed`; `version_conflict`;
    /// `invalid_transition`.
    #[tracing::instrument(skip_all)]
    pub async fn move_to(&self, who: &Principal, id: &str, mv: OrgMove) -> ServiceResult<OrgDetail> {
        let prefix = reach(who)?;
        let old = self.writable(who, id).await?;
        let parent = self.parent(prefix.as_deref(), mv.parent_id.trim()).await?;
        if self.is_at_or_below(&parent.org.id, id).await? {
            return Err(ServiceError::invalid("不能把组织移到它自身或其下级组织之下"));
        }
        check_parent_kind(&old.org.kind, Some(&parent.org.kind))?;
        check_division_within(&old.org.division_code, &parent.org.division_code)?;
        let from = match &old.org.parent_id {
            Some(p) => match self.ctx.store.get_organisation(p).await {
                Ok(o) => format!("「{}」", o.name),
                Err(_) => "原上级".to_string(),
            },
            None => "最上级".to_string(),
        };
        let sentence = format!(
            "{} 将组织「{}」从{}下移至「{}」下",
            actor_label(&who.username),
            old.org.name,
            from,
            parent.org.name
        );
        let mut history = self.history(who, "move", Some(&old), sentence.clone());
        history.after = Some(changed(&old, |a| a["parent_id"] = parent.org.id.clone().into()));
        let audit = self.audit(who, "organisation.move", id, &sentence);
        self.ctx
            .store
            .update_org(
                id,
                mv.version,
                &old.org.name,
                old.org.sector.as_deref(),
                Some(&parent.org.id),
                &history,
                &audit,
                Utc::now(),
            )
            .await?;
        self.after(id).await
    }

    /// Merges an organisation into another open one of the same kind inside the jurisdiction
    /// (not one below it): its units, accounts (signed out) and child organisations move to the
    /// target, and it is closed with `merged_into`; audited as `organisation.merge`.
    ///
    /// Errors: `forbidden`; `not_found`; `validation_failed`; `version_conflict`;
    /// `invalid_transition`.
    #[tracing::instrument(skip_all)]
    pub async fn merge(&self, who: &Principal, id: &str, m: OrgMerge) -> ServiceResult<OrgDetail> {
        let prefix = reach(who)?;
        let old = self.writable(who, id).await?;
        let target_id = m.target_id.trim();
        if target_id == id {
            return Err(ServiceError::invalid("不能把组织合并到它自身"));
        }
        let target = match self.ctx.store.get_org_detail(target_id).await {
            Ok(t) if t.status == "open" && inside(prefix.as_deref(), &t.org.division_code) => t,
            Ok(_) | Err(StoreError::NotFound) => {
                return Err(ServiceError::invalid("合并目标组织不存在、已撤销或不在本辖区"))
            }
            Err(e) => return Err(e.into()),
        };
        if target.org.kind != old.org.kind {
            return Err(ServiceError::invalid(format!(
                "只能合并到同类组织：「{}」是{}，「{}」是{}",
                old.org.name,
                org_kind_label_zh(&old.org.kind),
                target.org.name,
                org_kind_label_zh(&target.org.kind)
            )));
        }
        if self.is_at_or_below(&target.org.id, id).await? {
            return Err(ServiceError::invalid("不能把组织合并到其下级组织"));
        }
        let actor = actor_label(&who.username);
        let sentence = format!(
            "{actor} 将组织「{}」合并入「{}」（在管单位 {} 家、账号 {} 个、下级组织 {} 个随之转入），原组织已撤销",
            old.org.name, target.org.name, old.units, old.users, old.children
        );
        let mut source_history = self.history(who, "merge", Some(&old), sentence.clone());
        source_history.after = Some(changed(&old, |a| {
            a["status"] = "closed".into();
            a["merged_into"] = target.org.id.clone().into();
        }));
        let target_history = self.history(
            who,
            "merged",
            Some(&target),
            format!("{actor} 将组织「{}」并入本组织「{}」", old.org.name, target.org.name),
        );
        let audit = self.audit(who, "organisation.merge", id, &sentence);
        self.ctx
            .store
            .merge_org(
                id,
                m.version,
                &target.org.id,
                (&source_history, &target_history),
                &audit,
                Utc::now(),
            )
            .await?;
        self.after(id).await
    }

    /// Closes (撤销) an organisation with no units, no active accounts and no open child
    /// organisations; audited as `organisation.close`.
    ///
    /// Errors: `forbidden`; `not_found`; `invalid_transition` naming what is still there (or
    /// when already closed); `version_conflict`.
    #[tracing::instrument(skip_all)]
    pub async fn close(&self, who: &Principal, id: &str, c: OrgClose) -> ServiceResult<OrgDetail> {
        let old = self.writable(who, id).await?;
        let sentence = format!("{} 撤销了组织「{}」", actor_label(&who.username), old.org.name);
        let mut history = self.history(who, "close", Some(&old), sentence.clone());
        history.after = Some(changed(&old, |a| a["status"] = "closed".into()));
        let audit = self.audit(who, "organisation.close", id, &sentence);
        self.ctx
            .store
            .close_org(id, c.version, &history, &audit, Utc::now())
            .await?;
        self.after(id).await
    }

    /// An organisation's history, oldest first, each row with its sentence.
    ///
    /// Errors: `forbidden`; `not_found`.
    #[tracing::instrument(skip_all)]
    pub async fn history_of(&self, who: &Principal, id: &str) -> ServiceResult<Vec<OrgHistoryEntry>> {
        self.get(who, id).await?;
        Ok(self.ctx.store.org_history(id).await?)
    }
}

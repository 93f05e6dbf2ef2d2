//! Responsible persons' own lifecycle on [`RegistryService`] (docs/REGISTRY.md, "Responsible
//! persons"; Decree 421 Art 5, docs/REQUIREMENTS.md R4): a person is added to a unit, edited at
//! the version the caller saw, and removed, each change written with its zh-CN history sentence
//! and audit entry in one transaction. Who: those who may manage the unit's key areas and devices
//! (`device.manage`), inside their jurisdiction. The ID number and phone are compared through
//! their decrypted values (and matched through the ID number's blind index), never written into
//! a history sentence or an audit detail.

use chrono::Utc;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::audit::actor_label;
use neibao_domain::registry::{change, NewResponsiblePerson, PersonRole, ResponsiblePerson, Unit};
use neibao_domain::sensitive::Sensitive;

use super::input::{PersonInput, PersonUpdate};
use super::lifecycle::history;
use super::service::{refuse_if_closed, RegistryService};
use super::validate::person;
use crate::error::ServiceResult;

/// 保卫负责人 王某 (role and name: what a history sentence may name of a person).
fn label(role: PersonRole, name: &str) -> String {
    format!("{} {name}", role.label_zh())
}

/// The plaintext of a stored sensitive field.
fn plain(s: Option<&Sensitive>) -> Option<String> {
    s.map(|v| v.expose().to_string())
}

/// The value an edit means: absent (null), or the masked value as shown, keeps the stored one;
/// anything else (empty: none) replaces it.
fn resolved(sent: Option<&str>, stored: Option<&Sensitive>) -> Option<String> {
    match sent {
        None => plain(stored),
        Some(s) if stored.is_some_and(|v| v.masked() == s.trim()) => plain(stored),
        Some(s) => Some(s.to_string()),
    }
}

/// What changed between a stored person and its new fields, as zh-CN clauses: role and name
/// quoted; the ID number and phone named only (compared through their plaintext).
pub(crate) fn person_changes(old: &ResponsiblePerson, new: &NewResponsiblePerson) -> Vec<String> {
    let mut c: Vec<String> = [
        change("身份", old.role.label_zh(), new.role.label_zh()),
        change("姓名", &old.name, &new.name),
    ]
    .into_iter()
    .flatten()
    .collect();
    if plain(old.citizen_id.as_ref()) != new.citizen_id.clone().map(|v| v.into_sensitive().expose().to_string()) {
        c.push("更新了公民身份号码".into());
    }
    if plain(old.phone.as_ref()) != new.phone.clone().map(|v| v.into_sensitive().expose().to_string()) {
        c.push("更新了联系电话".into());
    }
    c
}

impl RegistryService {
    /// The unit in scope that `who` may change the persons of (not closed).
    async fn unit_for_persons(&self, who: &Principal, unit_id: &str, doing: &str) -> ServiceResult<Unit> {
        let u = self.ctx.store.get_unit(&who.scope, unit_id).await?;
        who.require(Permission::DeviceManage)?;
        refuse_if_closed(&u, doing)?;
        Ok(u)
    }

    /// A unit's responsible persons (masked), principal first.
    ///
    /// Errors: `not_found` (no such unit in the caller's jurisdiction).
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn persons(&self, who: &Principal, unit_id: &str) -> ServiceResult<Vec<ResponsiblePerson>> {
        Ok(self.ctx.store.get_unit(&who.scope, unit_id).await?.responsible_persons)
    }

    /// One responsible person of a unit (masked), with its version.
    ///
    /// Errors: `not_found`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id, person = %person_id))]
    pub async fn person(&self, who: &Principal, unit_id: &str, person_id: &str) -> ServiceResult<ResponsiblePerson> {
        Ok(self.ctx.store.get_person(&who.scope, unit_id, person_id).await?)
    }

    /// The person of a unit with this role and citizen ID (validated), found through the ID
    /// number's blind index: how an import recognises a person it wrote before. `None` also for
    /// a unit outside the caller's jurisdiction.
    pub async fn person_by_citizen_id(
        &self,
        who: &Principal,
        unit_id: &str,
        role: PersonRole,
        citizen_id: &str,
    ) -> ServiceResult<Option<ResponsiblePerson>> {
        Ok(self
            .ctx
            .store
            .find_unit_person(&who.scope, unit_id, role, citizen_id)
            .await?)
    }

    /// Adds a responsible person to a unit (police, administrators, the unit's manager; the unit
    /// in their jurisdiction and not closed). History: 「admin 新增单位「甲公司」的责任人「保卫负责人
    /// 王某」」; audit `person.create`.
    ///
    /// Errors: `not_found`, `forbidden`, `validation_failed`, `invalid_citizen_id`,
    /// `invalid_phone`, `invalid_transition` (409: the unit is closed).
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn add_person(
        &self,
        who: &Principal,
        unit_id: &str,
        input: PersonInput,
    ) -> ServiceResult<ResponsiblePerson> {
        let unit = self.unit_for_persons(who, unit_id, "新增责任人").await?;
        let new = person(&input)?;
        let sentence = format!(
            "{} 新增单位「{}」的责任人「{}」",
            actor_label(&who.username),
            unit.name,
            label(new.role, &new.name)
        );
        let mut audit = who.audit("person.create", "person", "", Some(unit_id));
        audit.detail = serde_json::json!({"role": new.role.label_zh(), "name": new.name}).to_string();
        Ok(self
            .ctx
            .store
            .add_person(
                &who.scope,
                unit_id,
                &new,
                &history(who, "create", sentence),
                &audit,
                Utc::now(),
            )
            .await?)
    }

    /// Edits a responsible person at `version` (see [`PersonUpdate`] for the ID number and phone
    /// kept, cleared or replaced). History: 「admin 修改单位「甲公司」的责任人「保卫负责人 王某」：姓名由
    /// 「王某」改为「李某」；更新了联系电话」 (ID numbers and phones named, never quoted); audit
    /// `person.update`.
    ///
    /// Errors: as [`Self::add_person`], and `version_conflict` (409: changed since; nothing
    /// written).
    #[tracing::instrument(skip_all, fields(unit = %unit_id, person = %person_id))]
    pub async fn update_person(
        &self,
        who: &Principal,
        unit_id: &str,
        person_id: &str,
        input: PersonUpdate,
    ) -> ServiceResult<ResponsiblePerson> {
        let old = self.ctx.store.get_person(&who.scope, unit_id, person_id).await?;
        let unit = self.unit_for_persons(who, unit_id, "修改责任人").await?;
        let version = input.version;
        let sent = input.person();
        let sent = PersonInput {
            citizen_id: resolved(sent.citizen_id.as_deref(), old.citizen_id.as_ref()),
            phone: resolved(sent.phone.as_deref(), old.phone.as_ref()),
            ..sent
        };
        let new = person(&sent)?;
        let clauses = person_changes(&old, &new);
        let who_label = actor_label(&who.username);
        let before = label(old.role, &old.name);
        let sentence = if clauses.is_empty() {
            format!("{who_label} 保存了单位「{}」的责任人「{before}」（无变化）", unit.name)
        } else {
            format!(
                "{who_label} 修改单位「{}」的责任人「{before}」：{}",
                unit.name,
                clauses.join("；")
            )
        };
        let mut audit = who.audit("person.update", "person", person_id, Some(unit_id));
        audit.detail =
            serde_json::json!({"role": new.role.label_zh(), "name": new.name, "changes": clauses}).to_string();
        Ok(self
            .ctx
            .store
            .update_person(
                &who.scope,
                unit_id,
                person_id,
                version,
                &new,
                &history(who, "update", sentence),
                &audit,
                Utc::now(),
            )
            .await?)
    }

    /// Removes a responsible person at `version` (a person who left the post); the unit's
    /// history keeps the record: 「admin 删除单位「甲公司」的责任人「保卫负责人 王某」」; audit
    /// `person.remove`.
    ///
    /// Errors: `not_found`, `forbidden`, `version_conflict`, `invalid_transition` (closed unit).
    #[tracing::instrument(skip_all, fields(unit = %unit_id, person = %person_id))]
    pub async fn remove_person(
        &self,
        who: &Principal,
        unit_id: &str,
        person_id: &str,
        version: i64,
    ) -> ServiceResult<()> {
        let old = self.ctx.store.get_person(&who.scope, unit_id, person_id).await?;
        let unit = self.unit_for_persons(who, unit_id, "删除责任人").await?;
        let sentence = format!(
            "{} 删除单位「{}」的责任人「{}」",
            actor_label(&who.username),
            unit.name,
            label(old.role, &old.name)
        );
        let mut audit = who.audit("person.remove", "person", person_id, Some(unit_id));
        audit.detail = serde_json::json!({"role": old.role.label_zh(), "name": old.name}).to_string();
        Ok(self
            .ctx
            .store
            .remove_person(
                &who.scope,
                unit_id,
                person_id,
                version,
                &history(who, "remove", sentence),
                &audit,
                Utc::now(),
            )
            .await?)
    }
}

//! The registry's lifecycle on [`RegistryService`] (docs/REGISTRY.md): editing a unit (and its
//! responsible persons) with the version the caller saw, moving it to another police station or
//! competent department, deactivating, reactivating and closing it; the same for key areas; and
//! a unit's change history (变更记录). Each change writes a zh-CN history sentence and its audit
//! entry in the transaction of the change.

use chrono::Utc;
use neibao_domain::access::{Permission, Principal, Scope};
use neibao_domain::audit::actor_label;
use neibao_domain::error::ErrorCode;
use neibao_domain::registry::{
    change, HistoryEntry, KeyArea, LifeAction, NewHistory, NewUnit, ResponsiblePerson, Unit,
};

use super::input::{KeyAreaUpdate, MoveUnitInput, UnitInput};
use super::service::{unit_detail, RegistryService};
use super::validate::{placement, text_block, text_field, unit};
use crate::error::{ServiceError, ServiceResult};

/// A history row by `who`.
pub fn history(who: &Principal, action: &str, sentence: String) -> NewHistory {
    NewHistory {
        action: action.to_string(),
        actor_id: (!who.user_id.is_empty()).then(|| who.user_id.clone()),
        actor_name: who.username.clone(),
        sentence,
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "是"
    } else {
        "否"
    }
}

/// The persons as a line: 主要负责人 张三、保卫负责人 李四 (names and roles only).
fn persons_line(persons: impl Iterator<Item = (&'static str, String)>) -> String {
    let v: Vec<String> = persons.map(|(r, n)| format!("{r} {n}")).collect();
    if v.is_empty() {
        "无".into()
    } else {
        v.join("、")
    }
}

/// What changed between the unit as stored and its new entry, as zh-CN clauses (the address and
/// identity numbers and phones are named, not quoted: they may hold personal data).
fn unit_changes(old: &Unit, new: &NewUnit, persons: bool, station: &str, department: &str) -> Vec<String> {
    let mut c: Vec<String> = [
        change("名称", &old.name, &new.name),
        change("单位类型", old.kind.label_zh(), new.kind.label_zh()),
        change("统一社会信用代码", &old.uscc, new.uscc.as_str()),
        change("行政区划", &old.division_code, new.division_code.as_str()),
        change(
            "管辖派出所",
            old.police_station_name.as_deref().unwrap_or("无"),
            station,
        ),
        change(
            "行业主管部门",
            old.competent_department_name.as_deref().unwrap_or("无"),
            department,
        ),
        change("治安保卫重点单位", yes_no(old.is_key_unit), yes_no(new.is_key_unit)),
        change(
            "反恐怖重点目标",
            yes_no(old.is_counter_terror_target),
            yes_no(new.is_counter_terror_target),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    // The address as shown may be masked (docs/SECURITY.md, free text); sent back unchanged it
    // equals what is shown.
    if old.address != new.address {
        c.push("修改了地址".into());
    }
    if old.key_unit_category != new.key_unit_category && old.is_key_unit && new.is_key_unit {
        c.push("修改了重点单位类别".into());
    }
    if old.armed_schedule != new.armed_schedule {
        c.push("修改了布防时段".into());
    }
    if !persons {
        return c;
    }
    let before = persons_line(
        old.responsible_persons
            .iter()
            .map(|p| (p.role.label_zh(), p.name.clone())),
    );
    let after = persons_line(
        new.responsible_persons
            .iter()
            .map(|p| (p.role.label_zh(), p.name.clone())),
    );
    if let Some(s) = change("责任人", &before, &after) {
        c.push(s);
    } else if !same_contacts(&old.responsible_persons, new) {
        c.push("更新了责任人的身份证号或电话".into());
    }
    c
}

/// Whether the persons' identity numbers and phones are unchanged (compared, never shown).
fn same_contacts(old: &[ResponsiblePerson], new: &NewUnit) -> bool {
    old.len() == new.responsible_persons.len()
        && old.iter().zip(&new.responsible_persons).all(|(o, n)| {
            o.citizen_id.as_ref().map(|s| s.expose().to_string())
                == n.citizen_id.clone().map(|c| c.into_sensitive().expose().to_string())
                && o.phone.as_ref().map(|s| s.expose().to_string())
                    == n.phone.clone().map(|p| p.into_sensitive().expose().to_string())
        })
}

impl RegistryService {
    async fn org_name(&self, id: Option<&str>) -> String {
        match id {
            None => "无".into(),
            Some(id) => self
                .ctx
                .store
                .get_organisation(id)
                .await
                .map(|o| o.name)
                .unwrap_or_else(|_| id.to_string()),
        }
    }

    /// Replaces a unit's registry entry (police and administrators) when the unit is still at
    /// `version` (docs/REGISTRY.md); its responsible persons too when `input` lists them, else
    /// they are kept.
    ///
    /// Errors: as [`RegistryService::create_unit`], `not_found`, `version_conflict` (409: someone
    /// changed it since; nothing written), `invalid_transition` (409: the unit is closed).
    #[tracing::instrument(skip_all, fields(unit = %id))]
    pub async fn update_unit(&self, who: &Principal, id: &str, version: i64, input: UnitInput) -> ServiceResult<Unit> {
        let old = self.ctx.store.get_unit(&who.scope, id).await?;
        who.require(Permission::UnitRegister)?;
        let replace_persons = input.responsible_persons.is_some();
        let new = unit(self.ctx.store.as_ref(), who, input).await?;
        let station = self.org_name(new.police_station_id.as_deref()).await;
        let department = self.org_name(new.competent_department_id.as_deref()).await;
        let changes = unit_changes(&old, &new, replace_persons, &station, &department);
        let sentence = if changes.is_empty() {
            format!(
                "{} 保存了单位「{}」的登记信息（无变化）",
                actor_label(&who.username),
                old.name
            )
        } else {
            format!(
                "{} 修改单位「{}」：{}",
                actor_label(&who.username),
                old.name,
                changes.join("；")
            )
        };
        let mut audit = who.audit("unit.update", "unit", id, Some(id));
        audit.detail = unit_detail(&new);
        let updated = self
            .ctx
            .store
            .update_unit(
                &who.scope,
                id,
                version,
                new,
                replace_persons,
                &history(who, "update", sentence),
                &audit,
                Utc::now(),
            )
            .await?;
        // Devices carry their unit's armed schedule and division into the intake path.
        self.ctx.pipeline.forget_devices();
        Ok(updated)
    }

    /// Moves a unit under another police station and competent department (county police and
    /// above, administrators; a police station hands a unit over through its county bureau). The
    /// station must be of the unit's county and the department cover its division, both open.
    /// Afterwards the old station's officers no longer see the unit; the new station's do.
    ///
    /// Errors: `not_found`, `forbidden`, `validation_failed`, `version_conflict`,
    /// `invalid_transition` (closed).
    #[tracing::instrument(skip_all, fields(unit = %id))]
    pub async fn move_unit(&self, who: &Principal, id: &str, input: MoveUnitInput) -> ServiceResult<Unit> {
        let old = self.ctx.store.get_unit(&who.scope, id).await?;
        who.require(Permission::UnitRegister)?;
        if matches!(who.scope, Scope::Station { .. }) {
            return Err(ServiceError::forbidden(
                "派出所不能自行移交单位，请由县级公安机关调整管辖派出所",
            ));
        }
        let station = input.police_station_id.filter(|s| !s.trim().is_empty());
        let department = input.competent_department_id.filter(|s| !s.trim().is_empty());
        let division = neibao_domain::validate::DivisionCode::parse(&old.division_code)?;
        placement(
            self.ctx.store.as_ref(),
            who,
            &division,
            station.as_deref(),
            department.as_deref(),
        )
        .await?;
        if station == old.police_station_id && department == old.competent_department_id {
            return Err(ServiceError::invalid("管辖派出所和行业主管部门均未改变"));
        }
        let station_name = self.org_name(station.as_deref()).await;
        let department_name = self.org_name(department.as_deref()).await;
        let clauses: Vec<String> = [
            change(
                "管辖派出所",
                old.police_station_name.as_deref().unwrap_or("无"),
                &station_name,
            ),
            change(
                "行业主管部门",
                old.competent_department_name.as_deref().unwrap_or("无"),
                &department_name,
            ),
        ]
        .into_iter()
        .flatten()
        .collect();
        let sentence = format!(
            "{} 将单位「{}」的{}",
            actor_label(&who.username),
            old.name,
            clauses.join("，")
        );
        let mut audit = who.audit("unit.move", "unit", id, Some(id));
        audit.detail = serde_json::json!({
            "from_station": old.police_station_id, "to_station": station,
            "from_department": old.competent_department_id, "to_department": department,
        })
        .to_string();
        let moved = self
            .ctx
            .store
            .move_unit(
                &who.scope,
                id,
                input.version,
                station.as_deref(),
                department.as_deref(),
                &history(who, "move", sentence),
                &audit,
                Utc::now(),
            )
            .await?;
        tracing::info!(unit = %id, "unit moved");
        Ok(moved)
    }

    /// Deactivates (停用), reactivates (恢复在用) or closes (注销) a unit at `version` (police
    /// and administrators). A unit not in use has its devices' events refused at intake; a closed
    /// one stays readable but takes no changes and nothing new. Closing is refused while hazards
    /// (rectification orders) are not ended or inspections not submitted.
    ///
    /// Errors: `not_found`, `forbidden`, `version_conflict`, `invalid_transition`.
    #[tracing::instrument(skip_all, fields(unit = %id, action = action.code()))]
    pub async fn set_unit_state(
        &self,
        who: &Principal,
        id: &str,
        version: i64,
        action: LifeAction,
    ) -> ServiceResult<Unit> {
        let old = self.ctx.store.get_unit(&who.scope, id).await?;
        who.require(Permission::UnitRegister)?;
        action.apply(old.state, "单位")?;
        let sentence = format!(
            "{} {}单位「{}」",
            actor_label(&who.username),
            action.label_zh(),
            old.name
        );
        let audit = who.audit(&format!("unit.{}", action.code()), "unit", id, Some(id));
        let unit = self
            .ctx
            .store
            .set_unit_state(
                &who.scope,
                id,
                version,
                action,
                &history(who, action.code(), sentence),
                &audit,
                Utc::now(),
            )
            .await?;
        self.ctx.pipeline.forget_devices();
        tracing::info!(unit = %id, state = unit.state.code(), "unit state changed");
        Ok(unit)
    }

    /// One key area.
    #[tracing::instrument(skip_all, fields(key_area = %id))]
    pub async fn key_area(&self, who: &Principal, id: &str) -> ServiceResult<KeyArea> {
        Ok(self.ctx.store.get_key_area(&who.scope, id).await?)
    }

    /// Renames a key area or changes its description at `version` (police, administrators, the
    /// unit's manager).
    ///
    /// Errors: `not_found`, `forbidden`, `validation_failed`, `version_conflict`,
    /// `invalid_transition` (closed).
    #[tracing::instrument(skip_all, fields(key_area = %id))]
    pub async fn update_key_area(&self, who: &Principal, id: &str, input: KeyAreaUpdate) -> ServiceResult<KeyArea> {
        let old = self.ctx.store.get_key_area(&who.scope, id).await?;
        who.require(Permission::DeviceManage)?;
        let name = text_field(&input.area.name, "重要部位名称", 100, true)?;
        let description = text_block(&input.area.description, "重要部位说明", 500, false)?;
        let mut clauses: Vec<String> = change("名称", &old.name, &name).into_iter().collect();
        if old.description != description {
            clauses.push("修改了说明".into());
        }
        let sentence = if clauses.is_empty() {
            format!(
                "{} 保存了重要部位「{}」（无变化）",
                actor_label(&who.username),
                old.name
            )
        } else {
            format!(
                "{} 修改重要部位「{}」：{}",
                actor_label(&who.username),
                old.name,
                clauses.join("；")
            )
        };
        let mut audit = who.audit("key_area.update", "key_area", id, Some(&old.unit_id));
        audit.detail = serde_json::json!({"name": name}).to_string();
        Ok(self
            .ctx
            .store
            .update_key_area(
                &who.scope,
                id,
                input.version,
                &name,
                &description,
                &history(who, "update", sentence),
                &audit,
                Utc::now(),
            )
            .await?)
    }

    /// Deactivates, reactivates or closes a key area at `version` (police, administrators, the
    /// unit's manager). Closing is refused while devices not closed sit in it.
    ///
    /// Errors: `not_found`, `forbidden`, `version_conflict`, `invalid_transition`.
    #[tracing::instrument(skip_all, fields(key_area = %id, action = action.code()))]
    pub async fn set_key_area_state(
        &self,
        who: &Principal,
        id: &str,
        version: i64,
        action: LifeAction,
    ) -> ServiceResult<KeyArea> {
        let old = self.ctx.store.get_key_area(&who.scope, id).await?;
        who.require(Permission::DeviceManage)?;
        action.apply(old.state, "重要部位")?;
        let sentence = format!(
            "{} {}重要部位「{}」",
            actor_label(&who.username),
            action.label_zh(),
            old.name
        );
        let audit = who.audit(
            &format!("key_area.{}", action.code()),
            "key_area",
            id,
            Some(&old.unit_id),
        );
        Ok(self
            .ctx
            .store
            .set_key_area_state(
                &who.scope,
                id,
                version,
                action,
                &history(who, action.code(), sentence),
                &audit,
                Utc::now(),
            )
            .await?)
    }

    /// A unit's change history (变更记录): the unit, its key areas, responsible persons and
    /// devices, newest first (at most 500 rows).
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn unit_history(&self, who: &Principal, unit_id: &str) -> ServiceResult<Vec<HistoryEntry>> {
        self.ctx.store.get_unit(&who.scope, unit_id).await?;
        Ok(self.ctx.store.unit_history(&who.scope, unit_id).await?)
    }
}

/// The refusal of an unknown action name in a path (`/units/{id}/{action}` is not used: each
/// action has its route); kept for the UI's single form handler.
pub fn action_from_code(code: &str) -> ServiceResult<LifeAction> {
    match code {
        "deactivate" => Ok(LifeAction::Deactivate),
        "reactivate" => Ok(LifeAction::Reactivate),
        "close" => Ok(LifeAction::Close),
        _ => Err(ServiceError::refused(ErrorCode::NotFound, "没有这项操作")),
    }
}

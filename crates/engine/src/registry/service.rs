//! [`RegistryService`]: divisions, organisations, units, key areas, responsible persons as
//! registered, armed schedules, the per-unit settings of the built-in rules and the built-in rule
//! list. Every change is audited in its own transaction.

use chrono::Utc;
use neibao_domain::access::{Permission, Principal, Scope};
use neibao_domain::alerts::{Alert, AlertFilter};
use neibao_domain::devices::{Device, DeviceFilter};
use neibao_domain::error::ErrorCode;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::registry::{
    ArmedSchedule, Division, HistoryEntry, KeyArea, LifeState, NewUnit, Organisation, Unit, UnitFilter,
};
use neibao_domain::validate::DivisionCode;

use super::input::{KeyAreaInput, RuleInput, UnitInput};
use super::validate::{rule_setting, text_block, text_field, unit};
use crate::alerts::builtin::{builtin_rules, effective_rules, EffectiveRule, RuleDef};
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};

/// Everything the unit page shows of a unit, read in one go.
pub struct UnitOverview {
    pub unit: Unit,
    pub key_areas: Vec<KeyArea>,
    /// The unit's devices (at most 200).
    pub devices: Listing<Device>,
    /// The unit's newest alerts (at most 20).
    pub alerts: Listing<Alert>,
    /// The built-in rules with the unit's settings.
    pub rules: Vec<EffectiveRule>,
    /// The unit's change history (变更记录), newest first.
    pub history: Vec<HistoryEntry>,
}

/// Registry: divisions, organisations, units, key areas, responsible persons, armed schedules,
/// built-in rule settings.
#[derive(Clone)]
pub struct RegistryService {
    pub(crate) ctx: Ctx,
}

impl RegistryService {
    pub fn new(ctx: Ctx) -> RegistryService {
        RegistryService { ctx }
    }

    /// Administrative divisions (GB/T 2260), children of `parent` (provinces without), as far as
    /// they lie in `who`'s area or above it (the way down to it): a Hangzhou officer's list of
    /// provinces is 浙江省 alone, its cities 杭州市 alone. The area is the jurisdiction's division
    /// prefix; a station's or a department's own division (a station's county); a unit's county;
    /// for an installation-wide account, the division the installation serves (docs/SETUP.md),
    /// or all of China before the setup.
    ///
    /// Errors: the database.
    #[tracing::instrument(skip_all)]
    pub async fn divisions(&self, who: &Principal, parent: Option<&str>) -> ServiceResult<Vec<Division>> {
        let all = self.ctx.store.list_divisions(parent).await?;
        let Some(area) = self.area_of(who).await? else {
            return Ok(all);
        };
        Ok(all
            .into_iter()
            .filter(|d| {
                let own = DivisionCode::parse(&d.code)
                    .map(|c| c.scope_prefix().to_string())
                    .unwrap_or_else(|_| d.code.clone());
                own.starts_with(&area) || area.starts_with(&own)
            })
            .collect())
    }

    /// The division prefix `who` works in (see [`Self::divisions`]); `None`: everywhere.
    async fn area_of(&self, who: &Principal) -> ServiceResult<Option<String>> {
        let prefix = |code: &str, max: usize| {
            DivisionCode::parse(code)
                .map(|c| c.scope_prefix().chars().take(max).collect::<String>())
                .ok()
        };
        Ok(match &who.scope {
            Scope::Division { prefix } => Some(prefix.clone()),
            Scope::Station { .. } => who.division_code.as_deref().and_then(|c| prefix(c, 6)),
            Scope::Department { .. } => who.division_code.as_deref().and_then(|c| prefix(c, 9)),
            Scope::Unit { .. } => who.division_code.as_deref().and_then(|c| prefix(c, 6)),
            Scope::Assessor { .. } | Scope::Nothing => Some("-".into()),
            Scope::All => crate::setup::served_division(self.ctx.store.as_ref())
                .await?
                .and_then(|c| prefix(&c, 9)),
        })
    }

    /// Police organisations and competent departments, by kind and division code prefix; closed
    /// (撤销) ones only with `include_closed` (docs/ORGANISATIONS.md).
    #[tracing::instrument(skip_all)]
    pub async fn organisations(
        &self,
        _who: &Principal,
        kind: Option<&str>,
        division_prefix: Option<&str>,
        include_closed: bool,
    ) -> ServiceResult<Vec<Organisation>> {
        if !include_closed {
            return Ok(self.ctx.store.list_organisations(kind, division_prefix).await?);
        }
        Ok(self
            .ctx
            .store
            .list_org_details(division_prefix, true)
            .await?
            .into_iter()
            .map(|d| d.org)
            .filter(|o| kind.is_none_or(|k| o.kind == k))
            .collect())
    }

    /// The police stations `who` may put a unit under, grouped by county (labelled with the
    /// county bureau's name), for the registration form.
    #[tracing::instrument(skip_all)]
    pub async fn stations_by_county(&self, who: &Principal) -> Vec<(String, Vec<Organisation>)> {
        let store = &self.ctx.store;
        let prefix = match &who.scope {
            Scope::Division { prefix } => Some(prefix.as_str()),
            _ => None,
        };
        let stations = match &who.scope {
            Scope::Station { org_id } => store
                .get_organisation(org_id)
                .await
                .map(|o| vec![o])
                .unwrap_or_default(),
            _ => store
                .list_organisations(Some("police_station"), prefix)
                .await
                .unwrap_or_default(),
        };
        let bureaus = store
            .list_organisations(Some("police_county"), prefix)
            .await
            .unwrap_or_default();
        let mut groups: Vec<(String, Vec<Organisation>)> = Vec::new();
        for s in stations {
            let county = s.division_code.get(..6).unwrap_or("").to_string();
            let label = bureaus
                .iter()
                .find(|b| b.division_code == county)
                .map(|b| b.name.clone())
                .unwrap_or(county);
            match groups.last_mut() {
                Some((l, v)) if *l == label => v.push(s),
                _ => groups.push((label, vec![s])),
            }
        }
        groups
    }

    /// Units in `who`'s jurisdiction.
    #[tracing::instrument(skip_all)]
    pub async fn units(&self, who: &Principal, filter: &UnitFilter, page: Page) -> ServiceResult<Listing<Unit>> {
        Ok(self.ctx.store.list_units(&who.scope, filter, page).await?)
    }

    /// One unit with its responsible persons (masked when serialised).
    #[tracing::instrument(skip_all, fields(unit = %id))]
    pub async fn unit(&self, who: &Principal, id: &str) -> ServiceResult<Unit> {
        Ok(self.ctx.store.get_unit(&who.scope, id).await?)
    }

    /// Registers a unit (police and administrators), inside `who`'s jurisdiction.
    ///
    /// Errors: `forbidden`, `validation_failed`, `invalid_uscc`, `invalid_division_code`,
    /// `invalid_citizen_id`, `invalid_phone`, `conflict` (USCC already registered).
    #[tracing::instrument(skip_all)]
    pub async fn create_unit(&self, who: &Principal, input: UnitInput) -> ServiceResult<Unit> {
        who.require(Permission::UnitRegister)?;
        let new = unit(self.ctx.store.as_ref(), who, input).await?;
        let mut audit = who.audit("unit.create", "unit", "", None);
        audit.detail = unit_detail(&new);
        let created = self.ctx.store.create_unit(new, &audit, Utc::now()).await?;
        tracing::info!(unit = %created.id, "unit registered");
        Ok(created)
    }

    /// Checks a unit registration as [`RegistryService::create_unit`] would, without writing
    /// it (the spreadsheet import checks every row first): the validated unit, or the refusal
    /// `create_unit` would give (except `conflict`, which the caller checks).
    pub async fn check_unit(&self, who: &Principal, input: UnitInput) -> ServiceResult<NewUnit> {
        who.require(Permission::UnitRegister)?;
        unit(self.ctx.store.as_ref(), who, input).await
    }

    /// A unit's key areas (重要部位).
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn key_areas(&self, who: &Principal, unit_id: &str) -> ServiceResult<Vec<KeyArea>> {
        self.ctx.store.get_unit(&who.scope, unit_id).await?;
        Ok(self.ctx.store.list_key_areas(&who.scope, unit_id).await?)
    }

    /// Adds a key area to a unit (police, administrators, the unit's manager).
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    ///
    /// Errors: `not_found`, `forbidden`, `validation_failed`, `invalid_transition` (the unit is
    /// closed: 注销 units take nothing new, docs/REGISTRY.md).
    pub async fn create_key_area(&self, who: &Principal, unit_id: &str, input: KeyAreaInput) -> ServiceResult<KeyArea> {
        let u = self.ctx.store.get_unit(&who.scope, unit_id).await?;
        who.require(Permission::DeviceManage)?;
        refuse_if_closed(&u, "新增重要部位")?;
        let name = text_field(&input.name, "重要部位名称", 100, true)?;
        let description = text_block(&input.description, "重要部位说明", 500, false)?;
        let mut audit = who.audit("key_area.create", "key_area", "", Some(unit_id));
        audit.detail = serde_json::json!({"name": name}).to_string();
        Ok(self
            .ctx
            .store
            .create_key_area(&who.scope, unit_id, &name, &description, &audit, Utc::now())
            .await?)
    }

    /// The built-in early-warning rules with their defaults.
    pub fn builtin_rules(&self) -> Vec<RuleDef> {
        builtin_rules()
    }

    /// The built-in rules as they apply to a unit (defaults with the unit's settings).
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn unit_rules(&self, who: &Principal, unit_id: &str) -> ServiceResult<Vec<EffectiveRule>> {
        self.ctx.store.get_unit(&who.scope, unit_id).await?;
        Ok(effective_rules(&self.ctx.store.rule_settings(unit_id).await?))
    }

    /// Switches a built-in rule on or off for a unit, or changes its parameters (police,
    /// administrators, the unit's manager). Applies at once on this node.
    #[tracing::instrument(skip_all, fields(unit = %unit_id, rule = %rule))]
    pub async fn set_rule(&self, who: &Principal, unit_id: &str, rule: &str, input: RuleInput) -> ServiceResult<()> {
        self.ctx.store.get_unit(&who.scope, unit_id).await?;
        who.require(Permission::UnitRuleConfigure)?;
        let setting = rule_setting(rule, input)?;
        let mut audit = who.audit("rule_setting.update", "rule_setting", rule, Some(unit_id));
        audit.detail = serde_json::json!({"enabled": setting.enabled, "params": setting.params}).to_string();
        self.ctx
            .store
            .set_rule_setting(&who.scope, unit_id, &setting, &audit, Utc::now())
            .await?;
        self.ctx.pipeline.forget_rules(unit_id);
        Ok(())
    }

    /// Replaces a unit's armed schedule (布防时段); no periods disarms it (police,
    /// administrators, the unit's manager). Applies at once on this node.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn set_armed_schedule(
        &self,
        who: &Principal,
        unit_id: &str,
        schedule: &ArmedSchedule,
    ) -> ServiceResult<()> {
        self.ctx.store.get_unit(&who.scope, unit_id).await?;
        who.require(Permission::UnitRuleConfigure)?;
        neibao_domain::warning::schedule::validate(schedule).map_err(ServiceError::invalid)?;
        let mut audit = who.audit("armed_schedule.update", "unit", unit_id, Some(unit_id));
        audit.detail = format!("periods={}", schedule.periods.len());
        self.ctx
            .store
            .set_armed_schedule(&who.scope, unit_id, Some(schedule), &audit, Utc::now())
            .await?;
        self.ctx.pipeline.forget_devices();
        Ok(())
    }

    /// The unit with its key areas, devices, newest alerts and rule settings (the unit page).
    #[tracing::instrument(skip_all, fields(unit = %id))]
    pub async fn overview(&self, who: &Principal, id: &str) -> ServiceResult<UnitOverview> {
        let store = &self.ctx.store;
        let unit = store.get_unit(&who.scope, id).await?;
        let key_areas = store.list_key_areas(&who.scope, id).await?;
        let devices = store
            .list_devices(
                &who.scope,
                &DeviceFilter {
                    unit_id: Some(id.to_string()),
                    online: None,
                    sort: None,
                },
                Page::new(Some(1), Some(200)),
                Utc::now(),
            )
            .await?;
        let alerts = store
            .list_alerts(
                &who.scope,
                &AlertFilter {
                    unit_id: Some(id.to_string()),
                    ..Default::default()
                },
                Page::new(Some(1), Some(20)),
            )
            .await?;
        let rules = effective_rules(&store.rule_settings(id).await?);
        let history = store.unit_history(&who.scope, id).await?;
        Ok(UnitOverview {
            unit,
            key_areas,
            devices,
            alerts,
            rules,
            history,
        })
    }
}

/// The audit detail of a unit's registration or change: where it is and what kind, no names of
/// persons.
pub(super) fn unit_detail(u: &NewUnit) -> String {
    serde_json::json!({
        "division_code": u.division_code.as_str(),
        "kind": u.kind.code(),
        "key_unit": u.is_key_unit,
        "persons": u.responsible_persons.len(),
    })
    .to_string()
}

/// Refuses to add anything (`doing`: 新增重要部位, 登记设备, 开展检查) to a closed (注销) unit:
/// 409 `invalid_transition` (docs/REGISTRY.md).
pub fn refuse_if_closed(u: &Unit, doing: &str) -> ServiceResult<()> {
    if u.state == LifeState::Closed {
        return Err(ServiceError::refused(
            ErrorCode::InvalidTransition,
            format!("单位「{}」已注销，不能再{doing}；其记录仍可查阅", u.name),
        ));
    }
    Ok(())
}

//! Validation of registry input: free-text fields, a unit's fields and where the caller may put
//! it (docs/REQUIREMENTS.md R2: supervision by territory), a unit's setting of a built-in rule.

use chrono::Utc;
use neibao_domain::access::{Principal, Scope};
use neibao_domain::alerts::{RuleSetting, Severity};
use neibao_domain::error::ErrorCode;
use neibao_domain::registry::{key_unit_category_label, Division, NewResponsiblePerson, NewUnit};
use neibao_domain::validate::{CitizenId, DivisionCode, PhoneNumber, Uscc};
use neibao_store::{Store, StoreError};

use super::input::{PersonInput, RuleInput, UnitInput};
use crate::alerts::builtin::builtin_rules;
use crate::error::{ServiceError, ServiceResult};

/// Checks a one-line field a person typed (a name, an address, a serial number): trimmed, at
/// most `max` characters, no line breaks, control characters, bidirectional controls or
/// invisible characters (the one check, `neibao_domain::text::checked_text`).
pub fn text_field(value: &str, label: &str, max: usize, required: bool) -> ServiceResult<String> {
    Ok(neibao_domain::text::checked_text(value, label, max, required, false)?)
}

/// Like [`text_field`] for a paragraph (a description): line breaks and tabs allowed.
pub fn text_block(value: &str, label: &str, max: usize, required: bool) -> ServiceResult<String> {
    Ok(neibao_domain::text::checked_text(value, label, max, required, true)?)
}

fn outside() -> ServiceError {
    ServiceError::refused(ErrorCode::Forbidden, "只能登记本辖区内的单位")
}

/// Validates the input into a [`NewUnit`] and checks that `who` may place a unit there: inside
/// their jurisdiction, with a police station of the unit's county and a competent department
/// whose division covers the unit.
pub(super) async fn unit(store: &dyn Store, who: &Principal, input: UnitInput) -> ServiceResult<NewUnit> {
    let unit = unit_fields(who, input)?;
    // The code must name a division in force in the GB/T 2260 table (data/divisions-china.csv,
    // loaded at start, or a later version), not just look like one: 330106999 has the shape of a
    // street code but there is no such street, so no name and no police station. A retired code
    // stays on the records registered there, but no new unit is placed at it.
    let code = unit.division_code.as_str();
    match store.get_division(code).await {
        Ok(Division {
            valid_to: Some(until),
            name,
            ..
        }) => {
            return Err(ServiceError::refused(
                ErrorCode::InvalidDivisionCode,
                format!("行政区划代码「{code}」（{name}）已于 {until} 撤销，请填写现行区划代码"),
            ))
        }
        Ok(_) => {}
        Err(StoreError::NotFound) => {
            return Err(ServiceError::refused(
                ErrorCode::InvalidDivisionCode,
                format!(
                    "行政区划代码「{code}」不存在（GB/T 2260），请填写本省行政区划表中的县（市、区）或乡镇（街道）代码"
                ),
            ))
        }
        Err(e) => return Err(e.into()),
    }
    placement(
        store,
        who,
        &unit.division_code,
        unit.police_station_id.as_deref(),
        unit.competent_department_id.as_deref(),
    )
    .await?;
    Ok(unit)
}

/// Checks that a unit at `division` may be supervised by the police station `station_id` (of the
/// unit's county) and the competent department `department_id` (covering the unit's division),
/// and that `who` may place it there (R2: supervision by territory). Registration, edits and
/// moves (docs/REGISTRY.md) use it.
pub(super) async fn placement(
    store: &dyn Store,
    who: &Principal,
    division: &DivisionCode,
    station_id: Option<&str>,
    department_id: Option<&str>,
) -> ServiceResult<()> {
    let county = &division.as_str()[..6];
    if let Scope::Station { org_id } = &who.scope {
        let station = store.get_organisation(org_id).await?;
        if !division
            .as_str()
            .starts_with(&station.division_code[..6.min(station.division_code.len())])
        {
            return Err(outside());
        }
    }
    if let Some(id) = station_id {
        let station = store
            .get_organisation(id)
            .await
            .map_err(|_| ServiceError::invalid("派出所不存在"))?;
        if station.kind != "police_station" {
            return Err(ServiceError::invalid("派出所不存在"));
        }
        if !station.division_code.starts_with(county) {
            return Err(ServiceError::invalid(format!(
                "「{}」不管辖该单位所在的县（市、区）",
                station.name
            )));
        }
        if let Scope::Division { prefix } = &who.scope {
            if !station.division_code.starts_with(prefix.as_str()) {
                return Err(outside());
            }
        }
    }
    if let Some(id) = department_id {
        let dept = store
            .get_organisation(id)
            .await
            .map_err(|_| ServiceError::invalid("行业主管部门不存在"))?;
        let covers = DivisionCode::parse(&dept.division_code)
            .map(|d| division.as_str().starts_with(d.scope_prefix()))
            .unwrap_or(false);
        if dept.kind != "department" || !covers {
            return Err(ServiceError::invalid("行业主管部门不存在或不管辖该单位所在地"));
        }
    }
    Ok(())
}

/// A responsible person's fields: the name (at most 50 characters), a GB 11643 citizen ID
/// (its check character verified; empty: none) and a mobile or landline number (empty: none).
///
/// Errors: `validation_failed` (the name), `invalid_citizen_id`, `invalid_phone`.
pub fn person(p: &PersonInput) -> ServiceResult<NewResponsiblePerson> {
    let today = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    Ok(NewResponsiblePerson {
        role: p.role,
        name: text_field(&p.name, "负责人姓名", 50, true)?,
        citizen_id: p
            .citizen_id
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| CitizenId::parse(s, today))
            .transpose()?,
        phone: p
            .phone
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(PhoneNumber::parse)
            .transpose()?,
    })
}

/// The unit's own fields (no store look-ups), placed where `who` may put it.
fn unit_fields(who: &Principal, input: UnitInput) -> ServiceResult<NewUnit> {
    let name = text_field(&input.name, "单位名称", 200, true)?;
    if input.responsible_persons.as_ref().is_some_and(|p| p.len() > 10) {
        return Err(ServiceError::invalid("责任人不超过10名"));
    }
    let uscc = Uscc::parse(&input.uscc)?;
    let division_code = DivisionCode::parse(&input.division_code)?;
    if input.is_key_unit {
        match input.key_unit_category {
            Some(c) if key_unit_category_label(c).is_some() => {}
            _ => {
                return Err(ServiceError::invalid(
                    "治安保卫重点单位须选择《条例》第十三条规定的类别（1–11）",
                ))
            }
        }
    } else if input.key_unit_category.is_some() {
        return Err(ServiceError::invalid("非重点单位不应填写重点单位类别"));
    }
    if let Some(s) = &input.armed_schedule {
        neibao_domain::warning::schedule::validate(s).map_err(ServiceError::invalid)?;
    }
    let persons = input
        .responsible_persons
        .iter()
        .flatten()
        .map(person)
        .collect::<ServiceResult<Vec<_>>>()?;
    let mut unit = NewUnit {
        name,
        kind: input.kind,
        is_university: input.is_university,
        is_private_enterprise: input.is_private_enterprise,
        uscc,
        address: text_field(&input.address, "地址", 200, false)?,
        division_code,
        police_station_id: input.police_station_id.filter(|s| !s.is_empty()),
        competent_department_id: input.competent_department_id.filter(|s| !s.is_empty()),
        is_key_unit: input.is_key_unit,
        key_unit_category: input.key_unit_category,
        is_counter_terror_target: input.is_counter_terror_target,
        armed_schedule: input.armed_schedule,
        responsible_persons: persons,
    };
    // Where may the caller put it? Inside their own jurisdiction only.
    match &who.scope {
        Scope::All => {}
        Scope::Division { prefix } if unit.division_code.as_str().starts_with(prefix.as_str()) => {}
        Scope::Station { org_id } => unit.police_station_id = Some(org_id.clone()),
        _ => return Err(outside()),
    }
    Ok(unit)
}

/// A unit's setting of the built-in rule `rule`: the rule must exist, its parameters be an
/// object (absent: the defaults) with a known severity and thresholds and windows of 1 s to a
/// day. An unknown rule in the path is `not_found`.
pub(super) fn rule_setting(rule: &str, input: RuleInput) -> ServiceResult<RuleSetting> {
    let Some(def) = builtin_rules().into_iter().find(|d| d.code == rule) else {
        return Err(ServiceError::refused(ErrorCode::NotFound, "没有这条预警规则"));
    };
    let mut params = if input.params.is_null() {
        def.default_params.clone()
    } else {
        input.params
    };
    if !params.is_object() {
        return Err(ServiceError::invalid("规则参数应为 JSON 对象"));
    }
    if let Some(sev) = params.get("severity") {
        if sev.as_str().and_then(Severity::from_code).is_none() {
            return Err(ServiceError::invalid("severity 应为 low、medium、high 或 critical"));
        }
    }
    for key in ["threshold", "window_seconds"] {
        if let Some(v) = params.get_mut(key) {
            // JSON Schema's integers include `120.0`: stored as the integer it is.
            let n = v.as_i64().or_else(|| {
                v.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                    .map(|f| f as i64)
            });
            match n {
                Some(n) if (1..=86_400).contains(&n) => *v = n.into(),
                _ => return Err(ServiceError::invalid(format!("{key} 应为 1 至 86400 之间的整数"))),
            }
        }
    }
    Ok(RuleSetting {
        rule: rule.to_string(),
        enabled: input.enabled,
        params,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_parameters_are_checked_and_integral_numbers_stored_as_integers() {
        let input = |params: serde_json::Value| RuleInput { enabled: true, params };
        let s = rule_setting(
            "access_failed_verification",
            input(serde_json::json!({"window_seconds": 222.0})),
        )
        .unwrap();
        assert_eq!(s.params["window_seconds"], serde_json::json!(222));
        assert!(s.params["window_seconds"].is_i64());
        for bad in [
            serde_json::json!({"threshold": 0}),
            serde_json::json!({"threshold": 1.5}),
            serde_json::json!({"window_seconds": 86_401}),
            serde_json::json!({"severity": "urgent"}),
            serde_json::json!([1]),
        ] {
            assert!(
                rule_setting("access_failed_verification", input(bad.clone())).is_err(),
                "{bad}"
            );
        }
        assert!(rule_setting("no_such_rule", input(serde_json::Value::Null)).is_err());
        let defaults = rule_setting("video_tamper", input(serde_json::Value::Null)).unwrap();
        assert!(defaults.params.is_object());
    }
}

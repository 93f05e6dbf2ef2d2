//! One spreadsheet row to a unit registration: each cell parsed and checked where it stands
//! (so a refusal names its column), the police station and competent department found by name
//! or id among those the caller may use, then the registry's own check of the whole unit
//! (`RegistryService::check_unit`, the rules of `POST /api/v1/units`).

use neibao_domain::access::{Principal, Scope};
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::imports::{c, parse_yes_no, RowError, UNIT_COLUMNS};
use neibao_domain::registry::{key_unit_category_label, NewUnit, Organisation, PersonRole, Unit, UnitKind};
use neibao_domain::validate::{DivisionCode, PhoneNumber, Uscc};
use neibao_store::Store;

use crate::error::{ServiceError, ServiceResult};
use crate::registry::{text_field, PersonInput, UnitInput};

/// A refusal of one cell (or of the row, `col` = `None`).
pub(super) fn row_error(row: u32, col: Option<usize>, code: &str, message: impl Into<String>) -> RowError {
    RowError {
        row,
        column: col.map(|i| UNIT_COLUMNS[i].header.to_string()).unwrap_or_default(),
        code: code.to_string(),
        message: message.into(),
    }
}

/// The police stations and competent departments a row may name.
pub(super) struct Lookups {
    /// Police stations inside the caller's jurisdiction.
    stations: Vec<Organisation>,
    /// Every competent department (one of a city covers the units of its counties); the
    /// registry's check refuses one that does not cover the unit.
    departments: Vec<Organisation>,
}

impl Lookups {
    pub(super) async fn load(store: &dyn Store, who: &Principal) -> ServiceResult<Lookups> {
        let stations = match &who.scope {
            Scope::All => store.list_organisations(Some("police_station"), None).await?,
            Scope::Division { prefix } => store.list_organisations(Some("police_station"), Some(prefix)).await?,
            Scope::Station { org_id } => vec![store.get_organisation(org_id).await?],
            _ => Vec::new(),
        };
        let departments = store.list_organisations(Some("department"), None).await?;
        Ok(Lookups { stations, departments })
    }

    fn find(list: &[Organisation], cell: &str) -> Result<Option<String>, &'static str> {
        if cell.is_empty() {
            return Ok(None);
        }
        if let Some(o) = list.iter().find(|o| o.id == cell) {
            return Ok(Some(o.id.clone()));
        }
        let mut named = list.iter().filter(|o| o.name == cell);
        match (named.next(), named.next()) {
            (Some(o), None) => Ok(Some(o.id.clone())),
            (Some(_), Some(_)) => Err("ambiguous"),
            _ => Err("not_found"),
        }
    }
}

fn cell(cells: &[String], i: usize) -> &str {
    cells.get(i).map(|s| s.trim()).unwrap_or("")
}

fn msg(e: &DomainError) -> String {
    e.message.clone()
}

/// Parses a row's cells into a registration; every bad cell is listed.
pub(super) fn parse_row(row: u32, cells: &[String], lk: &Lookups) -> Result<UnitInput, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut bad = |col: usize, code: &str, m: String| errors.push(row_error(row, Some(col), code, m));
    let name = cell(cells, c::NAME);
    if let Err(e) = text_field(name, "单位名称", 200, true) {
        bad(
            c::NAME,
            if name.is_empty() { "required" } else { "invalid_text" },
            e.to_string(),
        );
    }
    let uscc = cell(cells, c::USCC);
    if uscc.is_empty() {
        bad(c::USCC, "required", "统一社会信用代码必填".into());
    } else if let Err(e) = Uscc::parse(uscc) {
        bad(c::USCC, "invalid_uscc", msg(&e));
    }
    let kind_cell = cell(cells, c::KIND);
    let kind = UnitKind::ALL
        .into_iter()
        .find(|k| k.label_zh() == kind_cell || k.code() == kind_cell);
    if kind.is_none() {
        let m = if kind_cell.is_empty() {
            "单位类别必填".to_string()
        } else {
            format!("单位类别「{kind_cell}」无效，应为机关、团体、企业或事业单位")
        };
        bad(
            c::KIND,
            if kind_cell.is_empty() {
                "required"
            } else {
                "invalid_kind"
            },
            m,
        );
    }
    let division = cell(cells, c::DIVISION);
    if division.is_empty() {
        bad(c::DIVISION, "required", "行政区划代码必填".into());
    } else if let Err(e) = DivisionCode::parse(division) {
        bad(c::DIVISION, "invalid_division_code", msg(&e));
    }
    let address = cell(cells, c::ADDRESS);
    if let Err(e) = text_field(address, "地址", 200, false) {
        bad(c::ADDRESS, "invalid_text", e.to_string());
    }
    let station = match Lookups::find(&lk.stations, cell(cells, c::STATION)) {
        Ok(s) => s,
        Err(why) => {
            let m = if why == "ambiguous" {
                format!(
                    "辖区内有多个名为「{}」的派出所，请填写派出所编号",
                    cell(cells, c::STATION)
                )
            } else {
                format!("您的辖区内没有派出所「{}」", cell(cells, c::STATION))
            };
            bad(
                c::STATION,
                if why == "ambiguous" {
                    "station_ambiguous"
                } else {
                    "station_not_found"
                },
                m,
            );
            None
        }
    };
    let department = match Lookups::find(&lk.departments, cell(cells, c::DEPARTMENT)) {
        Ok(d) => d,
        Err(why) => {
            let m = if why == "ambiguous" {
                format!(
                    "有多个名为「{}」的行业主管部门，请填写部门编号",
                    cell(cells, c::DEPARTMENT)
                )
            } else {
                format!("没有行业主管部门「{}」", cell(cells, c::DEPARTMENT))
            };
            bad(
                c::DEPARTMENT,
                if why == "ambiguous" {
                    "department_ambiguous"
                } else {
                    "department_not_found"
                },
                m,
            );
            None
        }
    };
    let mut flag = |col: usize| match parse_yes_no(cell(cells, col)) {
        Some(b) => b,
        None => {
            bad(
                col,
                "invalid_yes_no",
                format!("「{}」应填写“是”或“否”", UNIT_COLUMNS[col].header),
            );
            false
        }
    };
    let is_key_unit = flag(c::KEY_UNIT);
    let is_counter_terror_target = flag(c::COUNTER_TERROR);
    let is_university = flag(c::UNIVERSITY);
    let is_private_enterprise = flag(c::PRIVATE);
    let category_cell = cell(cells, c::KEY_CATEGORY);
    let key_unit_category = if category_cell.is_empty() {
        None
    } else {
        match category_cell.parse::<u8>() {
            Ok(n) if key_unit_category_label(n).is_some() => Some(n),
            _ => {
                bad(
                    c::KEY_CATEGORY,
                    "invalid_key_unit_category",
                    format!("重点单位类别「{category_cell}」无效，应为1至11之间的序号"),
                );
                None
            }
        }
    };
    if is_key_unit && key_unit_category.is_none() && category_cell.is_empty() {
        bad(
            c::KEY_CATEGORY,
            "required",
            "重点单位须填写《条例》第十三条规定的类别（1至11）".into(),
        );
    }
    if !is_key_unit && key_unit_category.is_some() {
        bad(
            c::KEY_CATEGORY,
            "invalid_key_unit_category",
            "非重点单位不应填写重点单位类别".into(),
        );
    }
    let mut persons = Vec::new();
    for (role, name_col, phone_col) in [
        (PersonRole::Principal, c::PRINCIPAL_NAME, c::PRINCIPAL_PHONE),
        (PersonRole::SecurityHead, c::SECURITY_NAME, c::SECURITY_PHONE),
    ] {
        let pname = cell(cells, name_col);
        let phone = cell(cells, phone_col);
        if pname.is_empty() {
            if !phone.is_empty() {
                bad(
                    name_col,
                    "required",
                    format!("填写了{}电话，须同时填写姓名", role.label_zh()),
                );
            }
            continue;
        }
        if let Err(e) = text_field(pname, "负责人姓名", 50, true) {
            bad(name_col, "invalid_text", e.to_string());
        }
        if !phone.is_empty() {
            if let Err(e) = PhoneNumber::parse(phone) {
                bad(phone_col, "invalid_phone", msg(&e));
            }
        }
        persons.push(PersonInput {
            role,
            name: pname.to_string(),
            citizen_id: None,
            phone: (!phone.is_empty()).then(|| phone.to_string()),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(UnitInput {
        name: name.to_string(),
        kind: kind.unwrap_or(UnitKind::Enterprise),
        is_university,
        is_private_enterprise,
        uscc: uscc.to_string(),
        address: address.to_string(),
        division_code: division.to_string(),
        police_station_id: station,
        competent_department_id: department,
        is_key_unit,
        key_unit_category,
        is_counter_terror_target,
        armed_schedule: None,
        responsible_persons: Some(persons),
    })
}

/// The registry's refusal of a row, placed in the column it is about.
pub(super) fn registry_refusal(row: u32, e: &ServiceError) -> Option<RowError> {
    let ServiceError::Refused(d) = e else { return None };
    let col = match d.code {
        ErrorCode::InvalidUscc => Some(c::USCC),
        ErrorCode::InvalidDivisionCode | ErrorCode::Forbidden => Some(c::DIVISION),
        ErrorCode::InvalidPhone => Some(c::PRINCIPAL_PHONE),
        _ if d.message.contains("派出所") => Some(c::STATION),
        _ if d.message.contains("主管部门") => Some(c::DEPARTMENT),
        _ if d.message.contains("重点单位") => Some(c::KEY_CATEGORY),
        _ => None,
    };
    let code = match d.code {
        ErrorCode::Forbidden => "outside_jurisdiction",
        other => other.as_str(),
    };
    Some(row_error(row, col, code, d.message.clone()))
}

/// Whether a registered unit already says what the row says (then the row changes nothing).
pub(super) fn same_unit(old: &Unit, new: &NewUnit) -> bool {
    // Empty person columns say nothing about the persons (an export leaves them empty); the
    // template has columns for the principal and the security head only.
    let mut old_persons: Vec<(&str, &str)> = old
        .responsible_persons
        .iter()
        .filter(|p| p.role != PersonRole::Deputy)
        .map(|p| (p.role.code(), p.name.as_str()))
        .collect();
    let mut new_persons: Vec<(&str, &str)> = new
        .responsible_persons
        .iter()
        .map(|p| (p.role.code(), p.name.as_str()))
        .collect();
    old_persons.sort_unstable();
    new_persons.sort_unstable();
    old.name == new.name
        && old.kind == new.kind
        && old.is_university == new.is_university
        && old.is_private_enterprise == new.is_private_enterprise
        && old.address == new.address
        && old.division_code == new.division_code.as_str()
        && old.police_station_id == new.police_station_id
        && old.competent_department_id == new.competent_department_id
        && old.is_key_unit == new.is_key_unit
        && old.key_unit_category == new.key_unit_category
        && old.is_counter_terror_target == new.is_counter_terror_target
        && (new_persons.is_empty() || old_persons == new_persons)
}

/// A registered unit as a row of the template (the units export): the person columns are left
/// empty (the list does not carry them, and an export should not spread personal data).
pub(super) fn unit_cells(u: &Unit) -> Vec<String> {
    let yes_no = |b: bool| if b { "是" } else { "否" }.to_string();
    let mut r = vec![String::new(); UNIT_COLUMNS.len()];
    r[c::NAME] = u.name.clone();
    r[c::USCC] = u.uscc.clone();
    r[c::KIND] = u.kind.label_zh().to_string();
    r[c::DIVISION] = u.division_code.clone();
    r[c::ADDRESS] = u.address.clone();
    r[c::STATION] = u.police_station_name.clone().unwrap_or_default();
    r[c::DEPARTMENT] = u.competent_department_name.clone().unwrap_or_default();
    r[c::KEY_UNIT] = yes_no(u.is_key_unit);
    r[c::KEY_CATEGORY] = u.key_unit_category.map(|n| n.to_string()).unwrap_or_default();
    r[c::COUNTER_TERROR] = yes_no(u.is_counter_terror_target);
    r[c::UNIVERSITY] = yes_no(u.is_university);
    r[c::PRIVATE] = yes_no(u.is_private_enterprise);
    r
}

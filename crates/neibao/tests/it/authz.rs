//! The authorization matrix: every API route × every role, against an object in the role's
//! jurisdiction and one outside it. The route list comes from the OpenAPI document, and every
//! `/api/` route registered in `crates/web/src/api/` must be in it, so a new route without
//! an entry here fails the test.

use std::collections::{BTreeSet, HashMap};

use serde_json::{json, Value};

use crate::common::*;

/// Who may use a route (the object must also be in the caller's jurisdiction).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Access {
    /// No authentication at all.
    Public,
    /// Every signed-in role.
    Any,
    /// Administrators and police.
    Police,
    /// Administrators, police and the unit's security manager.
    PoliceOrManager,
    /// Administrators only.
    Admin,
    /// The unit's own accounts (manager, guard): the addressee of the unit's documents.
    UnitAccounts,
    /// May create devices and key areas: administrators, police, unit managers.
    Devices,
    /// May set rules and schedules: as `Devices` (guards excluded).
    Rules,
    /// May acknowledge and resolve alerts: everyone but competent departments.
    Alerts,
    /// Only from a signed-in browser session: every bearer token is refused.
    SessionOnly,
    /// Police officers (not administrators): the ladder's enforcing side, police inspections.
    Officers,
    /// Bureaus (province, city and county police) and competent departments: campaigns (not
    /// police stations).
    Supervisors,
    /// Police, competent departments and unit managers: inspections (each their own kind), hazards.
    Inspectors,
    /// Administrators and provincial police: checklist versions.
    Checklists,
    /// County-level and higher police: their bureau's supervision settings.
    Bureau,
    /// Administrators and provincial, city and county police: early-warning rules.
    RuleWriters,
    /// Administrators, police and competent departments: the supervision settings page.
    SettingsReaders,
    /// Everyone but guards: creating their own API tokens.
    NotGuards,
    /// Administrators (every channel), competent departments and unit managers (their own).
    Channels,
    /// Administrators and county-level and higher police: moving a unit to another police
    /// station or competent department (a station hands a unit over through its county bureau).
    UnitMovers,
    /// The unit's security manager only: publishing the unit's own security rules
    /// (docs/RULEBOOK.md).
    Rulebook,
    /// Administrators and the unit's manager: the unit's video-system record and signage
    /// (docs/VIDEO.md).
    VideoManagers,
    /// Everyone but guards: reading a unit's security body, roster, guards and training
    /// (docs/SECURITY-STAFF.md; the roster holds colleagues' personal information).
    SecurityStaffRead,
    /// The unit's security manager only: writing the unit's security staff records.
    SecurityStaffWrite,
    /// The unit's security manager only: opening, filling in and submitting filings
    /// (docs/FILINGS.md).
    FilingUnit,
    /// Administrators, provincial and city police: the equipment minimum sets
    /// (docs/EQUIPMENT.md).
    EquipmentStandards,
    /// The unit's security manager only: acknowledging protection-level orders and recording
    /// the measures (docs/PROTECTION-LEVELS.md).
    ProtectionLevelUnit,
    /// The unit's security manager only: acknowledging bulletins and reporting risks upward
    /// (docs/BULLETINS.md).
    BulletinUnit,
    /// Everyone but competent departments: reading reports to the police (docs/REPORTS.md).
    Reports,
    /// The unit's security manager only: filing and rating private-enterprise requests
    /// (docs/ENTERPRISE-REQUESTS.md).
    EnterpriseUnit,
    /// Police officers and the unit's security manager: replies to a private-enterprise request
    /// (each their side).
    EnterpriseReply,
    /// Only someone none of the matrix's roles is on the matrix's object, so every role is
    /// refused (403) in its jurisdiction and gets 404 outside it. The competent department that
    /// received a 问题抄告函 recording its action (the matrix's document is a rectification
    /// order; the department's own path is in tests/it/delivery.rs), and the issuer of a
    /// bulletin adding files (the matrix bulletin was issued by none of the roles; the issuer's
    /// path is in tests/it/bulletins.rs).
    Nobody,
    /// The unit's security manager only: objecting to a credit entry and its evidence
    /// (docs/CREDIT.md).
    CreditUnit,
    /// Everyone but competent departments: the credit objections (docs/CREDIT.md).
    CreditObjections,
    /// The unit's security manager and county-level and higher police: a unit's 平安单位
    /// standing (docs/HONOURS.md).
    Honours,
    /// Police officers (their assessments), the unit's security manager (its
    /// self-assessment) and third-party assessors (the units assigned to them): starting a
    /// safety assessment (docs/ASSESSMENT.md).
    Assessors,
    /// Police officers and the unit's security manager, each on their own organ's or unit's
    /// lists (visibility by owner): watchlists and their hits (docs/WATCHLISTS.md).
    Watchers,
    /// County-level and higher police and the unit's security manager: approving and deleting
    /// PIAs (docs/WATCHLISTS.md).
    PiaApprovers,
    /// Police officers and the unit's security manager: a university's organisation and duty
    /// roster (docs/UNIVERSITIES.md).
    UniversityWriters,
    /// Provincial and city police: the semester calendar and its scheduling
    /// (docs/UNIVERSITIES.md).
    Semesters,
    /// The unit's security manager only: changing the unit's own personal-information
    /// compliance records (docs/COMPLIANCE.md; police read them, administrators keep the
    /// installation's).
    ComplianceUnit,
    /// Police officers and third-party assessors: filling in and submitting a sheet (the
    /// matrix sheet of the demo unit is a third-party draft its assessor fills in; the police
    /// are answered 409 until it is submitted).
    SheetWriters,
    /// The organisation that launched the matrix campaign (the demo unit's county bureau):
    /// assigning units to its third-party assessment organisation.
    CampaignLauncher,
    /// Everyone but guards: a unit's volunteer teams and education activities (docs/WELLBEING.md).
    WellbeingRead,
    /// The unit's security manager (and counsellors, not in the matrix): recording teams,
    /// activities and education; designating case reporters.
    WellbeingUnit,
    /// Police officers: counts of crisis cases (no content).
    CrisisCounts,
    /// Police officers and the unit's security manager: the minimal escalation notices.
    CrisisEscalations,
    /// The unit's accounts (manager, guard): their own crisis cases (an empty list here).
    CrisisMine,
    /// A crisis case only its named counsellors and its reporter read (none of the matrix's
    /// roles): refused with 403 (no permission) or 404 (not named on it), never answered.
    CaseNamed,
}

pub(crate) const ROLES: [(&str, &str); 9] = [
    ("admin", "admin"),
    ("demo_province", "police_province"),
    ("demo_city", "police_city"),
    ("demo_county", "police_county"),
    ("demo_station", "police_station"),
    ("demo_department", "department"),
    ("demo_unit", "unit_manager"),
    ("demo_guard", "guard"),
    ("demo_assessor", "assessor"),
];

/// Whether a route belongs to the assessment capability, the only one a third-party assessor
/// (role `assessor`) reaches; on every other route it reads nothing (an empty list, a page
/// without the unit, 403 or 404), whatever the route's access (docs/ASSESSMENT.md).
pub(crate) fn assessor_route(path: &str) -> bool {
    let p = path.trim_start_matches("/api/v1");
    (p.starts_with("/assessments") || p.starts_with("/assessment-campaigns")) && !p.starts_with("/assessment-results")
}

/// What a third-party assessor may get on a route outside the assessment capability: refused,
/// or an answer that says nothing about the unit (`unit_id`) it was assigned.
pub(crate) fn blind(status: u16, body: &str, unit_id: &str) -> bool {
    matches!(status, 403 | 404) || (status < 500 && !body.contains("unauthenticated") && !body.contains(unit_id))
}

pub(crate) fn allowed(access: Access, role: &str) -> bool {
    if role == "assessor" {
        // The credit objections list refuses departments only by role; to an assessor it is
        // an empty list (checked by `blind`).
        return matches!(
            access,
            Access::Public | Access::Any | Access::Assessors | Access::SheetWriters | Access::CreditObjections
        );
    }
    let police = role == "admin" || role.starts_with("police_");
    match access {
        Access::Public | Access::Any => true,
        Access::Police => police,
        Access::PoliceOrManager | Access::Devices | Access::Rules => police || role == "unit_manager",
        Access::Admin => role == "admin",
        Access::UnitAccounts => matches!(role, "unit_manager" | "guard"),
        Access::Alerts => role != "department",
        Access::SessionOnly => false,
        Access::Officers => role.starts_with("police_"),
        Access::Supervisors => {
            matches!(role, "police_province" | "police_city" | "police_county" | "department")
        }
        Access::Inspectors => role.starts_with("police_") || role == "department" || role == "unit_manager",
        Access::Checklists => matches!(role, "admin" | "police_province"),
        Access::Bureau => matches!(role, "police_province" | "police_city" | "police_county"),
        Access::RuleWriters => matches!(role, "admin" | "police_province" | "police_city" | "police_county"),
        Access::SettingsReaders => police || role == "department",
        Access::NotGuards => role != "guard",
        Access::Channels => matches!(role, "admin" | "department" | "unit_manager"),
        Access::UnitMovers => matches!(role, "admin" | "police_province" | "police_city" | "police_county"),
        Access::Rulebook => role == "unit_manager",
        Access::VideoManagers => matches!(role, "admin" | "unit_manager"),
        Access::SecurityStaffRead => role != "guard",
        Access::SecurityStaffWrite => role == "unit_manager",
        Access::FilingUnit => role == "unit_manager",
        Access::EquipmentStandards => matches!(role, "admin" | "police_province" | "police_city"),
        Access::ProtectionLevelUnit => role == "unit_manager",
        Access::BulletinUnit => role == "unit_manager",
        Access::Reports => role != "department",
        Access::EnterpriseUnit => role == "unit_manager",
        Access::EnterpriseReply => role.starts_with("police_") || role == "unit_manager",
        Access::Nobody => false,
        Access::CreditUnit => role == "unit_manager",
        Access::CreditObjections => role != "department",
        Access::Honours => matches!(
            role,
            "unit_manager" | "police_province" | "police_city" | "police_county"
        ),
        Access::Assessors => role.starts_with("police_") || role == "unit_manager",
        Access::Watchers => role.starts_with("police_") || role == "unit_manager",
        Access::PiaApprovers => matches!(
            role,
            "unit_manager" | "police_province" | "police_city" | "police_county"
        ),
        Access::UniversityWriters => role.starts_with("police_") || role == "unit_manager",
        Access::Semesters => matches!(role, "police_province" | "police_city"),
        Access::ComplianceUnit => role == "unit_manager",
        Access::SheetWriters => role.starts_with("police_"),
        Access::CampaignLauncher => role == "police_county",
        Access::WellbeingRead => role != "guard",
        Access::WellbeingUnit => role == "unit_manager",
        Access::CrisisCounts => role.starts_with("police_"),
        Access::CrisisEscalations => role.starts_with("police_") || role == "unit_manager",
        Access::CrisisMine => matches!(role, "unit_manager" | "guard"),
        Access::CaseNamed => false,
    }
}

/// Route table: method, OpenAPI path, access, JSON body with placeholders.
fn table() -> Vec<(&'static str, &'static str, Access, Option<&'static str>)> {
    use Access::*;
    vec![
        ("get", "/api/v1/openapi.json", Public, None),
        ("post", "/api/v1/session", Public, None),
        ("delete", "/api/v1/session", Any, None),
        ("get", "/api/v1/me", Any, None),
        ("get", "/api/v1/dashboard", Any, None),
        ("get", "/api/v1/dashboard/charts", Any, None),
        ("get", "/api/v1/divisions", Any, None),
        ("get", "/api/v1/divisions/versions", Any, None),
        (
            "post",
            "/api/v1/divisions/versions",
            Admin,
            Some(r#"{"csv":"code,name,level,parent_code\n","version":"矩阵","valid_from":"2030-01-01"}"#),
        ),
        ("get", "/api/v1/divisions/{code}", Any, None),
        ("get", "/api/v1/setup", Any, None),
        // A demo installation needs no setup: the administrator is answered 409.
        (
            "post",
            "/api/v1/setup",
            Admin,
            Some(
                r#"{"division_code":"330100","org_name":"矩阵局","username":"matrix_setup","display_name":"矩阵","password":"Matrix-Setup-2026"}"#,
            ),
        ),
        ("get", "/api/v1/organisations", Any, None),
        ("get", "/api/v1/rules", Any, None),
        ("get", "/api/v1/units", Any, None),
        (
            "post",
            "/api/v1/units",
            Police,
            Some(
                r#"{"name":"授权矩阵单位{n}","kind":"enterprise","uscc":"{uscc}","division_code":"{division}","police_station_id":{station}}"#,
            ),
        ),
        ("get", "/api/v1/units/{id}", Any, None),
        ("get", "/api/v1/imports/units/template", Police, None),
        ("post", "/api/v1/imports/units", Police, Some("{}")),
        ("get", "/api/v1/imports/key_areas/template", Police, None),
        ("post", "/api/v1/imports/key_areas", Police, Some("{}")),
        ("get", "/api/v1/imports/persons/template", Police, None),
        ("post", "/api/v1/imports/persons", Police, Some("{}")),
        ("get", "/api/v1/imports/accounts/template", Admin, None),
        ("post", "/api/v1/imports/accounts", Admin, Some("{}")),
        ("get", "/api/v1/imports/devices/template", Police, None),
        ("post", "/api/v1/imports/devices", Police, Some("{}")),
        ("get", "/api/v1/imports/{id}", Police, None),
        ("get", "/api/v1/exports/units", Police, None),
        ("get", "/api/v1/exports/devices", Any, None),
        ("get", "/api/v1/exports/alerts", Any, None),
        ("get", "/api/v1/exports/hazards", Any, None),
        ("get", "/api/v1/exports/inspections", Any, None),
        ("get", "/api/v1/units/{id}/key_areas", Any, None),
        (
            "post",
            "/api/v1/units/{id}/key_areas",
            Devices,
            Some(r#"{"name":"矩阵机房"}"#),
        ),
        // Responsible persons (docs/REGISTRY.md): who may manage key areas manages them; version
        // 0 is never current, so an allowed editor is answered 409 and nothing changes.
        ("get", "/api/v1/units/{id}/persons", Any, None),
        (
            "post",
            "/api/v1/units/{id}/persons",
            Devices,
            Some(r#"{"role":"security_head","name":"矩阵责任人"}"#),
        ),
        ("get", "/api/v1/units/{id}/persons/{person_id}", Any, None),
        (
            "patch",
            "/api/v1/units/{id}/persons/{person_id}",
            Devices,
            Some(r#"{"version":0,"role":"principal","name":"矩阵负责人"}"#),
        ),
        ("delete", "/api/v1/units/{id}/persons/{person_id}", Devices, None),
        ("get", "/api/v1/units/{id}/rules", Any, None),
        (
            "put",
            "/api/v1/units/{id}/rules/{rule}",
            Rules,
            Some(r#"{"enabled":true}"#),
        ),
        (
            "put",
            "/api/v1/units/{id}/armed_schedule",
            Rules,
            Some(r#"{"periods":[]}"#),
        ),
        ("get", "/api/v1/devices", Any, None),
        (
            "post",
            "/api/v1/devices",
            Devices,
            Some(r#"{"unit_id":"{unit}","format":"hikvision","name":"矩阵摄像机"}"#),
        ),
        ("get", "/api/v1/devices/{id}", Any, None),
        // The lifecycle (docs/REGISTRY.md): version 0 is never current, so an allowed caller is
        // answered 409 version_conflict and nothing changes; the others 403 or 404.
        (
            "patch",
            "/api/v1/devices/{id}",
            Devices,
            Some(r#"{"version":0,"name":"矩阵摄像机"}"#),
        ),
        (
            "post",
            "/api/v1/devices/{id}/deactivate",
            Devices,
            Some(r#"{"version":0}"#),
        ),
        (
            "post",
            "/api/v1/devices/{id}/reactivate",
            Devices,
            Some(r#"{"version":0}"#),
        ),
        ("post", "/api/v1/devices/{id}/close", Devices, Some(r#"{"version":0}"#)),
        // 重新生成接入令牌: an allowed caller rotates the matrix device's token (200).
        ("post", "/api/v1/devices/{id}/token", Devices, None),
        ("get", "/api/v1/key_areas/{id}", Any, None),
        (
            "patch",
            "/api/v1/key_areas/{id}",
            Devices,
            Some(r#"{"version":0,"name":"矩阵机房"}"#),
        ),
        (
            "post",
            "/api/v1/key_areas/{id}/deactivate",
            Devices,
            Some(r#"{"version":0}"#),
        ),
        (
            "post",
            "/api/v1/key_areas/{id}/reactivate",
            Devices,
            Some(r#"{"version":0}"#),
        ),
        (
            "post",
            "/api/v1/key_areas/{id}/close",
            Devices,
            Some(r#"{"version":0}"#),
        ),
        ("get", "/api/v1/units/{id}/history", Any, None),
        ("get", "/api/v1/units/{id}/records", Any, None),
        // Video systems (docs/VIDEO.md): the version 0 of the system record is stale after the
        // first write (409); the check and the retrieval are refused by their input (400) once
        // the caller and the unit pass; the photo is no multipart body (400).
        ("get", "/api/v1/units/{id}/video-system", Any, None),
        (
            "put",
            "/api/v1/units/{id}/video-system",
            VideoManagers,
            Some(r#"{"version":0,"storage_days":30}"#),
        ),
        ("get", "/api/v1/units/{id}/video/summary", Any, None),
        ("get", "/api/v1/units/{id}/video/cameras", Any, None),
        (
            "put",
            "/api/v1/devices/{id}/placement",
            Devices,
            Some(r#"{"version":0,"location_type":"entrance"}"#),
        ),
        ("get", "/api/v1/units/{id}/video/signage-groups", Any, None),
        (
            "post",
            "/api/v1/units/{id}/video/signage-groups",
            VideoManagers,
            Some(r#"{"name":"矩阵分组{n}"}"#),
        ),
        (
            "post",
            "/api/v1/units/{id}/video/signage-groups/{group}/checks",
            VideoManagers,
            Some(r#"{"checked_on":"2026-01-01","checked_by":""}"#),
        ),
        (
            "post",
            "/api/v1/units/{id}/video/signage-checks/{check}/photo",
            VideoManagers,
            Some("{}"),
        ),
        ("get", "/api/v1/units/{id}/video/retrievals", PoliceOrManager, None),
        (
            "post",
            "/api/v1/units/{id}/video/retrievals",
            UnitAccounts,
            Some(
                r#"{"action":"view","reason":"","camera_ids":[],"footage_from":"2026-01-01T00:00:00Z","footage_to":"2026-01-01T01:00:00Z","requester_unit":"矩阵","requester_name":"矩阵","approver":"矩阵"}"#,
            ),
        ),
        // Filings and designations (docs/FILINGS.md): the matrix filing is a draft security-body
        // filing (county police receive it), the designation a proposed counter-terror target;
        // version 0 is stale, so the allowed steps are answered 409 and nothing changes.
        ("get", "/api/v1/filing-kinds", Any, None),
        ("get", "/api/v1/filings", Any, None),
        ("get", "/api/v1/filings/overdue", Any, None),
        ("get", "/api/v1/filings/{id}", Any, None),
        (
            "put",
            "/api/v1/filings/{id}",
            FilingUnit,
            Some(r#"{"version":0,"content":{}}"#),
        ),
        (
            "post",
            "/api/v1/filings/{id}/submit",
            FilingUnit,
            Some(r#"{"version":0}"#),
        ),
        (
            "post",
            "/api/v1/filings/{id}/acknowledge",
            Bureau,
            Some(r#"{"version":0}"#),
        ),
        (
            "post",
            "/api/v1/filings/{id}/return",
            Bureau,
            Some(r#"{"version":0,"note":"矩阵退回"}"#),
        ),
        ("post", "/api/v1/filings/{id}/archive", Bureau, Some(r#"{"version":0}"#)),
        ("get", "/api/v1/units/{id}/filings", Any, None),
        (
            "post",
            "/api/v1/units/{id}/filings",
            FilingUnit,
            Some(r#"{"kind":"security_body","trigger_date":"2026-01-01","source_ref":"matrix-{n}"}"#),
        ),
        ("get", "/api/v1/units/{id}/filings/summary", Any, None),
        ("get", "/api/v1/designations", Any, None),
        ("get", "/api/v1/designations/{id}", Any, None),
        (
            "post",
            "/api/v1/units/{id}/designations",
            Bureau,
            Some(r#"{"kind":"counter_terror","reason":"矩阵提议"}"#),
        ),
        (
            "post",
            "/api/v1/designations/{id}/decide",
            Bureau,
            Some(r#"{"version":0,"authority":"矩阵政府","document_number":"矩阵1号","decided_on":"2026-01-01"}"#),
        ),
        (
            "post",
            "/api/v1/designations/{id}/reject",
            Bureau,
            Some(r#"{"version":0,"reason":"矩阵"}"#),
        ),
        (
            "post",
            "/api/v1/designations/{id}/revoke",
            Bureau,
            Some(r#"{"version":0,"document_number":"矩阵2号","decided_on":"2026-01-01","note":"矩阵"}"#),
        ),
        // The unit's rules (docs/RULEBOOK.md): subject 8 is the one a unit may mark 不适用; the
        // acknowledgement names no current version, so the unit's accounts are answered 409.
        ("get", "/api/v1/rulebook", Any, None),
        ("get", "/api/v1/units/{id}/rulebook", Any, None),
        ("get", "/api/v1/units/{id}/rulebook/{subject}/versions", Any, None),
        (
            "post",
            "/api/v1/units/{id}/rulebook/{subject}/versions",
            Rulebook,
            Some(
                r#"{"title":"矩阵制度{n}","body":"矩阵制度正文","approved_on":"2026-01-01","published_on":"2026-01-02"}"#,
            ),
        ),
        (
            "put",
            "/api/v1/units/{id}/rulebook/{subject}/applicability",
            Rulebook,
            Some(r#"{"not_applicable":true,"reason":"矩阵单位不存放危险物品"}"#),
        ),
        (
            "get",
            "/api/v1/units/{id}/rulebook/{subject}/acknowledgements",
            Any,
            None,
        ),
        // Subject 8 has no version: the manager is answered 409 before the (empty) upload is read.
        (
            "post",
            "/api/v1/units/{id}/rulebook/{subject}/pdf",
            Rulebook,
            Some("{}"),
        ),
        (
            "post",
            "/api/v1/units/{id}/rulebook/{subject}/acknowledgements",
            UnitAccounts,
            Some(r#"{"version_id":"matrix-no-version"}"#),
        ),
        // Patrols (docs/PATROL.md): the route and the round in progress are made by `objects`
        // (`matrix-route-<unit>`, `matrix-round-<unit>`); version 0 is never current (409), the
        // tag is not the route's (400).
        ("get", "/api/v1/units/{id}/patrol/routes", Any, None),
        (
            "post",
            "/api/v1/units/{id}/patrol/routes",
            Rulebook,
            Some(r#"{"name":"矩阵新路线{n}","max_minutes":60,"checkpoints":[{"name":"矩阵点","tag":"MX-{n}"}]}"#),
        ),
        ("get", "/api/v1/units/{id}/patrol/rounds", Any, None),
        ("get", "/api/v1/units/{id}/patrol/summary", Any, None),
        ("get", "/api/v1/patrol/routes/{id}", Any, None),
        (
            "put",
            "/api/v1/patrol/routes/{id}",
            Rulebook,
            Some(r#"{"version":0,"name":"矩阵路线{n}","max_minutes":60,"checkpoints":[]}"#),
        ),
        ("post", "/api/v1/patrol/routes/{id}/rounds", UnitAccounts, Some("{}")),
        ("get", "/api/v1/patrol/rounds/{id}", Any, None),
        (
            "post",
            "/api/v1/patrol/rounds/{id}/visits",
            UnitAccounts,
            Some(r#"{"tag":"NOT-ON-ROUTE"}"#),
        ),
        // The photo of a visit (the matrix round's visit; its body is no file: 400).
        (
            "post",
            "/api/v1/patrol/rounds/{id}/visits/{visit}/photo",
            UnitAccounts,
            Some("{}"),
        ),
        ("post", "/api/v1/patrol/rounds/{id}/finish", UnitAccounts, Some("{}")),
        // Protective equipment (docs/EQUIPMENT.md): the post, item and check `objects` made
        // (`matrix-eqpost-<unit>` …); version 0 is never current (409); the photo body is not
        // multipart (400); the new minimum set has no item (400).
        ("get", "/api/v1/units/{id}/equipment", Any, None),
        ("get", "/api/v1/units/{id}/equipment/summary", Any, None),
        (
            "post",
            "/api/v1/units/{id}/equipment/posts",
            Rulebook,
            Some(r#"{"name":"矩阵岗位{n}","kind":"gate"}"#),
        ),
        (
            "put",
            "/api/v1/equipment/posts/{id}",
            Rulebook,
            Some(r#"{"version":0,"name":"矩阵岗位","kind":"gate"}"#),
        ),
        (
            "post",
            "/api/v1/equipment/posts/{id}/items",
            Rulebook,
            Some(r#"{"item_type":"shield","quantity":1,"purchased_on":"2025-09-01"}"#),
        ),
        ("get", "/api/v1/equipment/items/{id}", Any, None),
        (
            "put",
            "/api/v1/equipment/items/{id}",
            Rulebook,
            Some(r#"{"version":0,"item_type":"shield","quantity":1,"purchased_on":"2025-09-01"}"#),
        ),
        ("get", "/api/v1/equipment/items/{id}/history", Any, None),
        (
            "post",
            "/api/v1/equipment/items/{id}/checks",
            UnitAccounts,
            Some(r#"{"result":"good"}"#),
        ),
        ("post", "/api/v1/equipment/checks/{id}/photo", UnitAccounts, Some("{}")),
        ("get", "/api/v1/equipment/standards", Any, None),
        (
            "post",
            "/api/v1/equipment/standards",
            EquipmentStandards,
            Some(r#"{"name":"矩阵标准{n}","applies_to":"all","items":[]}"#),
        ),
        (
            "put",
            "/api/v1/equipment/standards/{standard}",
            EquipmentStandards,
            Some(r#"{"version":0,"name":"矩阵标准","applies_to":"all","items":[{"item_type":"baton","quantity":1}]}"#),
        ),
        ("get", "/api/v1/equipment/shortfalls", Any, None),
        // Emergency plans (docs/EMERGENCY-PLANS.md): the plan `objects` made
        // (`matrix-plan-<unit>`); version 0 is never current (409), a return without comment 400.
        ("get", "/api/v1/units/{id}/emergency-plans", Any, None),
        (
            "post",
            "/api/v1/units/{id}/emergency-plans",
            Rulebook,
            Some(r#"{"title":"矩阵预案{n}","scenario":"fire","steps":["报警"]}"#),
        ),
        ("get", "/api/v1/emergency-plans/{id}", Any, None),
        (
            "put",
            "/api/v1/emergency-plans/{id}",
            Rulebook,
            Some(r#"{"version":0,"title":"矩阵预案","scenario":"fire","steps":["报警"]}"#),
        ),
        ("get", "/api/v1/emergency-plans/{id}/versions/{version}", Any, None),
        (
            "post",
            "/api/v1/emergency-plans/{id}/submit",
            Rulebook,
            Some(r#"{"version":0}"#),
        ),
        (
            "post",
            "/api/v1/emergency-plans/{id}/return",
            Officers,
            Some(r#"{"version":0}"#),
        ),
        (
            "post",
            "/api/v1/emergency-plans/{id}/accept",
            Officers,
            Some(r#"{"version":0}"#),
        ),
        ("post", "/api/v1/emergency-plans/{id}/maps", Rulebook, Some("{}")),
        ("get", "/api/v1/emergency/plans/waiting", Any, None),
        ("get", "/api/v1/emergency/plans/missing", Any, None),
        // Emergency drills (docs/DRILLS.md): the evaluated drill with step 1 and shortfall 1 is
        // made by `objects` (`matrix-drill-<unit>`); the photo body is no upload (400).
        ("get", "/api/v1/units/{id}/drills", Any, None),
        (
            "post",
            "/api/v1/units/{id}/drills",
            Rulebook,
            Some(r#"{"scenario":"fire","title":"矩阵演练{n}","planned_at":"{now}","participants_count":5}"#),
        ),
        ("get", "/api/v1/drills/{id}", Any, None),
        ("post", "/api/v1/drills/{id}/start", UnitAccounts, Some("{}")),
        ("post", "/api/v1/drills/{id}/steps", UnitAccounts, Some(r#"{"seq":1}"#)),
        (
            "post",
            "/api/v1/drills/{id}/steps/{seq}/photo",
            UnitAccounts,
            Some("{}"),
        ),
        ("post", "/api/v1/drills/{id}/finish", UnitAccounts, Some("{}")),
        (
            "put",
            "/api/v1/drills/{id}/evaluation",
            Rulebook,
            Some(r#"{"shortfalls":["矩阵不足"]}"#),
        ),
        (
            "post",
            "/api/v1/drills/{id}/hazards",
            Rulebook,
            Some(r#"{"shortfall":1}"#),
        ),
        ("get", "/api/v1/drills/{id}/report", Any, None),
        ("get", "/api/v1/emergency/drills", Any, None),
        // Visitors (docs/VISITORS.md): the unit's manager hosts (the manager only, as for
        // filings), the manager and guards work the gate (the unit's accounts); police and
        // administrators do not read visitor records. The submitted visit `objects` made
        // (`matrix-visitor-<unit>`) is rejected by the first decision, later ones are 409.
        ("get", "/api/v1/visitors", UnitAccounts, None),
        (
            "post",
            "/api/v1/visitors/invitations",
            FilingUnit,
            Some(r#"{"unit_id":"{unit}","host_name":"矩阵","purpose":"矩阵","expected_on":"2020-01-01"}"#),
        ),
        (
            "post",
            "/api/v1/visitors/walk-ins",
            UnitAccounts,
            Some(r#"{"unit_id":"{unit}","host_name":"矩阵","visitor":{"name":"矩阵"}}"#),
        ),
        ("get", "/api/v1/visitors/{id}", UnitAccounts, None),
        (
            "post",
            "/api/v1/visitors/{id}/decision",
            FilingUnit,
            Some(r#"{"approve":false}"#),
        ),
        (
            "post",
            "/api/v1/visitors/{id}/check-in",
            UnitAccounts,
            Some(r#"{"id_number":"E12345678"}"#),
        ),
        ("post", "/api/v1/visitors/{id}/check-out", UnitAccounts, Some("{}")),
        ("get", "/api/v1/units/{id}/visitors/inside", UnitAccounts, None),
        ("get", "/api/v1/units/{id}/visitor-settings", UnitAccounts, None),
        (
            "put",
            "/api/v1/units/{id}/visitor-settings",
            FilingUnit,
            Some(r#"{"retention_days":90,"closing_time":"18:00"}"#),
        ),
        // The visitor's form needs no account (tests/it/visitors.rs).
        ("get", "/api/v1/public/visits/{token}", Public, None),
        ("post", "/api/v1/public/visits/{token}", Public, Some("{}")),
        ("get", "/api/v1/emergency/drill_settings", Any, None),
        (
            "put",
            "/api/v1/emergency/drill_settings",
            Checklists,
            Some(r#"{"key_unit_months":6}"#),
        ),
        // Protection levels (docs/PROTECTION-LEVELS.md): police officers issue and change orders
        // (extend: nothing ends), the unit's manager acknowledges and records (an empty list of
        // measures is refused, 400).
        ("get", "/api/v1/protection-levels", Any, None),
        (
            "post",
            "/api/v1/protection-levels",
            Officers,
            Some(
                r#"{"title":"矩阵防范等级{n}","division_prefix":"{division}","unit_set":{"unit_ids":["{unit}"]},"level":"raised","reason":"授权矩阵","ends_at":"{deadline}"}"#,
            ),
        ),
        ("get", "/api/v1/protection-levels/{id}", Any, None),
        (
            "post",
            "/api/v1/protection-levels/{id}/transitions",
            Officers,
            Some(r#"{"action":"extend","reason":"授权矩阵","ends_at":"{deadline}"}"#),
        ),
        (
            "post",
            "/api/v1/protection-levels/{id}/acknowledge",
            ProtectionLevelUnit,
            Some("{}"),
        ),
        (
            "post",
            "/api/v1/protection-levels/{id}/measures",
            ProtectionLevelUnit,
            Some(r#"{"measures":[]}"#),
        ),
        ("get", "/api/v1/units/{id}/protection-level", Any, None),
        // Bulletins (docs/BULLETINS.md): police officers issue to their units; `objects` made the
        // bulletin `matrix-bl-<unit>` addressed to the unit; its manager acknowledges and reports.
        ("get", "/api/v1/bulletins", Any, None),
        (
            "post",
            "/api/v1/bulletins",
            Officers,
            Some(
                r#"{"kind":"risk_warning","title":"矩阵通报{n}","body":"授权矩阵","division_prefix":"{division}","unit_set":{"unit_ids":["{unit}"]},"ack_deadline":"{deadline}"}"#,
            ),
        ),
        (
            "post",
            "/api/v1/bulletins/reports",
            BulletinUnit,
            Some(r#"{"kind":"risk_warning","title":"矩阵上报{n}","body":"授权矩阵"}"#),
        ),
        ("get", "/api/v1/bulletins/{id}", Any, None),
        ("post", "/api/v1/bulletins/{id}/acknowledge", BulletinUnit, Some("{}")),
        // Files: only the issuer attaches (none of the roles issued the matrix bulletin; the body
        // is no multipart); everyone who sees the bulletin downloads `matrix-blf-<unit>`. The
        // police reply only to a unit's report: the matrix bulletin goes down (409).
        ("post", "/api/v1/bulletins/{id}/attachments", Nobody, Some("{}")),
        ("get", "/api/v1/bulletins/{id}/attachments/{file_id}", Any, None),
        (
            "post",
            "/api/v1/bulletins/{id}/reply",
            Officers,
            Some(r#"{"text":"矩阵回复"}"#),
        ),
        // One-press alarms (docs/ALARMS.md): `objects` made the alarm `matrix-alarm-<unit>`; a
        // second arrival is refused 409.
        (
            "post",
            "/api/v1/units/{id}/alarms",
            UnitAccounts,
            Some(r#"{"drill":true}"#),
        ),
        ("get", "/api/v1/alarms", Any, None),
        ("get", "/api/v1/alarms/counts", Any, None),
        ("get", "/api/v1/alarms/escalation", Any, None),
        ("put", "/api/v1/alarms/escalation", Admin, Some(r#"{"step_minutes":2}"#)),
        ("get", "/api/v1/alarms/{id}", Any, None),
        ("post", "/api/v1/alarms/{id}/arrival", Officers, Some("{}")),
        // Reports to the police (docs/REPORTS.md): `objects` made the report
        // `matrix-report-<unit>`, routed to the unit's station; a second acknowledgement is 409.
        // The public endpoint needs no account (tests/it/reports.rs floods it).
        (
            "post",
            "/api/v1/units/{id}/reports",
            UnitAccounts,
            Some(r#"{"title":"矩阵报告"}"#),
        ),
        ("post", "/api/v1/public/reports", Public, None),
        ("get", "/api/v1/reports", Reports, None),
        ("get", "/api/v1/reports/{id}", Reports, None),
        ("post", "/api/v1/reports/{id}/acknowledge", Officers, None),
        // Photos (docs/REPORTS.md "Photos"): the body is no upload (400) once the caller and the
        // report pass; `objects` made the photo `matrix-rphoto-<unit>` of the report.
        ("post", "/api/v1/reports/{id}/photos", UnitAccounts, Some("{}")),
        ("get", "/api/v1/reports/{id}/photos/{photo}", Reports, None),
        (
            "post",
            "/api/v1/reports/{id}/handling",
            Officers,
            Some(r#"{"note":"矩阵处置"}"#),
        ),
        // Personal-information compliance (docs/COMPLIANCE.md): `objects` made a record
        // `matrix-pia-<unit>`, a request `matrix-dsr-<unit>` and an incident
        // `matrix-breach-<unit>` kept by the unit; creating ones are kept by the caller's own
        // unit, organ or (administrators) the installation; empty replies, reasons and notes are
        // 400, a notification without Art 57's items 400.
        ("get", "/api/v1/compliance/activities", PoliceOrManager, None),
        (
            "post",
            "/api/v1/compliance/activities",
            PoliceOrManager,
            Some(r#"{"purpose":"video","legal_basis":"legal_duty","categories":["image"],"retention_days":30}"#),
        ),
        ("get", "/api/v1/compliance/activities/{id}", PoliceOrManager, None),
        (
            "put",
            "/api/v1/compliance/activities/{id}",
            ComplianceUnit,
            Some(r#"{"purpose":"video","legal_basis":"legal_duty","categories":["image"],"retention_days":30}"#),
        ),
        ("get", "/api/v1/compliance/requests", PoliceOrManager, None),
        (
            "post",
            "/api/v1/compliance/requests",
            PoliceOrManager,
            Some(r#"{"kind":"access","subject_name":"矩阵","content":"矩阵请求"}"#),
        ),
        ("get", "/api/v1/compliance/requests/{id}", PoliceOrManager, None),
        (
            "post",
            "/api/v1/compliance/requests/{id}/reply",
            ComplianceUnit,
            Some(r#"{"reply":""}"#),
        ),
        (
            "post",
            "/api/v1/compliance/requests/{id}/refuse",
            ComplianceUnit,
            Some(r#"{"reasons":""}"#),
        ),
        ("get", "/api/v1/compliance/breaches", PoliceOrManager, None),
        (
            "post",
            "/api/v1/compliance/breaches",
            PoliceOrManager,
            Some(r#"{"title":"矩阵事件","description":"矩阵"}"#),
        ),
        ("get", "/api/v1/compliance/breaches/{id}", PoliceOrManager, None),
        (
            "put",
            "/api/v1/compliance/breaches/{id}",
            ComplianceUnit,
            Some(r#"{"title":"矩阵事件","description":"矩阵"}"#),
        ),
        (
            "post",
            "/api/v1/compliance/breaches/{id}/notifications",
            ComplianceUnit,
            Some(r#"{"target":"authority","recipient":"矩阵"}"#),
        ),
        (
            "post",
            "/api/v1/compliance/breaches/{id}/close",
            ComplianceUnit,
            Some(r#"{"note":""}"#),
        ),
        ("get", "/api/v1/compliance/settings", PoliceOrManager, None),
        (
            "put",
            "/api/v1/compliance/settings",
            Admin,
            Some(r#"{"deadline_working_days":15}"#),
        ),
        // Liaison points (docs/LIAISON.md): `objects` made the point `matrix-liaison-<unit>`
        // assigned to the unit; the unit set sent is the one it has.
        ("get", "/api/v1/liaison/points", Any, None),
        (
            "post",
            "/api/v1/liaison/points",
            Officers,
            Some(
                r#"{"team_name":"矩阵联络组{n}","contact_hours":"工作日","phone":"13812345678","unit_ids":["{unit}"]}"#,
            ),
        ),
        ("get", "/api/v1/liaison/points/{id}", Any, None),
        (
            "put",
            "/api/v1/liaison/points/{id}/units",
            Officers,
            Some(r#"{"unit_ids":["{unit}"]}"#),
        ),
        ("get", "/api/v1/liaison/mine", Any, None),
        ("get", "/api/v1/units/{id}/liaison", Any, None),
        // Private-enterprise requests (docs/ENTERPRISE-REQUESTS.md): `objects` made the request
        // `matrix-ereq-<unit>`; a unit not flagged 民营企业 is refused 409, an unknown handler
        // 400, a second closure 409, a rating of an open request 409.
        (
            "post",
            "/api/v1/units/{id}/enterprise-requests",
            EnterpriseUnit,
            Some(r#"{"kind":"other","text":"矩阵诉求"}"#),
        ),
        ("get", "/api/v1/enterprise-requests", Any, None),
        ("get", "/api/v1/enterprise-requests/counts", Any, None),
        ("get", "/api/v1/enterprise-requests/settings", Any, None),
        (
            "put",
            "/api/v1/enterprise-requests/settings",
            Admin,
            Some(r#"{"response_days":7}"#),
        ),
        ("get", "/api/v1/enterprise-requests/{id}", Any, None),
        (
            "post",
            "/api/v1/enterprise-requests/{id}/assign",
            Officers,
            Some(r#"{"handler_id":"matrix-none"}"#),
        ),
        (
            "post",
            "/api/v1/enterprise-requests/{id}/replies",
            EnterpriseReply,
            Some(r#"{"text":"矩阵回复"}"#),
        ),
        (
            "post",
            "/api/v1/enterprise-requests/{id}/close",
            Officers,
            Some(r#"{"note":"矩阵办结"}"#),
        ),
        (
            "post",
            "/api/v1/enterprise-requests/{id}/rating",
            EnterpriseUnit,
            Some(r#"{"rating":"satisfied"}"#),
        ),
        // The enterprise's files: the body is no multipart (400) once the caller passes.
        (
            "post",
            "/api/v1/enterprise-requests/{id}/attachments",
            EnterpriseUnit,
            Some("{}"),
        ),
        // Credit (docs/CREDIT.md): `objects` made the entry `matrix-credit-<unit>` with a pending
        // objection `matrix-cobj-<unit>`; a second objection is 409, an unknown decision 400,
        // the evidence without a file 400.
        ("get", "/api/v1/units/{id}/credit-entries", Any, None),
        (
            "post",
            "/api/v1/units/{id}/credit-entries",
            Bureau,
            Some(
                r#"{"kind":"other_violation","points":0,"basis":"矩阵依据","reason":"矩阵理由","expires_on":"{due_date}"}"#,
            ),
        ),
        (
            "post",
            "/api/v1/credit-entries/{id}/objections",
            CreditUnit,
            Some(r#"{"text":"矩阵异议"}"#),
        ),
        ("get", "/api/v1/credit-objections", CreditObjections, None),
        // The public 诚信公示 list (docs/CREDIT.md): no account.
        ("get", "/api/v1/public/credit-entries", Public, None),
        // The roll-up (docs/ROLLUP.md): administrators, police and departments, each in scope.
        ("get", "/api/v1/rollup", SettingsReaders, None),
        ("get", "/api/v1/rollup/export", SettingsReaders, None),
        // 平安单位 (docs/HONOURS.md): `objects` made the application `matrix-honours-<unit>`;
        // an application without a year is 400, an unknown decision 400, revoking a pending
        // application 409.
        ("get", "/api/v1/units/{id}/honours", Honours, None),
        // 布控 (docs/WATCHLISTS.md): visibility is by owner, so `{id}` is the role's own list,
        // hit or PIA (`crate::watchlists::matrix_objects`); deleting a PIA within its three
        // years is 409.
        ("get", "/api/v1/watchlists", Watchers, None),
        (
            "post",
            "/api/v1/watchlists",
            Watchers,
            Some(r#"{"kind":"plate","name":"矩阵布控{n}","legal_basis":"矩阵","expires_on":"{due_date}"}"#),
        ),
        ("get", "/api/v1/watchlists/{id}", Watchers, None),
        (
            "put",
            "/api/v1/watchlists/{id}",
            Watchers,
            Some(r#"{"name":"矩阵布控","legal_basis":"矩阵","expires_on":"{due_date}"}"#),
        ),
        ("post", "/api/v1/watchlists/{id}/activate", Watchers, Some("{}")),
        ("post", "/api/v1/watchlists/{id}/deactivate", Watchers, None),
        ("get", "/api/v1/watchlists/{id}/entries", Watchers, None),
        (
            "post",
            "/api/v1/watchlists/{id}/entries",
            Watchers,
            Some(r#"{"entries":[{"plate":"浙A00002"}]}"#),
        ),
        (
            "get",
            "/api/v1/watchlists/{id}/entries/{entry_id}/photo",
            Watchers,
            None,
        ),
        ("delete", "/api/v1/watchlists/{id}/entries/{entry_id}", Watchers, None),
        ("get", "/api/v1/watchlist-hits", Watchers, None),
        ("get", "/api/v1/watchlist-hits/{id}", Watchers, None),
        (
            "post",
            "/api/v1/watchlist-hits/{id}/review",
            Watchers,
            Some(r#"{"decision":"confirm"}"#),
        ),
        ("get", "/api/v1/pias", Watchers, None),
        (
            "post",
            "/api/v1/pias",
            Watchers,
            Some(
                r#"{"purpose":"face_watchlist","title":"矩阵评估","necessity":"矩阵","risks":"矩阵","safeguards":"矩阵"}"#,
            ),
        ),
        ("get", "/api/v1/pias/{id}", Watchers, None),
        ("post", "/api/v1/pias/{id}/approve", PiaApprovers, None),
        ("delete", "/api/v1/pias/{id}", PiaApprovers, None),
        (
            "post",
            "/api/v1/units/{id}/honours",
            FilingUnit,
            Some(r#"{"statement":"矩阵申请"}"#),
        ),
        (
            "post",
            "/api/v1/honours/{id}/decision",
            Bureau,
            Some(r#"{"decision":"matrix","reason":"矩阵审核"}"#),
        ),
        (
            "post",
            "/api/v1/honours/{id}/revoke",
            Bureau,
            Some(r#"{"reason":"矩阵撤销"}"#),
        ),
        ("get", "/api/v1/credit-objections/{id}", CreditObjections, None),
        ("post", "/api/v1/credit-objections/{id}/evidence", CreditUnit, None),
        (
            "post",
            "/api/v1/credit-objections/{id}/decision",
            Bureau,
            Some(r#"{"decision":"matrix","reason":"矩阵复核"}"#),
        ),
        // The safety assessment (docs/ASSESSMENT.md): `objects` made the campaign
        // `matrix-acamp-<unit>` over the unit's division and the police draft
        // `matrix-assess-<unit>` (without items): a second start is 409, the report of a draft
        // 409, an item evidence without a file 400.
        ("get", "/api/v1/assessment-campaigns", Any, None),
        (
            "post",
            "/api/v1/assessment-campaigns",
            Supervisors,
            Some(r#"{"title":"矩阵评估批次","assessor":"police"}"#),
        ),
        ("get", "/api/v1/assessment-campaigns/{id}", Any, None),
        // Third-party assessors (docs/ASSESSMENT.md): the demo unit's matrix campaign names the
        // matrix's 第三方评估机构 and was launched by the demo unit's county bureau; the demo unit
        // is assigned to it already (a repeat changes nothing).
        ("get", "/api/v1/assessment-campaigns/{id}/assignments", Any, None),
        (
            "post",
            "/api/v1/assessment-campaigns/{id}/assignments",
            CampaignLauncher,
            Some(r#"{"unit_ids":["{unit}"]}"#),
        ),
        ("get", "/api/v1/assessment-results", Any, None),
        ("get", "/api/v1/assessments", Any, None),
        (
            "post",
            "/api/v1/assessments",
            Assessors,
            Some(r#"{"unit_id":"{unit}"}"#),
        ),
        ("get", "/api/v1/assessments/due", Any, None),
        ("get", "/api/v1/assessments/{id}", Any, None),
        (
            "put",
            "/api/v1/assessments/{id}/sheet",
            SheetWriters,
            Some(r#"{"items":[]}"#),
        ),
        ("post", "/api/v1/assessments/{id}/submit", SheetWriters, Some("{}")),
        ("post", "/api/v1/assessments/{id}/sign", Officers, Some("{}")),
        ("post", "/api/v1/assessments/{id}/hazards", Officers, Some("{}")),
        ("get", "/api/v1/assessments/{id}/evidence", Any, None),
        (
            "post",
            "/api/v1/assessments/{id}/items/{code}/evidence",
            SheetWriters,
            None,
        ),
        ("get", "/api/v1/assessments/{id}/report", Any, None),
        // 心防 (docs/WELLBEING.md): `objects` made the team `matrix-team-<unit>` and the case
        // `matrix-case-<unit>` (nobody of the matrix is named on it).
        ("get", "/api/v1/units/{id}/wellbeing", WellbeingRead, None),
        (
            "post",
            "/api/v1/units/{id}/volunteer-teams",
            WellbeingUnit,
            Some(r#"{"name":"矩阵队伍","kind":"护校队"}"#),
        ),
        (
            "post",
            "/api/v1/volunteer-teams/{id}/activities",
            WellbeingUnit,
            Some(r#"{"held_on":"2026-01-01","summary":"矩阵活动"}"#),
        ),
        (
            "post",
            "/api/v1/units/{id}/education-activities",
            WellbeingUnit,
            Some(r#"{"kind":"talk","title":"矩阵讲座","held_on":"2026-01-01"}"#),
        ),
        ("get", "/api/v1/units/{id}/crisis-reporters", WellbeingUnit, None),
        (
            "put",
            "/api/v1/units/{id}/crisis-reporters",
            WellbeingUnit,
            Some(r#"{"user_ids":[]}"#),
        ),
        ("get", "/api/v1/crisis-cases", CrisisMine, None),
        // Nobody of the matrix is a designated reporter.
        (
            "post",
            "/api/v1/crisis-cases",
            Nobody,
            Some(r#"{"person_name":"矩阵","narrative":"矩阵","risk":"low","counsellor_ids":[]}"#),
        ),
        ("get", "/api/v1/crisis-cases/{id}", CaseNamed, None),
        (
            "post",
            "/api/v1/crisis-cases/{id}/follow-ups",
            Nobody,
            Some(r#"{"kind":"visit","note":"矩阵"}"#),
        ),
        ("post", "/api/v1/crisis-cases/{id}/escalate", Nobody, Some("{}")),
        (
            "post",
            "/api/v1/crisis-cases/{id}/close",
            Nobody,
            Some(r#"{"note":"矩阵"}"#),
        ),
        ("get", "/api/v1/crisis-counts", CrisisCounts, None),
        ("get", "/api/v1/crisis-escalations", CrisisEscalations, None),
        // The unit's security staff (docs/SECURITY-STAFF.md): the body is recorded once (then
        // 409); the changes and removals carry version 0 (409); the training names no member (400).
        ("get", "/api/v1/units/{id}/security", SecurityStaffRead, None),
        ("get", "/api/v1/units/{id}/security/summary", SecurityStaffRead, None),
        (
            "put",
            "/api/v1/units/{id}/security/body",
            SecurityStaffWrite,
            Some(r#"{"name":"矩阵保卫处","kind":"dedicated","head":"矩阵负责人"}"#),
        ),
        (
            "post",
            "/api/v1/units/{id}/security/staff",
            SecurityStaffWrite,
            Some(r#"{"name":"矩阵保卫{n}","post":"保卫干事","full_time":true,"on_duty":true}"#),
        ),
        (
            "put",
            "/api/v1/units/{id}/security/staff/{staff_id}",
            SecurityStaffWrite,
            Some(r#"{"version":0,"name":"矩阵保卫","full_time":false,"on_duty":true}"#),
        ),
        (
            "delete",
            "/api/v1/units/{id}/security/staff/{staff_id}",
            SecurityStaffWrite,
            None,
        ),
        ("get", "/api/v1/units/{id}/security/guards", SecurityStaffRead, None),
        (
            "post",
            "/api/v1/units/{id}/security/guards",
            SecurityStaffWrite,
            Some(
                r#"{"name":"矩阵保安{n}","full_time":true,"on_duty":true,"employment":"own_hired","citizen_id":"330106198506114563","started_on":"2026-01-01"}"#,
            ),
        ),
        (
            "put",
            "/api/v1/units/{id}/security/guards/{guard_id}",
            SecurityStaffWrite,
            Some(
                r#"{"version":0,"name":"矩阵保安","full_time":true,"on_duty":true,"employment":"own_hired","started_on":"2026-01-01"}"#,
            ),
        ),
        (
            "delete",
            "/api/v1/units/{id}/security/guards/{guard_id}",
            SecurityStaffWrite,
            None,
        ),
        (
            "post",
            "/api/v1/units/{id}/security/trainings",
            SecurityStaffWrite,
            Some(r#"{"member_id":"matrix-none","trained_on":"2026-01-05","topic":"矩阵培训","hours":4}"#),
        ),
        (
            "post",
            "/api/v1/units/{id}/security/records",
            SecurityStaffWrite,
            Some(r#"{"kind":"commendation","subject":"矩阵单位","occurred_on":"2026-01-05","content":"矩阵表彰"}"#),
        ),
        (
            "post",
            "/api/v1/units/{id}/move",
            UnitMovers,
            Some(r#"{"version":0,"police_station_id":{station},"competent_department_id":{department}}"#),
        ),
        (
            "post",
            "/api/v1/units/{id}/deactivate",
            Police,
            Some(r#"{"version":0}"#),
        ),
        (
            "post",
            "/api/v1/units/{id}/reactivate",
            Police,
            Some(r#"{"version":0}"#),
        ),
        ("post", "/api/v1/units/{id}/close", Police, Some(r#"{"version":0}"#)),
        ("get", "/api/v1/events", Any, None),
        ("get", "/api/v1/events/{id}", Any, None),
        ("get", "/api/v1/events/{id}/raw", PoliceOrManager, None),
        ("get", "/api/v1/events/{id}/images/{n}", PoliceOrManager, None),
        ("get", "/api/v1/alerts", Any, None),
        ("get", "/api/v1/alerts/{id}", Any, None),
        (
            "post",
            "/api/v1/alerts/{id}/acknowledge",
            Alerts,
            Some(r#"{"comment":"矩阵"}"#),
        ),
        (
            "post",
            "/api/v1/alerts/{id}/resolve",
            Alerts,
            Some(r#"{"comment":"矩阵"}"#),
        ),
        (
            "post",
            "/api/v1/alerts/{id}/false_positive",
            Alerts,
            Some(r#"{"reason":"other","comment":"矩阵"}"#),
        ),
        ("get", "/api/v1/alerts/stats", Any, None),
        ("get", "/api/v1/alerts/escalation", Any, None),
        (
            "put",
            "/api/v1/alerts/escalation",
            Admin,
            Some(r#"{"delays_minutes":[15,30]}"#),
        ),
        ("get", "/api/v1/alerts/{id}/deliveries", Any, None),
        ("get", "/api/v1/alert_rules", Police, None),
        (
            "post",
            "/api/v1/alert_rules",
            RuleWriters,
            Some(
                r#"{"code":"matrix_new_{n}","title":"矩阵规则","severity":"low","kind":{"type":"match"},"condition":"kind == \"motion\""}"#,
            ),
        ),
        (
            "put",
            "/api/v1/alert_rules/{code}",
            RuleWriters,
            Some(
                r#"{"code":"matrix_rule","title":"矩阵规则{n}","severity":"low","kind":{"type":"match"},"condition":"kind == \"motion\"","scope":{"division_prefix":"{division}"}}"#,
            ),
        ),
        ("get", "/api/v1/alert_rules/{code}/versions", Police, None),
        (
            "post",
            "/api/v1/alert_rules/import",
            RuleWriters,
            Some(
                r#"{"rules":[{"code":"matrix_import","title":"矩阵导入","severity":"low","kind":{"type":"match"},"scope":{"division_prefix":"{division}"}}]}"#,
            ),
        ),
        (
            "post",
            "/api/v1/alert_rules/backtest",
            Police,
            Some(r#"{"code":"matrix_rule","from":"2026-01-01T00:00:00Z","to":"2026-02-01T00:00:00Z"}"#),
        ),
        ("get", "/api/v1/suppressions", Any, None),
        (
            "post",
            "/api/v1/suppressions",
            PoliceOrManager,
            Some(r#"{"unit_id":"{unit}","from":"{now}","to":"{deadline}","reason":"maintenance","note":"矩阵"}"#),
        ),
        ("post", "/api/v1/suppressions/{id}/end", PoliceOrManager, None),
        ("get", "/api/v1/notification_channels", Channels, None),
        (
            "post",
            "/api/v1/notification_channels",
            Channels,
            Some(
                r#"{"name":"矩阵渠道{n}","config":{"kind":"webhook","url":"http://127.0.0.1:9/hook","secret":"0123456789abcdef-matrix"}}"#,
            ),
        ),
        (
            "put",
            "/api/v1/notification_channels/{id}",
            Admin,
            Some(r#"{"enabled":false}"#),
        ),
        ("get", "/api/v1/inbox", Any, None),
        ("post", "/api/v1/inbox/read", Any, Some(r#"{}"#)),
        ("get", "/api/v1/devices/health", Any, None),
        (
            "put",
            "/api/v1/me/password",
            Any,
            Some(r#"{"current_password":"wrong","new_password":"Xk7#mq-Lw9-pz"}"#),
        ),
        ("get", "/api/v1/me/totp", Any, None),
        ("post", "/api/v1/me/totp", Any, None),
        ("delete", "/api/v1/me/totp", Any, Some(r#"{"code":"000000"}"#)),
        ("post", "/api/v1/me/totp/confirm", Any, Some(r#"{"code":"000000"}"#)),
        ("get", "/api/v1/tokens", Any, None),
        (
            "post",
            "/api/v1/tokens",
            SessionOnly,
            Some(r#"{"name":"矩阵令牌","scope":"read"}"#),
        ),
        ("delete", "/api/v1/tokens/{id}", Any, None),
        ("get", "/api/v1/users", Admin, None),
        (
            "post",
            "/api/v1/users",
            Admin,
            Some(r#"{"username":"matrix{n}","display_name":"矩阵账号","role":"guard","unit_id":"{unit}"}"#),
        ),
        ("get", "/api/v1/users/{id}", Admin, None),
        (
            "put",
            "/api/v1/users/{id}",
            Admin,
            Some(r#"{"display_name":"矩阵账号改","role":"guard","unit_id":"{unit}"}"#),
        ),
        ("post", "/api/v1/users/{id}/disable", Admin, None),
        ("post", "/api/v1/users/{id}/enable", Admin, None),
        ("post", "/api/v1/users/{id}/password-reset", Admin, None),
        (
            "post",
            "/api/v1/organisations",
            Admin,
            Some(r#"{"name":"矩阵组织{n}","kind":"department","division_code":"{division}","parent_id":{station}}"#),
        ),
        ("get", "/api/v1/organisations/tree", Admin, None),
        ("get", "/api/v1/organisations/{id}", Admin, None),
        (
            "patch",
            "/api/v1/organisations/{id}",
            Admin,
            Some(r#"{"version":1,"name":"矩阵部门改"}"#),
        ),
        (
            "post",
            "/api/v1/organisations/{id}/move",
            Admin,
            Some(r#"{"version":2,"parent_id":"no-such-org"}"#),
        ),
        (
            "post",
            "/api/v1/organisations/{id}/merge",
            Admin,
            Some(r#"{"version":2,"target_id":"no-such-org"}"#),
        ),
        (
            "post",
            "/api/v1/organisations/{id}/close",
            Admin,
            Some(r#"{"version":2}"#),
        ),
        ("get", "/api/v1/organisations/{id}/history", Admin, None),
        (
            "post",
            "/api/v1/persons/lookup",
            Police,
            Some(r#"{"citizen_id":"11010519491231002X","purpose":"授权矩阵测试"}"#),
        ),
        (
            "post",
            "/api/v1/persons/{id}/reveal",
            PoliceOrManager,
            Some(r#"{"purpose":"授权矩阵测试"}"#),
        ),
        (
            "post",
            "/api/v1/reveal/{object}/{id}",
            PoliceOrManager,
            Some(r#"{"purpose":"授权矩阵测试"}"#),
        ),
        ("get", "/api/v1/audit", Police, None),
        ("get", "/api/v1/retention", Police, None),
        ("put", "/api/v1/retention/{class}", Admin, Some(r#"{"max_days":400}"#)),
        (
            "post",
            "/api/v1/legal_holds",
            Police,
            Some(r#"{"case_no":"矩阵案{n}","unit_id":"{unit}","reason":"授权矩阵测试"}"#),
        ),
        ("post", "/api/v1/legal_holds/{id}/release", Police, Some("{}")),
        ("get", "/api/v1/security/settings", Police, None),
        (
            "put",
            "/api/v1/security/settings",
            Admin,
            Some(r#"{"require_totp_police":false}"#),
        ),
        ("get", "/api/v1/checklists", Any, None),
        ("get", "/api/v1/checklists/{id}", Any, None),
        (
            "post",
            "/api/v1/checklists/{variant}/versions",
            Checklists,
            Some(
                r#"{"items":[{"code":"M1","defence":"human","title":"矩阵检查项","basis":"","weight":1,"critical":false,"evidence":"","auto":false}]}"#,
            ),
        ),
        ("get", "/api/v1/campaigns", Any, None),
        (
            "post",
            "/api/v1/campaigns",
            Supervisors,
            Some(r#"{"title":"矩阵专项检查{n}","due_date":"{due_date}","selection":{"division_prefix":"{division}"}}"#),
        ),
        ("get", "/api/v1/campaigns/{id}", Any, None),
        // The matrix's campaign is the province's, assigned: nothing waits to be handed out (409)
        // and an empty officer is refused (400) — police pass the permission and the scope.
        ("post", "/api/v1/campaigns/{id}/hand_out", Officers, Some("{}")),
        (
            "post",
            "/api/v1/campaigns/{id}/assign",
            Officers,
            Some(r#"{"user_id":""}"#),
        ),
        (
            "put",
            "/api/v1/inspections/{id}/assignee",
            Officers,
            Some(r#"{"user_id":""}"#),
        ),
        ("get", "/api/v1/inspections", Any, None),
        (
            "post",
            "/api/v1/inspections",
            Inspectors,
            Some(r#"{"unit_id":"{unit}"}"#),
        ),
        ("get", "/api/v1/inspections/{id}", Any, None),
        ("put", "/api/v1/inspections/{id}", Officers, Some(r#"{"results":[]}"#)),
        (
            "post",
            "/api/v1/inspections/{id}/submit",
            Officers,
            Some(r#"{"results":[]}"#),
        ),
        ("post", "/api/v1/inspections/{id}/evidence", Officers, Some("{}")),
        ("get", "/api/v1/hazards", Any, None),
        (
            "post",
            "/api/v1/hazards",
            Inspectors,
            Some(r#"{"unit_id":"{unit}","title":"矩阵隐患{n}","class":"general","source":"report"}"#),
        ),
        ("get", "/api/v1/hazards/{id}", Any, None),
        (
            "post",
            "/api/v1/hazards/{id}/actions",
            Officers,
            Some(r#"{"action":"issue_order","deadline":"{deadline}"}"#),
        ),
        ("post", "/api/v1/hazards/{id}/evidence", Inspectors, Some("{}")),
        ("get", "/api/v1/attachments/{id}", Any, None),
        ("get", "/api/v1/documents", Any, None),
        ("get", "/api/v1/documents/{id}", Any, None),
        ("get", "/api/v1/documents/{id}/pdf", Any, None),
        ("post", "/api/v1/documents/{id}/receipt", UnitAccounts, None),
        (
            "post",
            "/api/v1/documents/{id}/actions",
            Nobody,
            Some(r#"{"text":"矩阵处理情况"}"#),
        ),
        ("get", "/api/v1/units/{id}/credit", Any, None),
        ("get", "/api/v1/supervision/due", Any, None),
        ("get", "/api/v1/supervision/settings", Any, None),
        (
            "put",
            "/api/v1/supervision/settings",
            Bureau,
            Some(
                r#"{"doc_prefix":"","doc_department":"内保","deadlines":{"general_days":7,"major_days":30,"max_days":90},"reminder_days":[7,3,1],"ladder":["circular","interview","listed_supervision","referral"],"credit":{"entries":[],"thresholds":[90,75,60],"interval_days":[365,180,90,30]}}"#,
            ),
        ),
        // Universities (docs/UNIVERSITIES.md): the matrix units are no universities, so every
        // write of an allowed role is 409; `objects` made the semester `matrix-sem-<unit>` of
        // the unit's city, ended in 2000 (scheduling it is 409); a semester for a county code
        // is 400.
        ("get", "/api/v1/units/{id}/university", Any, None),
        (
            "put",
            "/api/v1/units/{id}/university",
            UniversityWriters,
            Some(r#"{"version":0,"security_office":"矩阵保卫处"}"#),
        ),
        (
            "post",
            "/api/v1/units/{id}/university/colleges",
            UniversityWriters,
            Some(r#"{"name":"矩阵学院{n}","head":"矩阵"}"#),
        ),
        (
            "post",
            "/api/v1/units/{id}/university/campuses",
            UniversityWriters,
            Some(r#"{"name":"矩阵校区{n}"}"#),
        ),
        (
            "post",
            "/api/v1/units/{id}/university/dormitories",
            UniversityWriters,
            Some(r#"{"campus_id":"matrix-none","name":"矩阵楼{n}"}"#),
        ),
        (
            "post",
            "/api/v1/units/{id}/university/duty",
            UniversityWriters,
            Some(r#"{"date":"2026-10-01","holiday":"国庆节","person":"矩阵"}"#),
        ),
        ("get", "/api/v1/semesters", Any, None),
        (
            "post",
            "/api/v1/semesters",
            Semesters,
            Some(r#"{"city_code":"{division}","name":"矩阵学期","starts_on":"2030-02-20","ends_on":"2030-07-10"}"#),
        ),
        ("get", "/api/v1/semesters/{id}", Any, None),
        ("post", "/api/v1/semesters/{id}/schedule", Semesters, Some("{}")),
        // Last: it replaces the unit's responsible persons, which `reveal` reads above.
        (
            "put",
            "/api/v1/units/{id}",
            Police,
            Some(
                r#"{"version":{unit_version},"name":"{unit_name}","kind":"{unit_kind}","uscc":"{unit_uscc}","division_code":"{division}","police_station_id":{station},"competent_department_id":{department}}"#,
            ),
        ),
    ]
}

/// Objects of one unit, created by the administrator.
#[derive(Debug, Clone)]
pub(crate) struct Objects {
    pub(crate) unit: Value,
    pub(crate) device: String,
    pub(crate) key_area: String,
    pub(crate) event: String,
    pub(crate) alert: String,
    pub(crate) person: String,
    pub(crate) hold: String,
    pub(crate) hazard: String,
    pub(crate) inspection: String,
    pub(crate) campaign: String,
    pub(crate) document: String,
    pub(crate) attachment: String,
    pub(crate) checklist: String,
    pub(crate) suppression: String,
    pub(crate) channel: String,
    /// A guard's account at the unit (account administration).
    pub(crate) account: String,
    /// A throw-away competent department under the unit's city bureau (organisation
    /// administration: the matrix may close it).
    pub(crate) org: String,
    /// A security staff member and a guard on the unit's roster (docs/SECURITY-STAFF.md).
    pub(crate) staff_member: String,
    pub(crate) guard_member: String,
    /// A filing of the unit (docs/FILINGS.md), opened through the obligation path.
    pub(crate) filing: String,
    /// A designation proposal about the unit.
    pub(crate) designation: String,
}

/// A hazard with a rectification order (its document) and an evidence file, a police inspection
/// and a campaign over the unit's division, made by provincial police (who see all of Zhejiang).
async fn supervision_objects(app: &TestApp, unit: &Value) -> (String, String, String, String, String, String) {
    let police = app.client_for("demo_province").await;
    let unit_id = unit["id"].as_str().unwrap();
    let (s, h) = police
        .post(
            "/api/v1/hazards",
            json!({"unit_id": unit_id, "title": "矩阵隐患", "class": "general", "source": "report"}),
        )
        .await;
    assert_eq!(s, 201, "{h}");
    let hazard = h["id"].as_str().unwrap().to_string();
    let (s, ordered) = police
        .post(
            "/api/v1/hazards",
            json!({"unit_id": unit_id, "title": "矩阵已下达隐患", "class": "general", "source": "report"}),
        )
        .await;
    assert_eq!(s, 201);
    let ordered = ordered["id"].as_str().unwrap();
    let (s, v) = police
        .post(
            &format!("/api/v1/hazards/{ordered}/actions"),
            json!({"action": "issue_order", "deadline": chrono::Utc::now() + chrono::Duration::days(10)}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let document = v["step"]["document_id"].as_str().unwrap().to_string();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"%PDF-1.4 matrix".to_vec())
            .file_name("m.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    let r = police
        .http
        .post(format!("{}/api/v1/hazards/{ordered}/evidence", police.base))
        .bearer_auth(&police.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let attachment = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let (s, i) = police.post("/api/v1/inspections", json!({"unit_id": unit_id})).await;
    assert_eq!(s, 201, "{i}");
    let due = (chrono::Utc::now() + chrono::Duration::days(14)).date_naive();
    let (s, c) = police
        .post(
            "/api/v1/campaigns",
            json!({"title": "矩阵专项", "due_date": due, "selection": {"division_prefix": unit["division_code"]}}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    let checklist = i["checklist_id"].as_str().unwrap().to_string();
    (
        hazard,
        i["id"].as_str().unwrap().to_string(),
        c["id"].as_str().unwrap().to_string(),
        document,
        attachment,
        checklist,
    )
}

pub(crate) async fn objects(app: &TestApp, admin: &Client, unit_id: &str) -> Objects {
    let (_, unit) = admin.get(&format!("/api/v1/units/{unit_id}")).await;
    let (s, area) = admin
        .post(
            &format!("/api/v1/units/{unit_id}/key_areas"),
            json!({"name": "矩阵重点部位"}),
        )
        .await;
    assert_eq!(s, 201, "{area}");
    let (device, path) = create_device(admin, unit_id, area["id"].as_str(), "hikvision").await;
    // A line crossing with its picture (the picture route needs one).
    let (s, v) = app
        .ingest(
            &path,
            "multipart/form-data; boundary=boundary",
            fixture("hikvision-isapi-alert/httphost_push_linedetection_multipart.bin"),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, events) = admin.get(&format!("/api/v1/events?device_id={device}")).await;
    let (_, alerts) = admin.get(&format!("/api/v1/alerts?device_id={device}")).await;
    let (s, hold) = admin
        .post(
            "/api/v1/legal_holds",
            json!({"case_no": "矩阵保全", "unit_id": unit_id, "reason": "授权矩阵测试"}),
        )
        .await;
    assert_eq!(s, 201, "{hold}");
    let (hazard, inspection, campaign, document, attachment, checklist) = supervision_objects(app, &unit).await;
    let (s, w) = admin
        .post(
            "/api/v1/suppressions",
            json!({"unit_id": unit_id, "from": chrono::Utc::now(), "to": chrono::Utc::now() + chrono::Duration::days(1), "reason": "visit"}),
        )
        .await;
    assert_eq!(s, 201, "{w}");
    let (s, ch) = admin
        .post(
            "/api/v1/notification_channels",
            json!({"name": "矩阵对象渠道", "config": {"kind": "wecom", "url": "http://127.0.0.1:9/cgi-bin/webhook/send?key=matrix"}}),
        )
        .await;
    assert_eq!(s, 201, "{ch}");
    let (s, acc) = admin
        .post(
            "/api/v1/users",
            json!({"username": format!("m{}", &unit_id[..20].to_ascii_lowercase()), "display_name": "矩阵保安",
                   "role": "guard", "unit_id": unit_id}),
        )
        .await;
    assert_eq!(s, 201, "{acc}");
    let city = &unit["division_code"].as_str().unwrap()[..4];
    let (_, cities) = admin
        .get(&format!("/api/v1/organisations?kind=police_city&division={city}"))
        .await;
    let (s, org) = admin
        .post(
            "/api/v1/organisations",
            json!({"name": format!("矩阵部门{}", &unit_id[..8]), "kind": "department",
                   "division_code": cities[0]["division_code"], "parent_id": cities[0]["id"]}),
        )
        .await;
    assert_eq!(s, 201, "{org}");
    patrol_objects(app, unit_id).await;
    crate::emergency_plans::matrix_plan(app, unit_id).await;
    equipment_objects(app, unit_id).await;
    drill_objects(app, unit_id).await;
    crate::visitors::matrix_objects(app, unit_id).await;
    crate::protection_levels::matrix_objects(app, unit_id).await;
    crate::bulletins::matrix_objects(app, unit_id).await;
    alarm_objects(app, unit_id).await;
    report_objects(app, &unit).await;
    enterprise_objects(app, unit_id).await;
    credit_objects(app, unit_id).await;
    honours_objects(app, unit_id).await;
    assessment_objects(app, unit_id).await;
    crate::universities::matrix_objects(app, unit_id).await;
    crate::compliance::matrix_objects(app, unit_id).await;
    crate::wellbeing::matrix_objects(app, unit_id).await;
    let (staff_member, guard_member) = security_members(app, unit_id).await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive();
    let filing = app
        .services
        .filings
        .open_obligation(
            neibao_domain::filings::FilingKind::SecurityBody,
            unit_id,
            today,
            "matrix",
        )
        .await
        .unwrap()
        .id;
    let designation = neibao_store::prelude::DesignationRepo::add_designation(
        app.store.as_ref(),
        &neibao_domain::access::Scope::All,
        &neibao_domain::designations::NewDesignation {
            id: neibao_domain::ids::new_id(),
            unit_id: unit_id.to_string(),
            kind: neibao_domain::designations::DesignationKind::CounterTerror,
            category: None,
            grade: String::new(),
            proposing_org_id: None,
            proposing_org_name: "矩阵公安机关".into(),
            reason: "授权矩阵测试".into(),
            actor_name: "test".into(),
        },
        &neibao_domain::access::Principal::system("test").audit(
            "designation.propose",
            "designation",
            "",
            Some(unit_id),
        ),
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .id;
    Objects {
        filing,
        designation,
        org: org["id"].as_str().unwrap().into(),
        account: acc["id"].as_str().unwrap().into(),
        suppression: w["id"].as_str().unwrap().into(),
        channel: ch["id"].as_str().unwrap().into(),
        hazard,
        inspection,
        campaign,
        document,
        attachment,
        checklist,
        person: unit["responsible_persons"][0]["id"]
            .as_str()
            .expect("a responsible person")
            .into(),
        unit,
        device,
        key_area: area["id"].as_str().unwrap().into(),
        event: events["items"][0]["id"].as_str().unwrap().into(),
        alert: alerts["items"][0]["id"].as_str().expect("an alert").into(),
        hold: hold["id"].as_str().unwrap().into(),
        staff_member,
        guard_member,
    }
}

/// A staff member and a guard on the unit's roster, written through the store (only the unit's
/// own manager may add them, and the matrix needs them in every unit).
async fn security_members(app: &TestApp, unit_id: &str) -> (String, String) {
    use neibao_domain::security_staff::{Employment, GuardDraft, MemberDraft, Vetting};
    let today = chrono::Utc::now().date_naive();
    let mut ids = Vec::new();
    for guard in [false, true] {
        let id = neibao_domain::ids::new_id();
        let d = MemberDraft {
            name: "矩阵名册人员".into(),
            post: String::new(),
            full_time: true,
            phone: None,
            on_duty: true,
            guard: guard.then(|| GuardDraft {
                employment: Employment::OwnHired,
                company_name: None,
                company_licence_no: None,
                company_foreign_invested: false,
                certificate_no: None,
                citizen_id: Some(neibao_domain::validate::CitizenId::parse("330106199003071236", today).unwrap()),
                started_on: today,
                stopped_on: None,
                vetting: Vetting::Passed,
            }),
        };
        let audit = neibao_domain::access::Principal::system("test").audit(
            "security_staff.staff_add",
            "security_staff",
            &id,
            Some(unit_id),
        );
        app.store
            .add_security_member(
                &neibao_domain::access::Scope::All,
                unit_id,
                &id,
                &d,
                &audit,
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        ids.push(id);
    }
    (ids[0].clone(), ids[1].clone())
}

fn id_for(path: &str, o: &Objects, token: &str) -> String {
    let seg = path.trim_start_matches("/api/v1/").split('/').next().unwrap();
    match seg {
        "units" => o.unit["id"].as_str().unwrap().into(),
        // The free-text reveal of an event (`{object}` is `events`).
        "reveal" => o.event.clone(),
        "devices" => o.device.clone(),
        "key_areas" => o.key_area.clone(),
        "events" => o.event.clone(),
        "alerts" => o.alert.clone(),
        "persons" => o.person.clone(),
        "legal_holds" => o.hold.clone(),
        "tokens" => token.into(),
        "hazards" => o.hazard.clone(),
        "inspections" => o.inspection.clone(),
        "campaigns" => o.campaign.clone(),
        "documents" => o.document.clone(),
        "attachments" => o.attachment.clone(),
        "checklists" => o.checklist.clone(),
        "suppressions" => o.suppression.clone(),
        "notification_channels" => o.channel.clone(),
        "users" => o.account.clone(),
        "organisations" => o.org.clone(),
        "patrol" => patrol_id(path, o),
        "emergency-plans" => format!("matrix-plan-{}", o.unit["id"].as_str().unwrap()),
        "equipment" => equipment_id(path, o),
        "drills" => drill_id(o),
        "visitors" => crate::visitors::matrix_visit(o),
        "alarms" => alarm_id(o),
        "reports" => report_id(o),
        "liaison" => format!("matrix-liaison-{}", o.unit["id"].as_str().unwrap()),
        "compliance" => crate::compliance::matrix_id(path, o),
        "enterprise-requests" => format!("matrix-ereq-{}", o.unit["id"].as_str().unwrap()),
        "credit-entries" => format!("matrix-credit-{}", o.unit["id"].as_str().unwrap()),
        "credit-objections" => format!("matrix-cobj-{}", o.unit["id"].as_str().unwrap()),
        "honours" => format!("matrix-honours-{}", o.unit["id"].as_str().unwrap()),
        "assessments" => format!("matrix-assess-{}", o.unit["id"].as_str().unwrap()),
        "assessment-campaigns" => format!("matrix-acamp-{}", o.unit["id"].as_str().unwrap()),
        "filings" => o.filing.clone(),
        "designations" => o.designation.clone(),
        "protection-levels" => crate::protection_levels::matrix_order(o),
        "bulletins" => crate::bulletins::matrix_bulletin(o),
        "watchlists" => format!("matrix-wl-{token}"),
        "watchlist-hits" => format!("matrix-hit-{token}"),
        "pias" => format!("matrix-pia-{token}"),
        "semesters" => crate::universities::matrix_semester(o),
        "volunteer-teams" | "crisis-cases" => crate::wellbeing::matrix_id(path, o.unit["id"].as_str().unwrap()),
        other => panic!("no object for {other}"),
    }
}

/// The patrol route or round `objects` made for the unit (tests/it/patrol.rs; docs/PATROL.md).
pub(crate) fn patrol_id(path: &str, o: &Objects) -> String {
    let unit = o.unit["id"].as_str().unwrap();
    if path.contains("/rounds/") {
        format!("matrix-round-{unit}")
    } else {
        format!("matrix-route-{unit}")
    }
}

/// A patrol route with one checkpoint and a round of it in progress at the unit, made in the
/// database (only the unit's manager may make a route).
pub(crate) async fn patrol_objects(app: &TestApp, unit: &str) {
    app.exec_sql(&format!(
        "INSERT INTO patrol_routes (id, unit_id, name, note, schedule, max_minutes, version, created_at, updated_at) \
         VALUES ('matrix-route-{unit}', '{unit}', '矩阵路线', '', '[]', 60, 1, 0, 0) ON CONFLICT (id) DO NOTHING;
         INSERT INTO patrol_checkpoints (id, route_id, unit_id, seq, name, location, tag) \
         VALUES ('matrix-cp-{unit}', 'matrix-route-{unit}', '{unit}', 1, '矩阵巡查点', '', 'MATRIX-1') ON CONFLICT (id) DO NOTHING;
         INSERT INTO patrol_rounds (id, route_id, unit_id, route_name, guard_id, guard_name, state, started_at, finished_at, expected, max_minutes) \
         VALUES ('matrix-round-{unit}', 'matrix-route-{unit}', '{unit}', '矩阵路线', '', '矩阵保安', 'in_progress', 0, NULL, \
         '[{{\"id\":\"matrix-cp-{unit}\",\"seq\":1,\"name\":\"矩阵巡查点\",\"tag\":\"MATRIX-1\"}}]', 60) ON CONFLICT (id) DO NOTHING;
         INSERT INTO patrol_visits (id, round_id, checkpoint_id, checkpoint_name, visited_at, method, photo_id) \
         VALUES ('matrix-visit-{unit}', 'matrix-round-{unit}', 'matrix-cp-{unit}', '矩阵巡查点', 0, 'tap', NULL) ON CONFLICT (id) DO NOTHING;"
    ))
    .await;
}

/// The equipment post, item or check `objects` made for the unit (docs/EQUIPMENT.md).
pub(crate) fn equipment_id(path: &str, o: &Objects) -> String {
    let unit = o.unit["id"].as_str().unwrap();
    if path.contains("/items/") {
        format!("matrix-eqitem-{unit}")
    } else if path.contains("/checks/") {
        format!("matrix-eqcheck-{unit}")
    } else {
        format!("matrix-eqpost-{unit}")
    }
}

/// A post with one item and a check of it at the unit, made in the database (only the unit's
/// manager may make them).
pub(crate) async fn equipment_objects(app: &TestApp, unit: &str) {
    app.exec_sql(&format!(
        "INSERT INTO equipment_posts (id, unit_id, name, location, kind, key_area_id, version, created_at, updated_at) \
         VALUES ('matrix-eqpost-{unit}', '{unit}', '矩阵岗位', '', 'other', NULL, 1, 0, 0) ON CONFLICT (id) DO NOTHING;
         INSERT INTO equipment_items (id, post_id, unit_id, item_type, quantity, purchased_on, expires_on, note, version, created_at, updated_at) \
         VALUES ('matrix-eqitem-{unit}', 'matrix-eqpost-{unit}', '{unit}', 'shield', 1, '2025-09-01', NULL, '', 1, 0, 0) ON CONFLICT (id) DO NOTHING;
         INSERT INTO equipment_checks (id, item_id, unit_id, checked_on, checked_at, checker_name, result, note) \
         VALUES ('matrix-eqcheck-{unit}', 'matrix-eqitem-{unit}', '{unit}', '2025-09-02', 0, '矩阵保安', 'good', '') ON CONFLICT (id) DO NOTHING;"
    ))
    .await;
}

/// The drill `objects` made for the unit (tests/it/drills.rs; docs/DRILLS.md).
pub(crate) fn drill_id(o: &Objects) -> String {
    format!("matrix-drill-{}", o.unit["id"].as_str().unwrap())
}

/// An evaluated drill with its first step recorded and one shortfall, made in the database.
pub(crate) async fn drill_objects(app: &TestApp, unit: &str) {
    app.exec_sql(&format!(
        "INSERT INTO drills (id, unit_id, scenario, plan_id, title, planned_at, participants_count, people, police_station, \
         expected, state, started_at, finished_at, evaluation, overall, created_by, created_at, version) \
         VALUES ('matrix-drill-{unit}', '{unit}', 'fire', NULL, '矩阵演练', 0, 5, '', '', \
         '[{{\"seq\":1,\"label\":\"报警\",\"target_minutes\":1}}]', 'evaluated', 0, 60000, \
         '{{\"scores\":[],\"overall\":0,\"strengths\":[],\"shortfalls\":[{{\"seq\":1,\"text\":\"矩阵不足\",\"hazard_id\":null}}],\"evaluated_by\":\"矩阵\",\"evaluated_at\":\"2026-01-01T00:00:00Z\"}}', \
         0, '矩阵', 0, 1) ON CONFLICT (id) DO NOTHING;
         INSERT INTO drill_steps (id, drill_id, seq, label, at, recorded_by) \
         VALUES ('matrix-step-{unit}', 'matrix-drill-{unit}', 1, '报警', 1000, '矩阵') ON CONFLICT (id) DO NOTHING;"
    ))
    .await;
}

/// The alarm `objects` made for the unit (tests/it/alarms.rs; docs/ALARMS.md).
pub(crate) fn alarm_id(o: &Objects) -> String {
    format!("matrix-alarm-{}", o.unit["id"].as_str().unwrap())
}

/// The report `objects` made for the unit (tests/it/reports.rs; docs/REPORTS.md).
pub(crate) fn report_id(o: &Objects) -> String {
    format!("matrix-report-{}", o.unit["id"].as_str().unwrap())
}

/// An incident report of the unit routed to its station, made in the database (only the unit's
/// accounts file one).
pub(crate) async fn report_objects(app: &TestApp, unit: &Value) {
    let id = unit["id"].as_str().unwrap();
    let station = unit["police_station_id"]
        .as_str()
        .map_or("NULL".to_string(), |s| format!("'{s}'"));
    let division = unit["division_code"].as_str().unwrap();
    app.exec_sql(&format!(
        "INSERT INTO reports (id, receipt_no, kind, source, unit_id, station_id, division_code, key_area_id, place, title, \
         details, occurred_at, people, first_actions, scene_preserved, reporter_id, reporter_name, contact, anonymous, client, \
         status, submitted_at, acknowledged_at, acknowledged_by, closed_at) \
         VALUES ('matrix-report-{id}', 'MATRIX-{id}', 'incident', 'unit', '{id}', {station}, '{division}', NULL, '', '矩阵报告', \
         '', NULL, NULL, '', FALSE, NULL, '矩阵保安', NULL, FALSE, '', 'submitted', 0, NULL, NULL, NULL) \
         ON CONFLICT (id) DO NOTHING;"
    ))
    .await;
    // A photo of it (a PNG signature), stored as a file of an older version: not encrypted.
    let png = if app.database_url.is_some() {
        "'\\x89504e470d0a1a0a'::bytea"
    } else {
        "X'89504E470D0A1A0A'"
    };
    app.exec_sql(&format!(
        "INSERT INTO attachments (id, unit_id, owner_kind, owner_id, name, content_type, size, data, uploaded_by, \
         created_at, data_encrypted) VALUES ('matrix-rphoto-{id}', '{id}', 'report', 'matrix-report-{id}', 'matrix.png', \
         'image/png', 8, {png}, '矩阵保安', 0, (1=0)) ON CONFLICT (id) DO NOTHING;"
    ))
    .await;
}

/// A drill alarm of the unit, made in the database (only the unit's accounts raise one).
pub(crate) async fn alarm_objects(app: &TestApp, unit: &str) {
    app.exec_sql(&format!(
        "INSERT INTO alarms (id, unit_id, key_area_id, scenario, note, drill, source, device_id, caller_id, caller_name, \
         raised_at, alert_id, arrived_at, arrival_by, arrival_note, arrival_recorded_at) \
         VALUES ('matrix-alarm-{unit}', '{unit}', NULL, 'other', '', TRUE, 'button', NULL, NULL, '矩阵保安', 0, NULL, NULL, NULL, '', NULL) \
         ON CONFLICT (id) DO NOTHING;"
    ))
    .await;
}

/// A liaison point assigned to the unit and an open private-enterprise request of it, made in
/// the database (docs/LIAISON.md, docs/ENTERPRISE-REQUESTS.md).
pub(crate) async fn enterprise_objects(app: &TestApp, unit: &str) {
    app.exec_sql(&format!(
        "INSERT INTO liaison_points (id, officer_id, name, officer_org_name, team_name, park_name, contact_hours, \
         phone_enc, org_id, org_name, created_by, created_at) \
         VALUES ('matrix-liaison-{unit}', NULL, '矩阵联络组', NULL, '矩阵联络组', '', '工作日', NULL, NULL, NULL, '矩阵', 0) \
         ON CONFLICT (id) DO NOTHING;
         INSERT INTO liaison_assignments (id, point_id, unit_id, assigned_at, assigned_by, unassigned_at, unassigned_by) \
         VALUES ('matrix-la-{unit}', 'matrix-liaison-{unit}', '{unit}', 0, '矩阵', NULL, NULL) ON CONFLICT (id) DO NOTHING;
         INSERT INTO enterprise_requests (id, unit_id, station_id, kind, text, state, filed_by, filed_by_name, filed_at, \
         deadline, overdue, closing_note) \
         VALUES ('matrix-ereq-{unit}', '{unit}', NULL, 'other', '矩阵诉求', 'open', '', '矩阵', 0, 0, FALSE, '') \
         ON CONFLICT (id) DO NOTHING;"
    ))
    .await;
}

/// An assessment campaign over the unit's division and a police draft assessment of the unit
/// without items (docs/ASSESSMENT.md), made in the store.
pub(crate) async fn assessment_objects(app: &TestApp, unit: &str) {
    app.exec_sql(&format!(
        "INSERT INTO assessment_campaigns (id, title, assessor, assessor_org, division_prefix, station_id, department_id, \
         unit_kind, org_id, created_by, created_at) \
         SELECT 'matrix-acamp-{unit}', '矩阵评估批次', 'police', '', division_code, NULL, NULL, NULL, NULL, '矩阵', 0 \
         FROM units WHERE id = '{unit}' ON CONFLICT (id) DO NOTHING; \
         INSERT INTO assessments (id, campaign_id, unit_id, assessor, assessor_org, checklist_id, variant, period_from, \
         period_to, state, items, outcome_cases, created_by, created_at, escalation_trigger, version) \
         VALUES ('matrix-assess-{unit}', 'matrix-acamp-{unit}', '{unit}', 'police', '', 'matrix', 'all_units', 0, 1, \
         'draft', '[]', 0, '矩阵', 0, '', 0) ON CONFLICT (id) DO NOTHING"
    ))
    .await;
}

/// A credit entry of the unit (in force for a year) with a pending objection, made in the
/// database (docs/CREDIT.md).
pub(crate) async fn credit_objects(app: &TestApp, unit: &str) {
    let year = chrono::Utc::now().timestamp_millis() + 365 * 86_400_000;
    app.exec_sql(&format!(
        "INSERT INTO credit_records (id, unit_id, kind, points, source_id, basis, reason, recorded_by, recorded_at, \
         expires_at, manual, published, recorded_org_id, withdrawn_at, withdrawal_reason) \
         VALUES ('matrix-credit-{unit}', '{unit}', 'other_violation', 1, NULL, '矩阵依据', '矩阵理由', '矩阵', 0, {year}, \
         TRUE, TRUE, NULL, NULL, '') ON CONFLICT (id) DO NOTHING;
         INSERT INTO credit_objections (id, record_id, unit_id, text, state, filed_by, filed_by_name, filed_at, deadline, \
         overdue, decision_reason, old_points, old_expires_at) \
         VALUES ('matrix-cobj-{unit}', 'matrix-credit-{unit}', '{unit}', '矩阵异议', 'pending', '', '矩阵', 0, {year}, \
         FALSE, '', 1, {year}) ON CONFLICT (id) DO NOTHING;"
    ))
    .await;
}

/// A pending 平安单位 application of the unit for last year, made in the database
/// (docs/HONOURS.md).
pub(crate) async fn honours_objects(app: &TestApp, unit: &str) {
    app.exec_sql(&format!(
        "INSERT INTO safe_unit_titles (id, unit_id, year, state, statement, applied_by, applied_by_name, applied_at, \
         decision_reason, revoke_reason) \
         VALUES ('matrix-honours-{unit}', '{unit}', 2000, 'applied', '矩阵申请', '', '矩阵', 0, '', '') \
         ON CONFLICT (id) DO NOTHING;"
    ))
    .await;
}

fn json_or_null(v: &Value) -> String {
    if v.is_null() {
        "null".into()
    } else {
        v.to_string()
    }
}

fn fill(template: &str, o: &Objects, n: usize) -> Value {
    let u = &o.unit;
    let s = template
        .replace("{n}", &n.to_string())
        .replace(
            "{due_date}",
            &(chrono::Utc::now() + chrono::Duration::days(14))
                .date_naive()
                .to_string(),
        )
        .replace(
            "{deadline}",
            &(chrono::Utc::now() + chrono::Duration::days(10)).to_rfc3339(),
        )
        .replace("{now}", &chrono::Utc::now().to_rfc3339())
        .replace("{uscc}", &uscc(&format!("9133010600{n:07}")))
        .replace("{unit}", u["id"].as_str().unwrap())
        .replace("{unit_name}", u["name"].as_str().unwrap())
        .replace("{unit_version}", &u["version"].to_string())
        .replace("{unit_kind}", u["kind"].as_str().unwrap())
        .replace("{unit_uscc}", u["uscc"].as_str().unwrap())
        .replace("{division}", u["division_code"].as_str().unwrap())
        .replace("{station}", &json_or_null(&u["police_station_id"]))
        .replace("{department}", &json_or_null(&u["competent_department_id"]));
    serde_json::from_str(&s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// A refusal: not signed in, not allowed, or not in the jurisdiction.
fn refused(s: u16, v: &Value) -> bool {
    s == 403 || s == 404 || (s == 401 && v["error"]["code"] == "unauthenticated")
}

#[tokio::test]
async fn every_route_for_every_role_in_and_out_of_jurisdiction() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;

    // Completeness: the table, the OpenAPI document and the router source agree.
    let (_, doc) = admin.get("/api/v1/openapi.json").await;
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(p, ops)| ops.as_object().unwrap().keys().map(move |m| (m.clone(), p.clone())))
        .collect();
    // Filters are query parameters: only `{…}` segments of a path are path parameters; the one
    // header parameter is the `Idempotency-Key` of POSTs (tests/it/idempotency.rs).
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                let in_path = path.contains(&format!("{{{name}}}"));
                let expected = match (in_path, name) {
                    (true, _) => "path",
                    (false, "Idempotency-Key") => "header",
                    (false, _) => "query",
                };
                assert_eq!(p["in"].as_str(), Some(expected), "{method} {path}: parameter {name}");
            }
        }
    }
    let tabled: BTreeSet<(String, String)> = table()
        .iter()
        .map(|(m, p, _, _)| (m.to_string(), p.to_string()))
        .collect();
    let missing: Vec<_> = documented.difference(&tabled).collect();
    assert!(
        missing.is_empty(),
        "routes without an entry in the authorization matrix: {missing:?}"
    );
    let extra: Vec<_> = tabled
        .difference(&documented)
        .filter(|(_, p)| p != "/api/v1/openapi.json")
        .collect();
    assert!(extra.is_empty(), "matrix entries for undocumented routes: {extra:?}");
    let source = web_sources("api");
    for part in source.split("\"/api/").skip(1) {
        let path = format!("/api/{}", part.split('"').next().unwrap());
        assert!(
            tabled.iter().any(|(_, p)| *p == path),
            "route {path} is registered but not in the authorization matrix"
        );
    }

    // Each role's own jurisdiction: the demo unit where the role sees it, else the first unit it
    // lists (the education department's universities). Outside: a unit in Ningbo (3302).
    let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    let demo_unit = me["unit_id"].as_str().unwrap().to_string();
    let mut bundles: HashMap<String, Objects> = HashMap::new();
    let mut clients = Vec::new();
    let mut jobs: HashMap<String, String> = HashMap::new();
    for (username, role) in ROLES {
        let c = app.client_for(username).await;
        let (s, _) = c.get(&format!("/api/v1/units/{demo_unit}")).await;
        // A third-party assessor sees no unit outside the assessment: its own is the demo unit,
        // assigned to it below.
        let unit = if s == 200 || role == "assessor" {
            demo_unit.clone()
        } else {
            let (_, l) = c.get("/api/v1/units?per_page=1").await;
            l["items"][0]["id"].as_str().expect("a unit in scope").to_string()
        };
        if !bundles.contains_key(&unit) {
            let o = objects(&app, &admin, &unit).await;
            bundles.insert(unit.clone(), o);
        }
        // The role's own API token (its id is the in-scope object of DELETE /tokens/{id}).
        let (_, me) = c.get("/api/v1/me").await;
        let token_id = app
            .store
            .create_api_token(
                &neibao_domain::accounts::NewApiToken {
                    user_id: me["id"].as_str().unwrap().to_string(),
                    token_hash: neibao_domain::ids::token_hash(&format!("matrix-{username}")),
                    name: "矩阵自有令牌".into(),
                    scope: neibao_domain::accounts::TokenScope::Read,
                    expires_at: None,
                },
                &neibao_domain::access::Principal::system("test").audit("token.create", "api_tokens", "", None),
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        // The role's own import job (only those who may import have one; the others are
        // refused before the job is looked up).
        if allowed(Access::Police, role) {
            jobs.insert(token_id.clone(), crate::imports::job_of(&c).await);
        }
        crate::watchlists::matrix_objects(&app, &c, &token_id).await;
        clients.push((username, role, c, unit, token_id));
    }
    // The rule the PUT/versions/backtest rows work on, scoped to the demo unit's division (inside
    // every rule writer's jurisdiction).
    let (_, du) = admin.get(&format!("/api/v1/units/{demo_unit}")).await;
    let (s, r) = admin
        .post(
            "/api/v1/alert_rules",
            json!({"code": "matrix_rule", "title": "矩阵规则", "severity": "low", "kind": {"type": "match"},
                   "condition": "kind == \"motion\"", "scope": {"division_prefix": du["division_code"]}}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let (_, ningbo) = admin.get("/api/v1/units?division=3302&per_page=1").await;
    let outside = objects(&app, &admin, ningbo["items"][0]["id"].as_str().unwrap()).await;
    let admin_token = clients[0].4.clone();
    crate::assessment_third_party::matrix_assignment(&app, &demo_unit).await;

    let mut n = 0;
    let mut failures = Vec::new();
    for (method, template, access, body) in table() {
        if access == Access::Public {
            continue;
        }
        for (username, role, c, unit, token) in &clients {
            let own = &bundles[unit];
            let may = allowed(access, role);
            // Checklists are reference data, the same for everyone.
            let has_object = (template.contains("{id}") && !template.starts_with("/api/v1/checklists/"))
                || body.is_some_and(|b| b.contains("\"{unit}\""));
            // Inside the jurisdiction.
            n += 1;
            let path = |o: &Objects, token: &str| {
                let mut p = template
                    .replace("/divisions/{code}", "/divisions/330106")
                    .replace("{rule}", "intrusion_key_area")
                    .replace("{class}", "events")
                    .replace("{variant}", "all_units")
                    .replace("{code}", "matrix_rule")
                    .replace("{object}", "events")
                    .replace("{subject}", "8")
                    .replace("{group}", "matrix-none")
                    .replace("{check}", "matrix-none")
                    .replace("{file_id}", &crate::bulletins::matrix_bulletin_file(o))
                    .replace("{visit}", &format!("matrix-visit-{}", o.unit["id"].as_str().unwrap()))
                    .replace("{standard}", "default-key-unit-gate")
                    .replace("{version}", "1")
                    .replace("{seq}", "1")
                    .replace("{photo}", &format!("matrix-rphoto-{}", o.unit["id"].as_str().unwrap()))
                    .replace("{n}", "1");
                if template.starts_with("/api/v1/imports/") {
                    // Outside: the administrator's job (someone else's).
                    let job = jobs.get(token).or_else(|| jobs.get(&admin_token)).unwrap();
                    p = p.replace("{id}", job);
                }
                if p.contains("{id}") {
                    p = p.replace("{id}", &id_for(template, o, token));
                }
                p = p.replace("{person_id}", &o.person);
                p = p
                    .replace("{entry_id}", &format!("matrix-entry-{token}"))
                    .replace("{staff_id}", &o.staff_member)
                    .replace("{guard_id}", &o.guard_member);
                if method == "delete" && template.starts_with("/api/v1/units/{id}/security/") {
                    p.push_str("?version=0");
                }
                if method == "delete" && template.ends_with("/persons/{person_id}") {
                    p.push_str("?version=0");
                }
                if template.ends_with("/raw") || template.ends_with("/images/{n}") || template.ends_with("/photo") {
                    p.push_str("?purpose=授权矩阵测试");
                }
                p
            };
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let (s, v) = c
                .send(m.clone(), &path(own, token), body.map(|b| fill(b, own, n)))
                .await;
            let ok = if *role == "assessor" && !may {
                // Refused: by its role, or because it reaches no unit outside the assessment.
                matches!(s, 403 | 404)
            } else if *role == "assessor" && !assessor_route(template) {
                blind(s, &v.to_string(), own.unit["id"].as_str().unwrap())
            } else if may {
                !refused(s, &v) && s < 500
            } else if access == Access::CaseNamed {
                s == 403 || s == 404
            } else {
                s == 403
            };
            if !ok {
                failures.push(format!(
                    "{username} {method} {template} (own, {}): {s} {v}",
                    if may { "allowed" } else { "forbidden" }
                ));
            }
            // Outside it (administrators and the province see everything in Zhejiang).
            if has_object && !matches!(*role, "admin" | "police_province") {
                n += 1;
                let (s, v) = c
                    .send(m, &path(&outside, &admin_token), body.map(|b| fill(b, &outside, n)))
                    .await;
                if !(s == 403 || s == 404) {
                    failures.push(format!("{username} {method} {template} (outside): {s} {v}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {n} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The text of every source file under `crates/web/src/{folder}` (routes are registered there).
pub fn web_sources(folder: &str) -> String {
    fn walk(dir: &std::path::Path, out: &mut String) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push_str(&std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    let mut out = String::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../web/src")
            .join(folder),
        &mut out,
    );
    out
}

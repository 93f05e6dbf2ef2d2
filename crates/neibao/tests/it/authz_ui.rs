//! The authorization matrix of the UI: every page and form route (read from the router source, so
//! a new one without an entry here fails) × every role, against an object in the role's
//! jurisdiction and one outside it, through a signed-in browser session with its CSRF token.
//! Pages a role may not use answer 403, objects outside its jurisdiction 404; forms are sent with
//! values that change nothing lasting (wrong passwords, unchanged settings, refused actions).

use std::collections::BTreeSet;

use crate::authz::{allowed, assessor_route, blind, objects, Access, Objects, ROLES};
use crate::common::*;

/// The form of a file upload (sent as multipart/form-data with a small PDF).
const UPLOAD: &[(&str, &str)] = &[("file", "@upload")];
/// A new data rule in the object's division.
const RULE_FORM: &[(&str, &str)] = &[
    ("action", "save"),
    ("code", "ui_matrix_{n}"),
    ("title", "界面矩阵规则"),
    ("severity", "low"),
    ("kind", "match"),
    ("condition", "kind == \"motion\""),
    ("division_prefix", "{division}"),
];
/// The matrix's own rule, edited.
const MATRIX_RULE_FORM: &[(&str, &str)] = &[
    ("action", "save"),
    ("title", "界面矩阵规则{n}"),
    ("severity", "low"),
    ("kind", "match"),
    ("condition", "kind == \"motion\""),
    ("division_prefix", "{rule_division}"),
];

/// Method, path, who may use it, form fields (`{…}` filled from the objects).
type Row = (
    &'static str,
    &'static str,
    Access,
    &'static [(&'static str, &'static str)],
);

fn table() -> Vec<Row> {
    use Access::*;
    vec![
        ("get", "/", Any, &[]),
        ("get", "/account", Any, &[]),
        (
            "post",
            "/account/password",
            Any,
            &[
                ("current_password", "wrong"),
                ("new_password", "Xk7#mq-Lw9-pz"),
                ("new_password_again", "Xk7#mq-Lw9-pz"),
            ],
        ),
        ("post", "/account/settings", Admin, &[]),
        (
            "post",
            "/account/tokens",
            NotGuards,
            &[("name", "界面矩阵令牌"), ("scope", "read"), ("expires_days", "30")],
        ),
        ("post", "/account/tokens/{id}/revoke", Any, &[]),
        ("get", "/account/totp", Any, &[]),
        (
            "post",
            "/account/totp",
            Any,
            &[("action", "confirm"), ("code", "000000")],
        ),
        ("get", "/alerts", Any, &[]),
        ("get", "/alerts/stats", Any, &[]),
        ("get", "/alerts/{id}", Any, &[]),
        ("post", "/alerts/{id}/acknowledge", Alerts, &[("comment", "界面矩阵")]),
        ("post", "/alerts/{id}/resolve", Alerts, &[("comment", "界面矩阵")]),
        (
            "post",
            "/alerts/{id}/false_positive",
            Alerts,
            &[("reason", "other"), ("comment", "界面矩阵")],
        ),
        ("get", "/audit", Police, &[]),
        (
            "post",
            "/campaigns",
            Supervisors,
            &[
                ("title", "界面矩阵专项"),
                ("due_date", "{due_date}"),
                ("division_prefix", "{division}"),
            ],
        ),
        ("get", "/campaigns/{id}", Any, &[]),
        // Nothing of the matrix's campaign waits to be handed out or assigned: refused with 409/400.
        ("post", "/campaigns/{id}/hand_out", Officers, &[]),
        ("post", "/campaigns/{id}/assign", Officers, &[("user_id", "")]),
        ("post", "/inspections/{id}/assignee", Officers, &[("user_id", "")]),
        ("get", "/checklists", Any, &[]),
        ("get", "/checklists/{id}", Any, &[]),
        ("post", "/checklists/{id}/versions", Checklists, &[]),
        ("get", "/devices", Any, &[]),
        (
            "post",
            "/devices",
            Devices,
            &[
                ("unit_id", "{unit}"),
                ("format", "hikvision"),
                ("kind", "camera"),
                ("name", "界面矩阵摄像机"),
            ],
        ),
        ("get", "/devices/health", Any, &[]),
        ("get", "/documents/{id}/pdf", Any, &[]),
        ("get", "/documents", Any, &[]),
        ("get", "/documents/{id}", Any, &[]),
        ("post", "/documents/{id}/actions", Nobody, &[("text", "矩阵处理情况")]),
        ("post", "/documents/{id}/receipt", UnitAccounts, &[]),
        ("get", "/events", Any, &[]),
        ("get", "/hazards", Any, &[]),
        (
            "post",
            "/hazards",
            Inspectors,
            &[
                ("unit_id", "{unit}"),
                ("title", "界面矩阵隐患"),
                ("class", "general"),
                ("source", "report"),
            ],
        ),
        ("get", "/hazards/new?unit_id={unit}", Inspectors, &[]),
        ("get", "/hazards/{id}", Any, &[]),
        // Issuing an order is the police side of the ladder; the unit's own steps are in supervision.rs.
        (
            "post",
            "/hazards/{id}/act",
            Officers,
            &[("action", "issue_order"), ("deadline", "{due_date}")],
        ),
        ("post", "/hazards/{id}/evidence", Inspectors, UPLOAD),
        ("get", "/inbox", Any, &[]),
        ("get", "/divisions", Any, &[]),
        ("get", "/setup", Admin, &[]),
        (
            "post",
            "/setup",
            Admin,
            &[
                ("division_code", "330100"),
                ("org_name", "矩阵局"),
                ("username", "matrix_ui_setup"),
                ("display_name", "矩阵"),
                ("password", "Matrix-Setup-2026"),
                ("password_again", "Matrix-Setup-2026"),
            ],
        ),
        ("get", "/inbox/badge", Any, &[]),
        ("post", "/inbox/read", Any, &[]),
        ("post", "/inspections", Inspectors, &[("unit_id", "{unit}")]),
        ("get", "/inspections/{id}", Any, &[]),
        ("post", "/inspections/{id}", Officers, &[("action", "save")]),
        ("post", "/inspections/{id}/evidence", Officers, UPLOAD),
        ("get", "/retention", Police, &[]),
        (
            "post",
            "/retention/holds",
            Police,
            &[
                ("case_no", "界面矩阵保全"),
                ("unit", "{unit}"),
                ("reason", "界面矩阵测试"),
            ],
        ),
        ("post", "/retention/holds/{id}/release", Police, &[]),
        ("post", "/retention/{class}", Admin, &[("max_days", "400")]),
        ("get", "/supervision", Any, &[]),
        ("get", "/supervision/settings", SettingsReaders, &[]),
        ("post", "/supervision/settings", Bureau, &[]),
        ("get", "/units", Any, &[]),
        (
            "post",
            "/units",
            Police,
            &[
                ("name", "界面矩阵单位"),
                ("kind", "enterprise"),
                ("uscc", "{uscc}"),
                ("division_code", "{division}"),
            ],
        ),
        ("get", "/units/lookup", Police, &[]),
        (
            "post",
            "/units/lookup",
            Police,
            &[("citizen_id", "11010519491231002X"), ("purpose", "界面矩阵测试")],
        ),
        ("get", "/units/new", Police, &[]),
        ("get", "/imports", Police, &[]),
        ("get", "/imports/units", Police, &[]),
        ("post", "/imports/units", Police, UPLOAD),
        ("get", "/imports/key_areas", Police, &[]),
        ("post", "/imports/key_areas", Police, UPLOAD),
        ("get", "/imports/persons", Police, &[]),
        ("post", "/imports/persons", Police, UPLOAD),
        ("get", "/imports/accounts", Admin, &[]),
        ("post", "/imports/accounts", Admin, UPLOAD),
        ("get", "/imports/devices", Police, &[]),
        ("post", "/imports/devices", Police, UPLOAD),
        ("get", "/imports/{id}", Police, &[]),
        ("get", "/units/{id}", Any, &[]),
        ("get", "/units/{id}/edit", Police, &[]),
        // Version 0 is never current: an allowed caller gets the form again with 409.
        (
            "post",
            "/units/{id}/edit",
            Police,
            &[("version", "0"), ("name", "界面矩阵单位")],
        ),
        // The unit's rules (docs/RULEBOOK.md); signing names no current version (409).
        ("get", "/rulebook", Any, &[]),
        ("get", "/units/{id}/rulebook", Any, &[]),
        (
            "post",
            "/units/{id}/rulebook/versions",
            Rulebook,
            &[
                ("subject", "1"),
                ("title", "界面矩阵制度"),
                ("body", "界面矩阵制度正文"),
                ("approved_on", "2026-01-01"),
                ("published_on", "2026-01-02"),
            ],
        ),
        (
            "post",
            "/units/{id}/rulebook/applicability",
            Rulebook,
            &[("not_applicable", "0")],
        ),
        ("post", "/units/{id}/rulebook/{subject}/pdf", Rulebook, UPLOAD),
        (
            "post",
            "/units/{id}/rulebook/acknowledge",
            UnitAccounts,
            &[("subject", "1"), ("version_id", "matrix-no-version")],
        ),
        // Patrols (docs/PATROL.md): the route and round `objects` made; version 0 is never
        // current (409), the tag is not the route's (400).
        ("get", "/units/{id}/patrol", Any, &[]),
        (
            "post",
            "/units/{id}/patrol/routes",
            Rulebook,
            &[
                ("name", "界面矩阵路线"),
                ("max_minutes", "60"),
                ("checkpoints", "UI-MX，界面矩阵点"),
            ],
        ),
        ("get", "/patrol/routes/{id}", Any, &[]),
        (
            "post",
            "/patrol/routes/{id}",
            Rulebook,
            &[("version", "0"), ("name", "界面矩阵路线"), ("max_minutes", "60")],
        ),
        ("post", "/patrol/routes/{id}/start", UnitAccounts, &[]),
        ("get", "/patrol/rounds/{id}", Any, &[]),
        (
            "post",
            "/patrol/rounds/{id}/visit",
            UnitAccounts,
            &[("tag", "NOT-ON-ROUTE")],
        ),
        ("post", "/patrol/rounds/{id}/visits/{visit}/photo", UnitAccounts, UPLOAD),
        ("post", "/patrol/rounds/{id}/finish", UnitAccounts, &[]),
        // Protective equipment (docs/EQUIPMENT.md): the `objects`' post, item and check; version
        // 0 is never current (409); the check's PDF is not a photo (400); an empty minimum set
        // is refused (400).
        ("get", "/units/{id}/equipment", Any, &[]),
        (
            "post",
            "/units/{id}/equipment/posts",
            Rulebook,
            &[("name", "界面矩阵岗位"), ("kind", "gate")],
        ),
        (
            "post",
            "/equipment/posts/{id}/items",
            Rulebook,
            &[
                ("item_type", "shield"),
                ("quantity", "1"),
                ("purchased_on", "2025-09-01"),
            ],
        ),
        (
            "post",
            "/equipment/items/{id}",
            Rulebook,
            &[
                ("version", "0"),
                ("item_type", "shield"),
                ("quantity", "1"),
                ("purchased_on", "2025-09-01"),
            ],
        ),
        ("post", "/equipment/items/{id}/check", UnitAccounts, UPLOAD),
        ("get", "/emergency/equipment", Any, &[]),
        ("get", "/equipment/standards", Any, &[]),
        ("post", "/equipment/standards", EquipmentStandards, &[]),
        (
            "post",
            "/equipment/standards/{standard}",
            EquipmentStandards,
            &[("version", "0")],
        ),
        // Emergency plans (docs/EMERGENCY-PLANS.md): the plan `objects` made; version 0 is never
        // current (409).
        ("get", "/units/{id}/emergency-plans", Any, &[]),
        (
            "post",
            "/units/{id}/emergency-plans",
            Rulebook,
            &[("title", "界面矩阵预案"), ("scenario", "fire"), ("steps", "报警")],
        ),
        ("get", "/units/{id}/emergency-plans/new", Rulebook, &[]),
        ("get", "/emergency-plans/{id}", Any, &[]),
        ("get", "/emergency-plans/{id}/edit", Rulebook, &[]),
        (
            "post",
            "/emergency-plans/{id}/edit",
            Rulebook,
            &[
                ("version", "0"),
                ("title", "界面矩阵预案"),
                ("scenario", "fire"),
                ("steps", "报警"),
            ],
        ),
        (
            "post",
            "/emergency-plans/{id}/review",
            Officers,
            &[("version", "0"), ("action", "accept")],
        ),
        ("post", "/emergency-plans/{id}/maps", Rulebook, UPLOAD),
        ("get", "/emergency/plans", Any, &[]),
        // Emergency drills (docs/DRILLS.md): the evaluated drill `objects` made.
        ("get", "/units/{id}/drills", Any, &[]),
        (
            "post",
            "/units/{id}/drills",
            Rulebook,
            &[
                ("scenario", "fire"),
                ("title", "界面矩阵演练"),
                ("planned_at", "2026-12-20T09:30"),
                ("participants_count", "5"),
            ],
        ),
        ("get", "/drills/{id}", Any, &[]),
        (
            "post",
            "/drills/{id}/evaluation",
            Rulebook,
            &[("shortfalls", "矩阵不足")],
        ),
        ("post", "/drills/{id}/hazards", Rulebook, &[("shortfall", "1")]),
        ("get", "/drills/{id}/run", Any, &[]),
        ("post", "/drills/{id}/start", UnitAccounts, &[]),
        ("post", "/drills/{id}/step", UnitAccounts, &[("seq", "1")]),
        ("post", "/drills/{id}/photo", UnitAccounts, UPLOAD),
        ("post", "/drills/{id}/finish", UnitAccounts, &[]),
        ("get", "/emergency/drills", Any, &[]),
        // Visitors (docs/VISITORS.md): hosting is the manager's, the gate the unit's accounts';
        // the visitor's form needs no account.
        ("get", "/visitors", UnitAccounts, &[]),
        ("post", "/visitors/invitations", Rulebook, &[]),
        (
            "post",
            "/visitors/settings",
            Rulebook,
            &[("retention_days", "90"), ("closing_time", "18:00")],
        ),
        ("get", "/visitors/gate", UnitAccounts, &[]),
        ("post", "/visitors/gate/walk-in", UnitAccounts, &[]),
        ("get", "/visitors/{id}", UnitAccounts, &[]),
        ("post", "/visitors/{id}/decision", Rulebook, &[("approve", "0")]),
        (
            "post",
            "/visitors/{id}/check-in",
            UnitAccounts,
            &[("id_number", "E12345678")],
        ),
        ("post", "/visitors/{id}/check-out", UnitAccounts, &[]),
        ("get", "/visit", Public, &[]),
        ("post", "/visit", Public, &[]),
        // Protection levels (docs/PROTECTION-LEVELS.md): the order `objects` made; the change
        // extends it, the measures form sends none (400).
        ("get", "/emergency", Any, &[]),
        ("get", "/emergency/levels", Any, &[]),
        (
            "post",
            "/emergency/levels",
            Officers,
            &[
                ("title", "界面矩阵防范等级"),
                ("level", "raised"),
                ("reason", "界面矩阵"),
                ("division_prefix", "{division}"),
                ("unit_ids", "{unit}"),
                ("ends_at", "2099-01-01T08:00"),
            ],
        ),
        ("get", "/emergency/levels/{id}", Any, &[]),
        (
            "post",
            "/emergency/levels/{id}/change",
            Officers,
            &[
                ("action", "extend"),
                ("reason", "界面矩阵"),
                ("ends_at", "2099-06-01T08:00"),
            ],
        ),
        ("post", "/emergency/levels/{id}/acknowledge", ProtectionLevelUnit, &[]),
        (
            "post",
            "/emergency/levels/{id}/measures",
            ProtectionLevelUnit,
            &[("count", "0")],
        ),
        ("get", "/units/{id}/protection-level", Any, &[]),
        // One-press alarms (docs/ALARMS.md): the alarm `objects` made; a second arrival is 409.
        ("get", "/units/{id}/alarm", Any, &[]),
        ("post", "/units/{id}/alarm", UnitAccounts, &[("drill", "1")]),
        ("get", "/alarms/{id}", Any, &[]),
        ("post", "/alarms/{id}/arrival", Officers, &[("note", "界面矩阵到场")]),
        ("get", "/emergency/alarms", Any, &[]),
        // Bulletins (docs/BULLETINS.md): the empty issue and report forms are refused (400); the
        // unit's manager acknowledges the bulletin `objects` made.
        ("get", "/bulletins", Any, &[]),
        ("post", "/bulletins", Officers, &[("title", "")]),
        ("post", "/bulletins/report", BulletinUnit, &[("title", "")]),
        ("get", "/bulletins/{id}", Any, &[]),
        ("post", "/bulletins/{id}/acknowledge", BulletinUnit, &[]),
        // Files: only the issuer (none of the roles issued the matrix bulletin); the police
        // reply only to a unit's report (the matrix bulletin goes down: 409).
        ("post", "/bulletins/{id}/attachments", Nobody, UPLOAD),
        ("post", "/bulletins/{id}/reply", Officers, &[("text", "界面矩阵回复")]),
        // Reports to the police (docs/REPORTS.md): the report `objects` made; a second
        // acknowledgement is 409. The public form needs no account: an empty form is refused 400.
        ("get", "/units/{id}/report", Reports, &[]),
        // The filing form is multipart (its photos): a PDF in a field that is not a photo and no
        // summary is refused 400 once the caller and the unit pass.
        ("post", "/units/{id}/report", UnitAccounts, UPLOAD),
        ("get", "/reports", Reports, &[]),
        ("get", "/reports/{id}", Reports, &[]),
        ("post", "/reports/{id}/acknowledge", Officers, &[]),
        ("post", "/reports/{id}/handling", Officers, &[("note", "界面矩阵处置")]),
        // A PDF is no photo (400); the reveal of the people, for a purpose (police who handle
        // reports; audited).
        ("post", "/reports/{id}/photos", UnitAccounts, UPLOAD),
        ("post", "/reports/{id}/reveal", Officers, &[("purpose", "界面矩阵查看")]),
        ("get", "/report", Public, &[]),
        ("post", "/report", Public, &[]),
        // Personal-information compliance (docs/COMPLIANCE.md): the objects `objects` made;
        // empty replies, reasons, notes and an incident without a title are 400.
        ("get", "/compliance", PoliceOrManager, &[]),
        (
            "post",
            "/compliance/settings",
            Admin,
            &[("deadline_working_days", "15")],
        ),
        (
            "post",
            "/compliance/activities",
            PoliceOrManager,
            &[
                ("purpose", "video"),
                ("legal_basis", "legal_duty"),
                ("categories", "image"),
                ("retention_days", "30"),
            ],
        ),
        (
            "post",
            "/compliance/requests",
            PoliceOrManager,
            &[
                ("kind", "access"),
                ("subject_name", "界面矩阵"),
                ("content", "界面矩阵请求"),
            ],
        ),
        (
            "post",
            "/compliance/breaches",
            PoliceOrManager,
            &[("title", "界面矩阵事件"), ("description", "界面矩阵")],
        ),
        ("get", "/compliance/activities/{id}", PoliceOrManager, &[]),
        (
            "post",
            "/compliance/activities/{id}",
            ComplianceUnit,
            &[("purpose", "video")],
        ),
        ("get", "/compliance/requests/{id}", PoliceOrManager, &[]),
        ("post", "/compliance/requests/{id}/reply", ComplianceUnit, &[]),
        ("post", "/compliance/requests/{id}/refuse", ComplianceUnit, &[]),
        ("get", "/compliance/breaches/{id}", PoliceOrManager, &[]),
        ("post", "/compliance/breaches/{id}", ComplianceUnit, &[]),
        (
            "post",
            "/compliance/breaches/{id}/notifications",
            ComplianceUnit,
            &[("target", "authority")],
        ),
        ("post", "/compliance/breaches/{id}/close", ComplianceUnit, &[]),
        // Liaison points and private-enterprise requests (docs/LIAISON.md,
        // docs/ENTERPRISE-REQUESTS.md): the objects `objects` made; an unknown handler is 400, a
        // rating of an open request or a second closure 409.
        ("get", "/liaison", Any, &[]),
        (
            "post",
            "/liaison/points",
            Officers,
            &[
                ("team_name", "界面矩阵联络组"),
                ("contact_hours", "工作日"),
                ("phone", "13812345678"),
                ("unit_ids", "{unit}"),
            ],
        ),
        ("get", "/liaison/points/{id}", Any, &[]),
        (
            "post",
            "/liaison/points/{id}/units",
            Officers,
            &[("unit_ids", "{unit}")],
        ),
        ("get", "/units/{id}/liaison", Any, &[]),
        ("get", "/enterprise-requests", Any, &[]),
        (
            "post",
            "/enterprise-requests",
            EnterpriseUnit,
            &[("kind", "other"), ("text", "界面矩阵诉求")],
        ),
        ("get", "/enterprise-requests/{id}", Any, &[]),
        (
            "post",
            "/enterprise-requests/{id}/assign",
            Officers,
            &[("handler_id", "matrix-none")],
        ),
        (
            "post",
            "/enterprise-requests/{id}/reply",
            EnterpriseReply,
            &[("text", "界面矩阵回复")],
        ),
        (
            "post",
            "/enterprise-requests/{id}/close",
            Officers,
            &[("note", "界面矩阵办结")],
        ),
        (
            "post",
            "/enterprise-requests/{id}/rating",
            EnterpriseUnit,
            &[("rating", "satisfied")],
        ),
        ("post", "/enterprise-requests/{id}/attachments", EnterpriseUnit, UPLOAD),
        // Credit (docs/CREDIT.md): the entry and pending objection `objects` made; a second
        // objection is 409, an unknown decision 400.
        ("get", "/units/{id}/credit", Any, &[]),
        (
            "post",
            "/units/{id}/credit",
            Bureau,
            &[
                ("kind", "other_violation"),
                ("points", "0"),
                ("basis", "界面矩阵依据"),
                ("reason", "界面矩阵理由"),
                ("expires_on", "{due_date}"),
            ],
        ),
        (
            "post",
            "/credit/entries/{id}/objection",
            CreditUnit,
            &[("text", "界面矩阵异议")],
        ),
        ("get", "/credit/objections", CreditObjections, &[]),
        // The public 诚信公示 page (no account), the roll-up, 平安单位 (docs/ROLLUP.md,
        // docs/HONOURS.md): an application without a year is 400, an unknown decision 400,
        // revoking a pending application 409.
        ("get", "/credit/public", Public, &[]),
        ("get", "/rollup", SettingsReaders, &[]),
        // Universities (docs/UNIVERSITIES.md): the matrix units are no universities (every
        // write of an allowed role is 409); the semester `objects` made ended in 2000
        // (scheduling it is 409); a semester for a county code is 400.
        ("get", "/units/{id}/university", Any, &[]),
        (
            "post",
            "/units/{id}/university",
            UniversityWriters,
            &[("version", "0"), ("security_office", "界面矩阵保卫处")],
        ),
        (
            "post",
            "/units/{id}/university/colleges",
            UniversityWriters,
            &[("college_name", "界面矩阵学院{n}"), ("college_head", "矩阵")],
        ),
        (
            "post",
            "/units/{id}/university/campuses",
            UniversityWriters,
            &[("campus_name", "界面矩阵校区{n}")],
        ),
        (
            "post",
            "/units/{id}/university/dormitories",
            UniversityWriters,
            &[("dorm_campus", "matrix-none"), ("dorm_name", "界面矩阵楼")],
        ),
        (
            "post",
            "/units/{id}/university/duty",
            UniversityWriters,
            &[
                ("duty_date", "2026-10-01"),
                ("duty_holiday", "国庆节"),
                ("duty_person", "矩阵"),
            ],
        ),
        ("get", "/semesters", Any, &[]),
        (
            "post",
            "/semesters",
            Semesters,
            &[
                ("city_code", "{division}"),
                ("name", "界面矩阵学期"),
                ("starts_on", "2030-02-20"),
                ("ends_on", "2030-07-10"),
            ],
        ),
        ("get", "/semesters/{id}", Any, &[]),
        ("post", "/semesters/{id}/schedule", Semesters, &[]),
        ("get", "/units/{id}/honours", Honours, &[]),
        // 布控 (docs/WATCHLISTS.md): each role's own list, hit and PIA
        // (`crate::watchlists::matrix_objects`, keyed by the role's token and unit).
        ("get", "/watchlists", Watchers, &[]),
        (
            "post",
            "/watchlists",
            Watchers,
            &[
                ("kind", "plate"),
                ("name", "界面矩阵布控"),
                ("legal_basis", "矩阵"),
                ("expires_on", "{due_date}"),
            ],
        ),
        ("get", "/watchlists/{id}", Watchers, &[]),
        (
            "post",
            "/watchlists/{id}",
            Watchers,
            &[
                ("name", "界面矩阵布控"),
                ("legal_basis", "矩阵"),
                ("expires_on", "{due_date}"),
            ],
        ),
        ("post", "/watchlists/{id}/activate", Watchers, &[]),
        ("post", "/watchlists/{id}/deactivate", Watchers, &[]),
        ("post", "/watchlists/{id}/entries", Watchers, &[("plate", "浙A00003")]),
        ("post", "/watchlists/{id}/entries/{entry_id}/delete", Watchers, &[]),
        ("get", "/watchlist-hits", Watchers, &[]),
        ("get", "/watchlist-hits/{id}", Watchers, &[]),
        ("post", "/watchlist-hits/{id}", Watchers, &[("decision", "confirm")]),
        ("get", "/pias", Watchers, &[]),
        (
            "post",
            "/pias",
            Watchers,
            &[
                ("purpose", "other"),
                ("title", "界面矩阵评估"),
                ("necessity", "矩阵"),
                ("risks", "矩阵"),
                ("safeguards", "矩阵"),
            ],
        ),
        ("get", "/pias/{id}", Watchers, &[]),
        ("post", "/pias/{id}/approve", PiaApprovers, &[]),
        (
            "post",
            "/units/{id}/honours",
            FilingUnit,
            &[("statement", "界面矩阵申请")],
        ),
        (
            "post",
            "/honours/{id}/decision",
            Bureau,
            &[("decision", "matrix"), ("reason", "界面矩阵审核")],
        ),
        ("post", "/honours/{id}/revoke", Bureau, &[("reason", "界面矩阵撤销")]),
        ("get", "/credit/objections/{id}", CreditObjections, &[]),
        ("post", "/credit/objections/{id}/evidence", CreditUnit, UPLOAD),
        (
            "post",
            "/credit/objections/{id}/decision",
            Bureau,
            &[("decision", "matrix"), ("reason", "界面矩阵复核")],
        ),
        // The safety assessment (docs/ASSESSMENT.md): the campaign and police draft (without
        // items) `objects` made; a second start is 409, failed items of a draft 409, an
        // evidence for an item not on the sheet 400.
        ("get", "/assessments", Any, &[]),
        (
            "post",
            "/assessments/campaigns",
            Supervisors,
            &[("title", "界面矩阵评估批次"), ("assessor", "police")],
        ),
        ("post", "/assessments/start", Assessors, &[("unit_id", "{unit}")]),
        // Third-party assessors: the demo unit's matrix campaign and draft are its matrix
        // organisation's (tests/it/assessment_third_party.rs `matrix_assignment`); the county
        // bureau launched it and assigns (the unit is assigned already).
        (
            "post",
            "/assessments/campaigns/{id}/assignments",
            CampaignLauncher,
            &[("unit_id", "{unit}")],
        ),
        ("get", "/assessments/{id}", Any, &[]),
        ("post", "/assessments/{id}", SheetWriters, &[("action", "save")]),
        ("post", "/assessments/{id}/hazards", Officers, &[]),
        ("post", "/assessments/{id}/evidence?item=Z1", SheetWriters, UPLOAD),
        // The unit's security staff (docs/SECURITY-STAFF.md): the edits and removals carry
        // version 0 (409), the training names no member (400).
        ("get", "/units/{id}/security", SecurityStaffRead, &[]),
        (
            "post",
            "/units/{id}/security/body",
            SecurityStaffWrite,
            &[("name", "界面矩阵保卫处"), ("kind", "dedicated"), ("head", "界面矩阵")],
        ),
        (
            "post",
            "/units/{id}/security/staff",
            SecurityStaffWrite,
            &[("name", "界面矩阵保卫{n}"), ("full_time", "1")],
        ),
        (
            "post",
            "/units/{id}/security/guards",
            SecurityStaffWrite,
            &[
                ("name", "界面矩阵保安{n}"),
                ("employment", "own_hired"),
                ("citizen_id", "330106198506114563"),
                ("started_on", "2026-01-01"),
            ],
        ),
        (
            "post",
            "/units/{id}/security/trainings",
            SecurityStaffWrite,
            &[
                ("member_id", "matrix-none"),
                ("trained_on", "2026-01-05"),
                ("topic", "界面矩阵培训"),
                ("hours", "2"),
            ],
        ),
        (
            "post",
            "/units/{id}/security/records",
            SecurityStaffWrite,
            &[
                ("kind", "complaint"),
                ("subject", "界面矩阵"),
                ("occurred_on", "2026-01-05"),
                ("content", "界面矩阵投诉"),
            ],
        ),
        (
            "get",
            "/units/{id}/security/staff/{staff_id}/edit",
            SecurityStaffWrite,
            &[],
        ),
        (
            "post",
            "/units/{id}/security/staff/{staff_id}/edit",
            SecurityStaffWrite,
            &[("version", "0"), ("name", "界面矩阵保卫")],
        ),
        (
            "post",
            "/units/{id}/security/staff/{staff_id}/remove",
            SecurityStaffWrite,
            &[("version", "0")],
        ),
        (
            "get",
            "/units/{id}/security/guards/{guard_id}/edit",
            SecurityStaffWrite,
            &[],
        ),
        (
            "post",
            "/units/{id}/security/guards/{guard_id}/edit",
            SecurityStaffWrite,
            &[
                ("version", "0"),
                ("name", "界面矩阵保安"),
                ("employment", "own_hired"),
                ("started_on", "2026-01-01"),
            ],
        ),
        (
            "post",
            "/units/{id}/security/guards/{guard_id}/remove",
            SecurityStaffWrite,
            &[("version", "0")],
        ),
        ("post", "/units/{id}/key_areas", Devices, &[("name", "界面矩阵部位")]),
        // Filings and designations (docs/FILINGS.md): version 0 is stale, so the allowed
        // steps show the page again (400 or 409) and nothing changes.
        ("get", "/filings", Any, &[]),
        ("get", "/units/{id}/filings", Any, &[]),
        (
            "post",
            "/units/{id}/filings",
            FilingUnit,
            &[
                ("kind", "security_body"),
                ("trigger_date", "2026-01-01"),
                ("source_ref", "ui-matrix-{n}"),
            ],
        ),
        (
            "post",
            "/units/{id}/designations",
            Bureau,
            &[("kind", "counter_terror"), ("reason", "界面矩阵提议")],
        ),
        ("get", "/filings/{id}", Any, &[]),
        (
            "post",
            "/filings/{id}",
            FilingUnit,
            &[("action", "submit"), ("version", "0")],
        ),
        ("get", "/designations", Any, &[]),
        ("get", "/designations/{id}", Any, &[]),
        (
            "post",
            "/designations/{id}",
            Bureau,
            &[("action", "reject"), ("version", "0"), ("note", "界面矩阵")],
        ),
        // Video systems (docs/VIDEO.md): a stale version (409), an empty checker, an empty
        // reason and a PDF for a photo (400) once the caller and the unit pass.
        ("get", "/units/{id}/video", Any, &[]),
        (
            "post",
            "/units/{id}/video/system",
            VideoManagers,
            &[("version", "99"), ("storage_days", "30")],
        ),
        (
            "post",
            "/units/{id}/video/cameras",
            Devices,
            &[
                ("name", "界面矩阵摄像机{n}"),
                ("format", "hikvision"),
                ("location_type", "toilet"),
            ],
        ),
        (
            "post",
            "/devices/{id}/placement",
            Devices,
            &[("version", "0"), ("location_type", "entrance")],
        ),
        (
            "post",
            "/units/{id}/video/signage-groups",
            VideoManagers,
            &[("name", "界面矩阵分组{n}")],
        ),
        (
            "post",
            "/units/{id}/video/signage-checks",
            VideoManagers,
            &[("group_id", "none"), ("checked_on", "2026-01-01"), ("checked_by", "")],
        ),
        ("post", "/units/{id}/video/signage-photo", VideoManagers, UPLOAD),
        (
            "post",
            "/units/{id}/video/retrievals",
            UnitAccounts,
            &[
                ("action", "view"),
                ("reason", ""),
                ("footage_from", "2026-01-01T00:00"),
                ("footage_to", "2026-01-01T01:00"),
            ],
        ),
        (
            "post",
            "/units/{id}/persons",
            Devices,
            &[("role", "security_head"), ("name", "界面矩阵责任人")],
        ),
        (
            "post",
            "/units/{id}/persons/{pid}/edit",
            Devices,
            &[("version", "0"), ("role", "principal"), ("name", "界面矩阵负责人")],
        ),
        (
            "post",
            "/units/{id}/persons/{pid}/remove",
            Devices,
            &[("version", "0"), ("confirm", "1")],
        ),
        (
            "post",
            "/units/{id}/persons/{pid}/reveal",
            PoliceOrManager,
            &[("purpose", "界面矩阵测试")],
        ),
        ("post", "/units/{id}/rules/{rule}", Rules, &[("enabled", "1")]),
        ("get", "/reveal/units/{id}", PoliceOrManager, &[]),
        (
            "post",
            "/reveal/units/{id}",
            PoliceOrManager,
            &[("purpose", "界面矩阵测试")],
        ),
        ("post", "/units/{id}/schedule", Rules, &[]),
        // The lifecycle forms (docs/REGISTRY.md): version 0 is never current, so an allowed
        // caller sees the unit page again with 409 and nothing changes.
        (
            "post",
            "/units/{id}/move",
            UnitMovers,
            &[
                ("version", "0"),
                ("police_station_id", ""),
                ("competent_department_id", ""),
            ],
        ),
        (
            "post",
            "/units/{id}/state",
            Police,
            &[("version", "0"), ("action", "deactivate")],
        ),
        (
            "post",
            "/key_areas/{id}/edit",
            Devices,
            &[("version", "0"), ("name", "界面矩阵部位"), ("description", "")],
        ),
        (
            "post",
            "/key_areas/{id}/state",
            Devices,
            &[("version", "0"), ("action", "deactivate")],
        ),
        (
            "post",
            "/devices/{id}/edit",
            Devices,
            &[("version", "0"), ("name", "界面矩阵摄像机"), ("key_area_id", "")],
        ),
        (
            "post",
            "/devices/{id}/state",
            Devices,
            &[("version", "0"), ("action", "deactivate")],
        ),
        // Without the confirmation an allowed caller sees the unit page again (400), nothing
        // rotated; the others 403 or 404.
        ("post", "/devices/{id}/token", Devices, &[]),
        ("get", "/warning/channels", Channels, &[]),
        (
            "post",
            "/warning/channels",
            Channels,
            &[
                ("name", "界面矩阵渠道"),
                ("kind", "wecom"),
                ("url", "http://127.0.0.1:9/cgi-bin/webhook/send?key=matrix"),
            ],
        ),
        ("post", "/warning/channels/{id}/switch", Admin, &[("enabled", "1")]),
        ("get", "/warning/rules", Police, &[]),
        ("post", "/warning/rules", RuleWriters, RULE_FORM),
        ("post", "/warning/rules/import", RuleWriters, UPLOAD),
        ("get", "/warning/rules/matrix_rule", Police, &[]),
        ("post", "/warning/rules/matrix_rule", RuleWriters, MATRIX_RULE_FORM),
        (
            "post",
            "/warning/rules/matrix_rule/backtest",
            Police,
            &[("from", "2026-01-01T00:00"), ("to", "2026-01-02T00:00")],
        ),
        ("get", "/users", Admin, &[]),
        (
            "post",
            "/users",
            Admin,
            &[
                ("username", "uimatrix{n}"),
                ("display_name", "界面矩阵账号"),
                ("role", "guard"),
                ("unit_id", "{unit}"),
            ],
        ),
        ("get", "/users/{id}", Admin, &[]),
        (
            "post",
            "/users/{id}",
            Admin,
            &[
                ("display_name", "界面矩阵账号改"),
                ("role", "guard"),
                ("unit_id", "{unit}"),
            ],
        ),
        ("post", "/users/{id}/disable", Admin, &[]),
        ("post", "/users/{id}/enable", Admin, &[]),
        ("post", "/users/{id}/password-reset", Admin, &[]),
        ("get", "/organisations", Admin, &[]),
        (
            "post",
            "/organisations",
            Admin,
            &[
                ("name", "界面矩阵组织{n}"),
                ("kind", "department"),
                ("division_code", "{division}"),
                ("parent_id", ""),
            ],
        ),
        ("get", "/organisations/{id}", Admin, &[]),
        (
            "post",
            "/organisations/{id}",
            Admin,
            &[("version", "0"), ("name", "界面矩阵组织改")],
        ),
        (
            "post",
            "/organisations/{id}/move",
            Admin,
            &[("version", "0"), ("parent_id", "")],
        ),
        (
            "post",
            "/organisations/{id}/merge",
            Admin,
            &[("version", "0"), ("target_id", "")],
        ),
        ("post", "/organisations/{id}/close", Admin, &[("version", "0")]),
        ("get", "/warning/suppressions", Any, &[]),
        (
            "post",
            "/warning/suppressions",
            PoliceOrManager,
            &[("unit_id", "{unit}"), ("reason", "visit")],
        ),
        ("post", "/warning/suppressions/{id}/end", PoliceOrManager, &[]),
        // 心防 (docs/WELLBEING.md): the matrix's team and case (nobody of the matrix is named).
        ("get", "/wellbeing", Any, &[]),
        (
            "post",
            "/wellbeing/cases",
            Nobody,
            &[("person_name", "界面矩阵"), ("narrative", "界面矩阵"), ("risk", "low")],
        ),
        ("get", "/wellbeing/cases/{id}", CaseNamed, &[]),
        (
            "post",
            "/wellbeing/cases/{id}/follow-ups",
            Nobody,
            &[("kind", "visit"), ("note", "界面矩阵")],
        ),
        ("post", "/wellbeing/cases/{id}/escalate", Nobody, &[("contact", "")]),
        (
            "post",
            "/wellbeing/cases/{id}/close",
            Nobody,
            &[("closure_note", "界面矩阵")],
        ),
        ("get", "/wellbeing/escalations", CrisisEscalations, &[]),
        ("get", "/units/{id}/wellbeing", WellbeingRead, &[]),
        (
            "post",
            "/units/{id}/wellbeing/teams",
            WellbeingUnit,
            &[("name", "界面矩阵队伍"), ("kind", "护校队")],
        ),
        (
            "post",
            "/units/{id}/wellbeing/education",
            WellbeingUnit,
            &[("kind", "talk"), ("title", "界面矩阵讲座"), ("held_on", "2026-01-01")],
        ),
        ("post", "/units/{id}/wellbeing/reporters", WellbeingUnit, &[]),
        (
            "post",
            "/wellbeing/teams/{id}/activities",
            WellbeingUnit,
            &[("held_on", "2026-01-01"), ("summary", "界面矩阵活动")],
        ),
    ]
}

/// The UI routes the router source registers: (method, path).
fn registered() -> BTreeSet<(String, String)> {
    let source = crate::authz::web_sources("ui")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut out = BTreeSet::new();
    for part in source.split(".route(").skip(1) {
        let Some(path) = part.split('"').nth(1) else { continue };
        if path.starts_with("/static/") {
            continue;
        }
        let rest = &part[..part.find("))").map_or(part.len(), |i| i + 1)];
        for m in ["get", "post", "put", "delete"] {
            if rest.contains(&format!("routing::{m}(")) || rest.contains(&format!(".{m}(")) {
                out.insert((m.to_string(), path.to_string()));
            }
        }
    }
    out
}

/// The route a table path is an instance of (`/warning/rules/matrix_rule` → `/warning/rules/{code}`).
fn route_of(path: &str) -> String {
    let p = path.split('?').next().unwrap();
    if let Some(rest) = p.strip_prefix("/warning/rules/matrix_rule") {
        return format!("/warning/rules/{{code}}{rest}");
    }
    match p.strip_prefix("/reveal/units/") {
        Some(rest) => format!("/reveal/{{object}}/{rest}"),
        None => p.to_string(),
    }
}

fn fill(template: &str, o: &Objects, n: usize) -> String {
    let u = &o.unit;
    template
        .replace("{n}", &n.to_string())
        .replace(
            "{due_date}",
            &(chrono::Utc::now() + chrono::Duration::days(14))
                .date_naive()
                .to_string(),
        )
        .replace("{uscc}", &uscc(&format!("9133010601{n:07}")))
        .replace("{unit}", u["id"].as_str().unwrap())
        .replace("{division}", u["division_code"].as_str().unwrap())
}

fn ui_id(path: &str, o: &Objects, token: &str) -> String {
    match path.trim_start_matches('/').split('/').next().unwrap() {
        "units" | "reveal" => o.unit["id"].as_str().unwrap().into(),
        "alerts" => o.alert.clone(),
        "key_areas" => o.key_area.clone(),
        "devices" => o.device.clone(),
        "account" => token.into(),
        "campaigns" => o.campaign.clone(),
        "checklists" => o.checklist.clone(),
        "documents" => o.document.clone(),
        "hazards" => o.hazard.clone(),
        "inspections" => o.inspection.clone(),
        "retention" => o.hold.clone(),
        "users" => o.account.clone(),
        "organisations" => o.org.clone(),
        "filings" => o.filing.clone(),
        "designations" => o.designation.clone(),
        "warning" if path.contains("channels") => o.channel.clone(),
        "warning" => o.suppression.clone(),
        "patrol" => crate::authz::patrol_id(path, o),
        "emergency-plans" => format!("matrix-plan-{}", o.unit["id"].as_str().unwrap()),
        "equipment" => crate::authz::equipment_id(path, o),
        "drills" => crate::authz::drill_id(o),
        "visitors" => crate::visitors::matrix_visit(o),
        "emergency" => crate::protection_levels::matrix_order(o),
        "alarms" => crate::authz::alarm_id(o),
        "bulletins" => crate::bulletins::matrix_bulletin(o),
        "reports" => crate::authz::report_id(o),
        "liaison" => format!("matrix-liaison-{}", o.unit["id"].as_str().unwrap()),
        "compliance" => crate::compliance::matrix_id(path, o),
        "enterprise-requests" => format!("matrix-ereq-{}", o.unit["id"].as_str().unwrap()),
        "credit" if path.contains("/entries/") => format!("matrix-credit-{}", o.unit["id"].as_str().unwrap()),
        "credit" => format!("matrix-cobj-{}", o.unit["id"].as_str().unwrap()),
        "honours" => format!("matrix-honours-{}", o.unit["id"].as_str().unwrap()),
        "assessments" if path.starts_with("/assessments/campaigns/") => {
            format!("matrix-acamp-{}", o.unit["id"].as_str().unwrap())
        }
        "assessments" => format!("matrix-assess-{}", o.unit["id"].as_str().unwrap()),
        "watchlists" => format!("matrix-wl-{token}-{}", o.unit["id"].as_str().unwrap()),
        "watchlist-hits" => format!("matrix-hit-{token}-{}", o.unit["id"].as_str().unwrap()),
        "pias" => format!("matrix-pia-{token}-{}", o.unit["id"].as_str().unwrap()),
        "semesters" => crate::universities::matrix_semester(o),
        "wellbeing" => crate::wellbeing::matrix_id(path, o.unit["id"].as_str().unwrap()),
        other => panic!("no object for {other}"),
    }
}

#[tokio::test]
async fn every_page_and_form_for_every_role_in_and_out_of_jurisdiction() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let tabled: BTreeSet<(String, String)> = table()
        .iter()
        .map(|(m, p, _, _)| (m.to_string(), route_of(p)))
        .collect();
    let registered = registered();
    assert!(registered.len() >= 65, "routes read from the source: {registered:?}");
    let stale: Vec<_> = tabled.iter().filter(|r| !registered.contains(*r)).collect();
    assert!(
        stale.is_empty(),
        "matrix rows for routes that are not registered: {stale:?}"
    );
    let mut missing: Vec<_> = registered
        .into_iter()
        .filter(|r| !tabled.contains(r) && !matches!(r.1.as_str(), "/login" | "/logout"))
        .collect();
    missing.sort();
    assert!(
        missing.is_empty(),
        "UI routes without an entry in the matrix: {missing:?}"
    );

    let demo_unit = {
        let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
        me["unit_id"].as_str().unwrap().to_string()
    };
    // The data rule the rule pages work on, in the demo unit's division (inside every rule
    // writer's jurisdiction).
    let (_, du) = admin.get(&format!("/api/v1/units/{demo_unit}")).await;
    let rule_division = du["division_code"].as_str().unwrap().to_string();
    let (s, r) = admin
        .post(
            "/api/v1/alert_rules",
            serde_json::json!({"code": "matrix_rule", "title": "界面矩阵规则", "severity": "low", "kind": {"type": "match"},
                   "condition": "kind == \"motion\"", "scope": {"division_prefix": rule_division}}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let (_, ningbo) = admin.get("/api/v1/units?division=3302&per_page=1").await;
    let outside = objects(&app, &admin, ningbo["items"][0]["id"].as_str().unwrap()).await;
    let mut bundles: std::collections::HashMap<String, Objects> = std::collections::HashMap::new();
    // The demo unit's objects first: its matrix campaign and draft become the third-party
    // assessor's before any role is tried.
    bundles.insert(demo_unit.clone(), objects(&app, &admin, &demo_unit).await);
    crate::assessment_third_party::matrix_assignment(&app, &demo_unit).await;
    let mut failures = Vec::new();
    let mut n = 0;
    let mut admin_job: Option<String> = None;
    for (username, role) in ROLES {
        let password = if username == "admin" {
            ADMIN_PASSWORD
        } else {
            DEMO_PASSWORD
        };
        let s = app.session_client(username, password).await;
        let api = app.client_for(username).await;
        let (_, me) = api.get("/api/v1/me").await;
        // Each role's own jurisdiction: the demo unit where the role sees it, else the first unit
        // it lists.
        let (st, _) = api.get(&format!("/api/v1/units/{demo_unit}")).await;
        // A third-party assessor sees no unit outside the assessment: its own is the demo unit.
        let unit = if st == 200 || role == "assessor" {
            demo_unit.clone()
        } else {
            let (_, l) = api.get("/api/v1/units?per_page=1").await;
            l["items"][0]["id"].as_str().expect("a unit in scope").to_string()
        };
        if !bundles.contains_key(&unit) {
            let o = objects(&app, &admin, &unit).await;
            bundles.insert(unit.clone(), o);
        }
        let own = bundles[&unit].clone();
        // A token of the role's own, for the revoke form.
        let token_id = app
            .store
            .create_api_token(
                &neibao_domain::accounts::NewApiToken {
                    user_id: me["id"].as_str().unwrap().to_string(),
                    token_hash: neibao_domain::ids::token_hash(&format!("ui-matrix-{username}")),
                    name: "界面矩阵自有令牌".into(),
                    scope: neibao_domain::accounts::TokenScope::Read,
                    expires_at: None,
                },
                &neibao_domain::access::Principal::system("test").audit("token.create", "api_tokens", "", None),
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        crate::watchlists::matrix_objects(&app, &api, &format!("{token_id}-{unit}")).await;
        // The role's own import job, and the administrator's (someone else's, for outside).
        let own_job = if allowed(Access::Police, role) {
            Some(crate::imports::job_of(&api).await)
        } else {
            None
        };
        if role == "admin" {
            admin_job = own_job.clone();
        }
        for (method, template, access, form) in table() {
            let may = allowed(access, role);
            let route = route_of(template);
            let has_object =
                route.contains("{id}") && !route.starts_with("/checklists/") && !route.starts_with("/account/");
            for (which, o) in [("own", &own), ("outside", &outside)] {
                if which == "outside" && (!has_object || matches!(role, "admin" | "police_province")) {
                    continue;
                }
                n += 1;
                let mut path = fill(template, o, n)
                    .replace("{rule}", "intrusion_key_area")
                    .replace("{class}", "events")
                    .replace("{pid}", &o.person)
                    .replace("{subject}", "8")
                    .replace("{visit}", &format!("matrix-visit-{}", o.unit["id"].as_str().unwrap()))
                    .replace("{staff_id}", &o.staff_member)
                    .replace("{guard_id}", &o.guard_member)
                    .replace("{standard}", "default-key-unit-gate")
                    .replace(
                        "{entry_id}",
                        &format!("matrix-entry-{token_id}-{}", o.unit["id"].as_str().unwrap()),
                    );
                if template.starts_with("/imports/{id}") {
                    let job = match which {
                        "own" => own_job.clone().or_else(|| admin_job.clone()),
                        _ => admin_job.clone(),
                    };
                    path = path.replace("{id}", &job.expect("the administrator's import job"));
                }
                if path.contains("{id}") {
                    path = path.replace("{id}", &ui_id(template, o, &token_id));
                }
                let r = if method == "get" {
                    s.http.get(app.url(&path)).send().await.unwrap()
                } else if form.first().is_some_and(|(_, v)| *v == "@upload") {
                    let body = reqwest::multipart::Form::new().text("csrf", s.csrf.clone()).part(
                        form[0].0,
                        reqwest::multipart::Part::bytes(b"%PDF-1.4 ui matrix".to_vec())
                            .file_name("m.pdf")
                            .mime_str("application/pdf")
                            .unwrap(),
                    );
                    s.http.post(app.url(&path)).multipart(body).send().await.unwrap()
                } else {
                    let mut fields: Vec<(String, String)> = form
                        .iter()
                        .map(|(k, v)| (k.to_string(), fill(v, o, n).replace("{rule_division}", &rule_division)))
                        .collect();
                    fields.push(("csrf_token".into(), s.csrf.clone()));
                    s.http.post(app.url(&path)).form(&fields).send().await.unwrap()
                };
                let status = r.status().as_u16();
                let body = if role == "assessor" {
                    r.text().await.unwrap_or_default()
                } else {
                    String::new()
                };
                let ok = match (which, may) {
                    // A third-party assessor: refused by role or scope, or outside the
                    // assessment a page that shows nothing of its assigned unit.
                    ("own", false) if role == "assessor" => matches!(status, 403 | 404),
                    ("own", true) if role == "assessor" && access != Access::Public && !assessor_route(template) => {
                        blind(status, &body, o.unit["id"].as_str().unwrap())
                    }
                    ("own", true) => !matches!(status, 401 | 403 | 404) && status < 500,
                    ("own", false) if access == Access::CaseNamed => matches!(status, 403 | 404),
                    ("own", false) => status == 403,
                    _ => matches!(status, 403 | 404),
                };
                if !ok {
                    failures.push(format!(
                        "{username} {method} {template} ({which}, {}): {status}",
                        if may { "allowed" } else { "forbidden" }
                    ));
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

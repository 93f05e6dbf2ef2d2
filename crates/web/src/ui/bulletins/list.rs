//! `/bulletins`: the bulletins the caller sees, the issue form (police) and the report form (a
//! unit's manager).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::bulletins::{Bulletin, BulletinKind, Direction, Severity};
use neibao_domain::paging::Page;
use neibao_domain::registry::{UnitKind, UnitSet};
use neibao_engine::bulletins::{BulletinDraft, ReportDraft};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, fields, local_input, parse_local, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav, Pager};

/// A bulletin as listed.
pub struct Row {
    pub id: String,
    pub title: String,
    pub kind: &'static str,
    pub severity: &'static str,
    pub severity_class: &'static str,
    pub direction: &'static str,
    pub from: String,
    pub at: String,
    pub deadline: String,
    pub recipients: i64,
    /// A unit account's own state: 未读, 已读未签收, 已签收; a report the police replied to:
    /// 公安已回复; empty otherwise.
    pub mine: &'static str,
}

/// The badge class of a severity.
pub(crate) fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Normal => "online",
        Severity::Important => "sev-medium",
        Severity::Urgent => "sev-high",
    }
}

impl Row {
    fn new(b: &Bulletin, unit_view: bool) -> Row {
        Row {
            id: b.id.clone(),
            title: b.title.clone(),
            kind: b.kind.label_zh(),
            severity: b.severity.label_zh(),
            severity_class: severity_class(b.severity),
            direction: b.direction.label_zh(),
            from: match b.direction {
                Direction::Up => b.from_unit_name.clone().unwrap_or_default(),
                Direction::Down => match &b.org_name {
                    Some(o) => format!("{o} {}", b.created_by_name),
                    None => b.created_by_name.clone(),
                },
            },
            at: fmt_time(b.created_at),
            deadline: b.ack_deadline.map(fmt_time).unwrap_or_default(),
            recipients: b.recipient_count,
            mine: match (b.my_read_at, b.my_acknowledged_at) {
                _ if b.direction == Direction::Up && b.police_reply.is_some() => "公安已回复",
                (_, Some(_)) => "已签收",
                (Some(_), None) => "已读未签收",
                (None, None) if unit_view && b.direction == Direction::Down => "未读",
                _ => "",
            },
        }
    }
}

/// The issue and report forms as shown or sent.
#[derive(Default, Clone)]
pub struct Form {
    pub kind: String,
    pub severity: String,
    pub title: String,
    pub body: String,
    pub division_prefix: String,
    pub key_units_only: bool,
    pub counter_terror_only: bool,
    pub kinds: Vec<String>,
    pub unit_ids: String,
    /// The park (a liaison point's id); empty: none.
    pub liaison_point_id: String,
    /// The sector (a competent department's id); empty: none.
    pub department_id: String,
    pub ack_deadline: String,
    pub reply_requested: bool,
}

impl Form {
    fn empty(u: &CurrentUser) -> Form {
        Form {
            kind: "risk_warning".into(),
            severity: "normal".into(),
            division_prefix: u.principal.division_code.clone().unwrap_or_default(),
            ack_deadline: local_input(chrono::Utc::now() + chrono::Duration::days(3)),
            ..Default::default()
        }
    }
    fn sent(f: &Fields) -> Form {
        Form {
            kind: field(f, "kind").into(),
            severity: field(f, "severity").into(),
            title: field(f, "title").into(),
            body: field(f, "body").into(),
            division_prefix: field(f, "division_prefix").into(),
            key_units_only: !field(f, "key_units_only").is_empty(),
            counter_terror_only: !field(f, "counter_terror_only").is_empty(),
            kinds: fields(f, "kinds").into_iter().map(String::from).collect(),
            unit_ids: field(f, "unit_ids").into(),
            liaison_point_id: field(f, "liaison_point_id").into(),
            department_id: field(f, "department_id").into(),
            ack_deadline: field(f, "ack_deadline").into(),
            reply_requested: !field(f, "reply_requested").is_empty(),
        }
    }
    fn has_kind(&self, k: &str) -> bool {
        self.kinds.iter().any(|x| x == k)
    }
}

#[derive(Template)]
#[template(path = "bulletins/list.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<Row>,
    pager: Pager,
    may_issue: bool,
    may_report: bool,
    form: Form,
    bulletin_kinds: Vec<(&'static str, &'static str)>,
    severities: Vec<(&'static str, &'static str)>,
    unit_kinds: Vec<(&'static str, &'static str)>,
    /// The parks (园区) of the caller's jurisdiction: (liaison point id, park name and unit count).
    parks: Vec<(String, String)>,
    /// The sectors: the competent departments (id, name).
    departments: Vec<(String, String)>,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub page: Option<u32>,
}

async fn list_page(state: &AppState, u: &CurrentUser, page: u32, form: Form, error: Option<ApiError>) -> Response {
    let p = Page::new(Some(page), Some(50));
    let listing = match state.services.bulletins.bulletins(&u.principal, None, p).await {
        Ok(l) => l,
        Err(e) => return error_page(u, e.into()),
    };
    let may_issue = u.principal.can(Permission::BulletinIssue);
    let parks = if may_issue {
        match state.services.liaison.list(&u.principal).await {
            Ok(points) => points
                .into_iter()
                .filter(|p| !p.park_name.trim().is_empty() && p.unit_count > 0)
                .map(|p| {
                    (
                        p.id,
                        format!("{}（{} 家单位，联系点 {}）", p.park_name, p.unit_count, p.name),
                    )
                })
                .collect(),
            Err(e) => return error_page(u, e.into()),
        }
    } else {
        Vec::new()
    };
    let departments = if may_issue {
        state
            .services
            .registry
            .organisations(&u.principal, Some("department"), None, false)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect()
    } else {
        Vec::new()
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&ListPage {
            nav: Nav::new(u),
            rows: listing
                .items
                .iter()
                .map(|b| Row::new(b, u.principal.unit_id.as_deref().is_some_and(|x| !x.is_empty())))
                .collect(),
            pager: Pager::new("/bulletins", &[], listing.page, listing.per_page, listing.total),
            may_issue,
            parks,
            departments,
            may_report: u.principal.can(Permission::BulletinReport),
            form,
            bulletin_kinds: BulletinKind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
            severities: Severity::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
            unit_kinds: UnitKind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /bulletins`.
pub async fn list(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<ListQuery>) -> Response {
    let form = Form::empty(&u);
    list_page(&state, &u, q.page.unwrap_or(1), form, None).await
}

fn lines(s: &str) -> Vec<String> {
    s.split(['\n', ',', '，'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// `POST /bulletins`: issues a bulletin; a refused form keeps what was typed.
pub async fn create(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<Fields>) -> Response {
    let r = async {
        u.principal.require(Permission::BulletinIssue)?;
        let ack_deadline = if field(&f, "ack_deadline").trim().is_empty() {
            None
        } else {
            Some(parse_local(field(&f, "ack_deadline"), "签收期限")?)
        };
        let d = BulletinDraft {
            kind: field(&f, "kind").into(),
            severity: field(&f, "severity").into(),
            title: field(&f, "title").into(),
            body: field(&f, "body").into(),
            division_prefix: field(&f, "division_prefix").into(),
            unit_set: UnitSet {
                key_units_only: !field(&f, "key_units_only").is_empty(),
                counter_terror_only: !field(&f, "counter_terror_only").is_empty(),
                kinds: fields(&f, "kinds").into_iter().map(String::from).collect(),
                unit_ids: lines(field(&f, "unit_ids")),
                liaison_point_id: Some(field(&f, "liaison_point_id").to_string()).filter(|p| !p.trim().is_empty()),
                park_name: None,
                department_id: Some(field(&f, "department_id").to_string()).filter(|p| !p.trim().is_empty()),
                department_name: None,
            },
            ack_deadline,
            reply_requested: !field(&f, "reply_requested").is_empty(),
        };
        Ok::<_, ApiError>(state.services.bulletins.issue(&u.principal, d).await?)
    }
    .await;
    match r {
        Ok(b) => Redirect::to(&format!("/bulletins/{}", b.bulletin.id)).into_response(),
        Err(e) if matches!(e.code.http_status(), 400 | 404 | 409) => {
            list_page(&state, &u, 1, Form::sent(&f), Some(e)).await
        }
        Err(e) => error_page(&u, e),
    }
}

/// `POST /bulletins/report`: the caller's unit reports a risk to its police station; a refused
/// form keeps what was typed.
pub async fn report(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<Fields>) -> Response {
    let d = ReportDraft {
        kind: field(&f, "kind").into(),
        severity: field(&f, "severity").into(),
        title: field(&f, "title").into(),
        body: field(&f, "body").into(),
    };
    match state.services.bulletins.report(&u.principal, d).await {
        Ok(b) => Redirect::to(&format!("/bulletins/{}", b.bulletin.id)).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if matches!(e.code.http_status(), 400 | 409) {
                list_page(&state, &u, 1, Form::sent(&f), Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

//! The pages of `mod.rs`. A refused form shows the zh-CN error and keeps what was typed.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use neibao_domain::access::Permission;
use neibao_domain::credit::{DecisionKind, Objection, ObjectionFilter, ObjectionState, REVIEW_DAYS};
use neibao_domain::error::ErrorCode;
use neibao_domain::paging::Page;
use neibao_domain::supervision::calendar::date_zh;
use neibao_domain::supervision::credit::EntryKind;
use neibao_domain::supervision::CreditRecord;
use neibao_engine::credit::{DecisionInput, EntryInput, ObjectionDetail};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::multipart::CsrfMultipart;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, refused_in_form, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav, Pager};

/// An entry as a row shows it.
pub struct EntryRow {
    pub id: String,
    pub kind: String,
    pub points: i64,
    pub basis: String,
    pub reason: String,
    pub recorded: String,
    pub expires: String,
    pub manual: bool,
    pub published: bool,
    /// 有效 / 已过期 / 已撤销.
    pub state: String,
    pub in_force: bool,
    pub withdrawal_reason: String,
    /// The latest objection to it: id and state.
    pub objection: Option<(String, String)>,
    pub pending: bool,
}

fn entry_row(r: &CreditRecord, objections: &[Objection]) -> EntryRow {
    let now = Utc::now();
    let latest = objections.iter().find(|o| o.record_id == r.id);
    EntryRow {
        id: r.id.clone(),
        kind: r.kind.label_zh().to_string(),
        points: r.points,
        basis: r.basis.clone(),
        reason: r.reason.clone(),
        recorded: format!("{}（{}）", fmt_time(r.recorded_at), r.recorded_by),
        expires: date_zh(r.expires_at - chrono::Duration::seconds(1)),
        manual: r.manual,
        published: r.published,
        state: if r.withdrawn_at.is_some() {
            "已撤销".into()
        } else if r.expires_at <= now {
            "已过期".into()
        } else {
            "有效".into()
        },
        in_force: r.in_force(now),
        withdrawal_reason: r.withdrawal_reason.clone(),
        objection: latest.map(|o| (o.id.clone(), o.state_zh())),
        pending: latest.is_some_and(|o| o.state == ObjectionState::Pending),
    }
}

#[derive(Template)]
#[template(path = "credit/unit.html")]
struct UnitPage {
    nav: Nav,
    unit_id: String,
    unit_name: String,
    grade: String,
    score: i64,
    rows: Vec<EntryRow>,
    may_record: bool,
    may_object: bool,
    kinds: Vec<(&'static str, &'static str)>,
    kind: String,
    points: String,
    basis: String,
    reason: String,
    expires_on: String,
    published: bool,
    /// The entry whose objection form was refused, and the text typed.
    object_id: String,
    object_text: String,
    review_days: i64,
    show_objections: bool,
    error: Option<String>,
}

async fn unit_page(state: &AppState, u: &CurrentUser, id: &str, sent: &Fields, error: Option<ApiError>) -> Response {
    let who = &u.principal;
    let unit = match state.services.registry.unit(who, id).await {
        Ok(x) => x,
        Err(e) => return error_page(u, e.into()),
    };
    let summary = match state.services.supervision.credit(who, id).await {
        Ok(x) => x,
        Err(e) => return error_page(u, e.into()),
    };
    let objections = if who.role == neibao_domain::access::Role::Department {
        Vec::new()
    } else {
        let f = ObjectionFilter {
            unit_id: Some(id.to_string()),
            ..Default::default()
        };
        let page = Page { page: 1, per_page: 200 };
        let mut v = state
            .services
            .credit
            .list(who, &f, page)
            .await
            .map(|l| l.items)
            .unwrap_or_default();
        v.sort_by_key(|o| std::cmp::Reverse(o.filed_at));
        v
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&UnitPage {
            nav: Nav::new(u),
            unit_id: id.to_string(),
            unit_name: unit.name.clone(),
            grade: summary.grade.label_zh().to_string(),
            score: summary.score,
            rows: summary.records.iter().map(|r| entry_row(r, &objections)).collect(),
            may_record: who.can(Permission::CreditRecord),
            may_object: who.can(Permission::CreditObject),
            kinds: EntryKind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
            kind: field(sent, "kind").to_string(),
            points: field(sent, "points").to_string(),
            basis: field(sent, "basis").to_string(),
            reason: field(sent, "reason").to_string(),
            expires_on: field(sent, "expires_on").to_string(),
            published: field(sent, "published") == "1",
            object_id: field(sent, "record_id").to_string(),
            object_text: field(sent, "text").to_string(),
            review_days: REVIEW_DAYS,
            show_objections: who.role != neibao_domain::access::Role::Department,
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /units/{id}/credit`.
pub async fn unit(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    unit_page(&state, &u, &id, &Vec::new(), None).await
}

/// `POST /units/{id}/credit`: a manual entry (`kind`, `points`, `basis`, `reason`,
/// `expires_on`, `published`).
pub async fn record(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let points = field(&f, "points").trim();
    let input = EntryInput {
        kind: field(&f, "kind").to_string(),
        points: if points.is_empty() {
            None
        } else {
            match points.parse() {
                Ok(p) => Some(p),
                Err(_) => {
                    let e = ApiError::validation("扣分应为0至100之间的整数");
                    return unit_page(&state, &u, &id, &f, Some(e)).await;
                }
            }
        },
        basis: field(&f, "basis").to_string(),
        reason: field(&f, "reason").to_string(),
        expires_on: field(&f, "expires_on").to_string(),
        published: field(&f, "published") == "1",
    };
    match state.services.credit.record(&u.principal, &id, input).await {
        Ok(_) => Redirect::to(&format!("/units/{id}/credit#entries")).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if refused_in_form(&e) {
                unit_page(&state, &u, &id, &f, Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

/// `POST /credit/entries/{id}/objection`: `text` (the unit's manager); `unit_id` names the
/// page to show again.
pub async fn object(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    match state.services.credit.object(&u.principal, &id, field(&f, "text")).await {
        Ok(o) => Redirect::to(&format!("/credit/objections/{}", o.id)).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            let unit_id = u.principal.unit_id.clone().unwrap_or_default();
            if refused_in_form(&e) && !unit_id.is_empty() {
                let mut sent = f.clone();
                sent.push(("record_id".into(), id));
                unit_page(&state, &u, &unit_id, &sent, Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

/// An objection as a row shows it.
pub struct ObjectionRow {
    pub id: String,
    pub unit_id: String,
    pub unit: String,
    pub kind: String,
    pub state: String,
    pub overdue: bool,
    pub filed: String,
    pub filed_by: String,
    pub deadline: String,
    pub text: String,
    pub decision: String,
    pub decision_reason: String,
    pub decided: String,
}

fn objection_row(o: &Objection) -> ObjectionRow {
    ObjectionRow {
        id: o.id.clone(),
        unit_id: o.unit_id.clone(),
        unit: o.unit_name.clone(),
        kind: o.record_kind_label.clone(),
        state: o.state_zh(),
        overdue: o.overdue && o.state == ObjectionState::Pending,
        filed: fmt_time(o.filed_at),
        filed_by: o.filed_by_name.clone(),
        deadline: fmt_time(o.deadline),
        text: o.text.clone(),
        decision: o.decision.map(|d| d.label_zh().to_string()).unwrap_or_default(),
        decision_reason: o.decision_reason.clone(),
        decided: match (o.decided_at, &o.decided_by_name) {
            (Some(t), Some(by)) => format!("{}（{by}）", fmt_time(t)),
            (Some(t), None) => fmt_time(t),
            _ => String::new(),
        },
    }
}

#[derive(Template)]
#[template(path = "credit/objections.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<ObjectionRow>,
    total: i64,
    state: String,
    overdue: bool,
    pager: Pager,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    /// `pending`, `corrected`, `rejected` or empty.
    state: String,
    /// `true`: overdue only.
    overdue: String,
    page: Option<u32>,
}

/// `GET /credit/objections`.
pub async fn list(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<ListQuery>) -> Response {
    let page = Page::checked(q.page, Some(50)).unwrap_or(Page { page: 1, per_page: 50 });
    let overdue = q.overdue == "true";
    let f = ObjectionFilter {
        state: ObjectionState::from_code(q.state.trim()),
        overdue: overdue.then_some(true),
        ..Default::default()
    };
    match state.services.credit.list(&u.principal, &f, page).await {
        Ok(l) => render(&ListPage {
            nav: Nav::new(&u),
            rows: l.items.iter().map(objection_row).collect(),
            total: l.total,
            pager: Pager::new(
                "/credit/objections",
                &[("state", q.state.clone()), ("overdue", q.overdue.clone())],
                l.page,
                l.per_page,
                l.total,
            ),
            state: q.state.clone(),
            overdue,
        }),
        Err(e) => error_page(&u, e.into()),
    }
}

/// An evidence file as shown.
pub struct FileRow {
    pub id: String,
    pub name: String,
    pub image: bool,
    pub by: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "credit/objection.html")]
struct DetailPage {
    nav: Nav,
    o: ObjectionRow,
    entry: EntryRow,
    old: String,
    amended: String,
    files: Vec<FileRow>,
    may_review: bool,
    may_upload: bool,
    decisions: Vec<(&'static str, &'static str)>,
    decision: String,
    reason: String,
    points: String,
    expires_on: String,
    error: Option<String>,
}

fn detail_page(u: &CurrentUser, d: &ObjectionDetail, sent: &Fields, error: Option<ApiError>) -> Response {
    let o = &d.objection;
    let pending = o.state == ObjectionState::Pending;
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&DetailPage {
            nav: Nav::new(u),
            o: objection_row(o),
            entry: entry_row(&d.record, &[]),
            old: format!(
                "扣{}分，有效期至 {}",
                o.old_points,
                date_zh(o.old_expires_at - chrono::Duration::seconds(1))
            ),
            amended: match (o.new_points, o.new_expires_at) {
                (Some(p), Some(t)) => format!("扣{}分，有效期至 {}", p, date_zh(t - chrono::Duration::seconds(1))),
                _ => String::new(),
            },
            files: d
                .evidence
                .iter()
                .map(|a| FileRow {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    image: a.content_type.starts_with("image/"),
                    by: a.uploaded_by.clone(),
                    at: fmt_time(a.created_at),
                })
                .collect(),
            may_review: pending && u.principal.can(Permission::CreditRecord),
            may_upload: pending && u.principal.can(Permission::CreditObject),
            decisions: DecisionKind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
            decision: field(sent, "decision").to_string(),
            reason: field(sent, "reason").to_string(),
            points: field(sent, "points").to_string(),
            expires_on: field(sent, "expires_on").to_string(),
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /credit/objections/{id}`.
pub async fn detail(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    match state.services.credit.get(&u.principal, &id).await {
        Ok(d) => detail_page(&u, &d, &Vec::new(), None),
        Err(e) => error_page(&u, e.into()),
    }
}

async fn show_again(state: &AppState, u: &CurrentUser, id: &str, f: &Fields, e: ApiError) -> Response {
    if !refused_in_form(&e) && e.code != ErrorCode::PayloadTooLarge {
        return error_page(u, e);
    }
    match state.services.credit.get(&u.principal, id).await {
        Ok(d) => detail_page(u, &d, f, Some(e)),
        Err(e2) => error_page(u, e2.into()),
    }
}

/// `POST /credit/objections/{id}/evidence` (multipart: `csrf`, `_once`, then `file`).
pub async fn evidence(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    body: CsrfMultipart,
) -> Response {
    let svc = &state.services.credit;
    let r: Result<(), ApiError> = async {
        svc.evidence_target(&u.principal, &id).await?;
        let file = body.file().await?;
        svc.add_evidence(&u.principal, &id, file).await?;
        Ok(())
    }
    .await;
    match r {
        Ok(()) => Redirect::to(&format!("/credit/objections/{id}#evidence")).into_response(),
        Err(e) if e.code == ErrorCode::Forbidden => error_page(&u, e),
        Err(e) => show_again(&state, &u, &id, &Vec::new(), e).await,
    }
}

/// `POST /credit/objections/{id}/decision`: `decision`, `reason`, and for amend `points` and/or
/// `expires_on` (police).
pub async fn decide(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let points = field(&f, "points").trim();
    let points = if points.is_empty() {
        None
    } else {
        match points.parse() {
            Ok(p) => Some(p),
            Err(_) => {
                let e = ApiError::validation("扣分应为0至100之间的整数");
                return show_again(&state, &u, &id, &f, e).await;
            }
        }
    };
    let input = DecisionInput {
        decision: field(&f, "decision").to_string(),
        reason: field(&f, "reason").to_string(),
        points,
        expires_on: Some(field(&f, "expires_on").to_string()),
    };
    match state.services.credit.decide(&u.principal, &id, input).await {
        Ok(_) => Redirect::to(&format!("/credit/objections/{id}")).into_response(),
        Err(e) => show_again(&state, &u, &id, &f, e.into()).await,
    }
}

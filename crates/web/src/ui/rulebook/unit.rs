//! `/units/{id}/rulebook`: a unit's rules on the nine subjects of Decree 421 Art 8 — state
//! (缺失/现行/待复审/不适用), the current version's text, earlier versions, who has signed
//! 我已阅读并遵守; for the unit's security manager the publish form and the 不适用 form of
//! subject 8; for the unit's manager and guards the signing button.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, Utc};
use neibao_domain::access::Permission;
use neibao_domain::audit::actor_label;
use neibao_domain::error::ErrorCode;
use neibao_domain::rulebook::{subject_label, RuleVersion, SubjectState, OPTIONAL_SUBJECT, SUBJECTS};
use neibao_engine::rulebook::VersionDraft;
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::multipart::CsrfMultipart;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{status_of, with_status};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

/// One version as shown.
pub struct VersionRow {
    pub id: String,
    pub version: i64,
    pub title: String,
    pub body: String,
    pub approved_on: String,
    pub published_on: String,
    pub created_by: String,
    pub created_at: String,
    /// (attachment id, file name) of its signed PDF, if any (current versions only).
    pub pdf: Option<(String, String)>,
}

impl VersionRow {
    fn new(v: &RuleVersion) -> VersionRow {
        VersionRow {
            id: v.id.clone(),
            version: v.version,
            title: v.title.clone(),
            body: v.body.clone(),
            approved_on: v.approved_on.to_string(),
            published_on: v.published_on.to_string(),
            created_by: actor_label(&v.created_by),
            created_at: fmt_time(v.created_at),
            pdf: None,
        }
    }
}

/// One subject as shown.
pub struct SubjectRow {
    pub subject: i64,
    pub label: String,
    pub state_code: &'static str,
    pub state_label: String,
    pub current: Option<VersionRow>,
    /// Earlier versions, newest first.
    pub earlier: Vec<VersionRow>,
    pub not_applicable: Option<String>,
    pub acknowledged_by_me: bool,
    pub acknowledged: i64,
    pub staff: i64,
    /// (name signed, time) of those who signed the current version.
    pub signed: Vec<(String, String)>,
    /// Names of the unit's accounts that have not.
    pub unsigned: Vec<String>,
}

/// The publish form as shown or sent.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct PublishFields {
    subject: String,
    title: String,
    body: String,
    approved_on: String,
    published_on: String,
}

#[derive(Template)]
#[template(path = "rulebook/unit.html")]
struct UnitPage {
    nav: Nav,
    unit_id: String,
    unit_name: String,
    covered: i64,
    total: i64,
    review_due: i64,
    subjects: Vec<SubjectRow>,
    may_write: bool,
    may_sign: bool,
    /// (number, title) of the nine subjects, for the form's select.
    choices: Vec<(String, &'static str)>,
    optional_subject: i64,
    form: PublishFields,
    na_reason: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UnitQuery {
    done: String,
}

/// The empty publish form: subject 1, today's dates.
fn today_form() -> PublishFields {
    let today = Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
        .to_string();
    PublishFields {
        subject: "1".into(),
        approved_on: today.clone(),
        published_on: today,
        ..Default::default()
    }
}

/// `GET /units/{id}/rulebook`.
pub async fn unit(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<UnitQuery>,
) -> Response {
    let form = today_form();
    let notice = match q.done.as_str() {
        "published" => Some("已发布新版本，原有版本保留可查".to_string()),
        "not_applicable" => Some("已标记第八项不适用".to_string()),
        "applicable" => Some("已撤销不适用标记".to_string()),
        "signed" => Some("已签署：我已阅读并遵守".to_string()),
        "pdf" => Some("已上传签发文本（PDF）".to_string()),
        _ => None,
    };
    page(&state, &u, &id, form, String::new(), None, notice).await
}

async fn page(
    state: &AppState,
    u: &CurrentUser,
    unit_id: &str,
    form: PublishFields,
    na_reason: String,
    error: Option<ApiError>,
    notice: Option<String>,
) -> Response {
    let o = match state.services.rulebook.overview(&u.principal, unit_id).await {
        Ok(o) => o,
        Err(e) => return error_page(u, e.into()),
    };
    let mut subjects: Vec<SubjectRow> = o
        .book
        .subjects
        .iter()
        .zip(o.rosters.iter())
        .map(|(s, r)| SubjectRow {
            subject: s.subject,
            label: s.label.clone(),
            state_code: match s.state {
                SubjectState::Missing => "missing",
                SubjectState::Current => "current",
                SubjectState::ReviewDue => "review_due",
                SubjectState::NotApplicable => "not_applicable",
            },
            state_label: s.state_label.clone(),
            current: s.current.as_ref().map(VersionRow::new),
            earlier: o
                .history
                .iter()
                .filter(|v| v.subject == s.subject && Some(&v.id) != s.current.as_ref().map(|c| &c.id))
                .map(VersionRow::new)
                .collect(),
            not_applicable: s.not_applicable.as_ref().map(|n| n.reason.clone()),
            acknowledged_by_me: s.acknowledged_by_me,
            acknowledged: s.acknowledged,
            staff: s.staff,
            signed: r
                .staff
                .iter()
                .filter_map(|p| {
                    Some((
                        p.signed_name.clone()?,
                        p.acknowledged_at.map(fmt_time).unwrap_or_default(),
                    ))
                })
                .collect(),
            unsigned: r
                .staff
                .iter()
                .filter(|p| p.acknowledged_at.is_none())
                .map(|p| p.display_name.clone())
                .collect(),
        })
        .collect();
    for s in subjects.iter_mut() {
        if let Some(c) = s.current.as_mut() {
            match state.services.rulebook.pdf_of(&u.principal, &c.id).await {
                Ok(p) => c.pdf = p.map(|a| (a.id, a.name)),
                Err(e) => return error_page(u, e.into()),
            }
        }
    }
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&UnitPage {
        nav: Nav::new(u),
        unit_id: o.book.unit_id.clone(),
        unit_name: o.book.unit_name.clone(),
        covered: o.book.covered,
        total: o.book.total,
        review_due: o.book.review_due,
        subjects,
        may_write: u.principal.can(Permission::RulebookWrite),
        may_sign: u.principal.can(Permission::RulebookAcknowledge),
        choices: (1..=SUBJECTS)
            .map(|n| (n.to_string(), subject_label(n).unwrap_or_default()))
            .collect(),
        optional_subject: OPTIONAL_SUBJECT,
        form,
        na_reason,
        error: error.map(|e| e.message),
        notice,
    });
    with_status(page, status)
}

fn date(s: &str, label: &str) -> Result<NaiveDate, ApiError> {
    s.trim()
        .parse()
        .map_err(|_| ApiError::validation(format!("{label}应为日期，如 2026-01-31")))
}

fn subject(s: &str) -> Result<i64, ApiError> {
    s.trim()
        .parse()
        .map_err(|_| ApiError::validation("请选择制度类别（第一至第九项）"))
}

fn back(unit_id: &str, done: &str) -> Response {
    Redirect::to(&format!("/units/{unit_id}/rulebook?done={done}")).into_response()
}

/// `POST /units/{id}/rulebook/versions`: publishes a version.
pub async fn publish(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<PublishFields>,
) -> Response {
    let r = async {
        u.principal.require(Permission::RulebookWrite)?;
        let n = subject(&f.subject)?;
        let draft = VersionDraft {
            title: f.title.clone(),
            body: f.body.clone(),
            approved_on: date(&f.approved_on, "批准日期")?,
            published_on: date(&f.published_on, "发布日期")?,
        };
        Ok::<_, ApiError>(state.services.rulebook.publish(&u.principal, &id, n, draft).await?)
    }
    .await;
    match r {
        Ok(_) => back(&id, "published"),
        Err(e) if e.code.http_status() == 400 => page(&state, &u, &id, f, String::new(), Some(e), None).await,
        Err(e) => error_page(&u, e),
    }
}

/// The 不适用 form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ApplicabilityFields {
    /// `1`: mark 不适用; anything else: applies again.
    not_applicable: String,
    reason: String,
}

/// `POST /units/{id}/rulebook/applicability`: marks subject 8 不适用 or applicable again.
pub async fn applicability(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<ApplicabilityFields>,
) -> Response {
    let mark = f.not_applicable == "1";
    let r = state
        .services
        .rulebook
        .set_applicability(&u.principal, &id, OPTIONAL_SUBJECT, mark, &f.reason)
        .await;
    match r {
        Ok(_) => back(&id, if mark { "not_applicable" } else { "applicable" }),
        Err(e) => {
            let e: ApiError = e.into();
            if e.code.http_status() == 400 {
                let today = Utc::now()
                    .with_timezone(&chrono_tz::Asia::Shanghai)
                    .date_naive()
                    .to_string();
                let form = PublishFields {
                    subject: "1".into(),
                    approved_on: today.clone(),
                    published_on: today,
                    ..Default::default()
                };
                page(&state, &u, &id, form, f.reason, Some(e), None).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

/// The signing form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignFields {
    subject: String,
    version_id: String,
}

/// `POST /units/{id}/rulebook/acknowledge`: 我已阅读并遵守 under the current version.
pub async fn acknowledge(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<SignFields>,
) -> Response {
    let r = async {
        u.principal.require(Permission::RulebookAcknowledge)?;
        let n = subject(&f.subject)?;
        Ok::<_, ApiError>(
            state
                .services
                .rulebook
                .acknowledge(&u.principal, &id, n, &f.version_id)
                .await?,
        )
    }
    .await;
    match r {
        Ok(_) => back(&id, "signed"),
        Err(e) => error_page(&u, e),
    }
}

/// `POST /units/{id}/rulebook/{subject}/pdf`: attaches the signed PDF of the subject's current
/// version (multipart: `csrf`, `_once`, then `file`; the caller is checked before the file is
/// read).
pub async fn pdf(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path((id, subject)): Path<(String, i64)>,
    body: CsrfMultipart,
) -> Response {
    let r = async {
        let rb = &state.services.rulebook;
        rb.check_pdf_target(&u.principal, &id, subject).await?;
        let file = body.file().await?;
        rb.attach_pdf(&u.principal, &id, subject, file).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match r {
        Ok(()) => back(&id, "pdf"),
        Err(e) if e.code == ErrorCode::Forbidden => error_page(&u, e),
        Err(e) => page(&state, &u, &id, today_form(), String::new(), Some(e), None).await,
    }
}

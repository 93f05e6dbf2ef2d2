//! The pages of `mod.rs` for signed-in accounts. The filing page fits a phone (390×844): kind,
//! one-line summary, time, key area or place, details, up to three people involved (masked once
//! stored), first actions and whether the scene is preserved; a refused form shows the zh-CN error
//! and keeps what was typed. The form's one-time token makes a double tap one report.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::alarms::duration_zh;
use neibao_domain::error::ErrorCode;
use neibao_domain::paging::Page;
use neibao_domain::privacy::RevealedText;
use neibao_domain::reports::{
    people_line, InvolvedPerson, ReportFilter, ReportKind, ReportStatus, MAX_REPORT_PHOTOS, REVEALED_FIELDS,
};
use neibao_engine::privacy::Via;
use neibao_engine::reports::{FileInput, ReportView};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::multipart::CsrfMultipart;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, no_store, parse_local, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav, Pager};

/// How many people rows the filing page offers.
const PEOPLE_ROWS: usize = 3;

/// A report as a row or page shows it.
pub struct Row {
    pub id: String,
    pub receipt_no: String,
    pub kind: String,
    pub source: String,
    pub unit_id: String,
    pub unit_name: String,
    pub station: String,
    pub title: String,
    pub place: String,
    pub key_area: String,
    pub details: String,
    pub occurred: String,
    pub people: Vec<InvolvedPerson>,
    pub first_actions: String,
    pub scene_preserved: bool,
    pub reporter: String,
    pub contact: String,
    pub status: String,
    pub status_code: &'static str,
    pub submitted: String,
    pub acknowledged: String,
    pub to_acknowledge: String,
    pub closed: String,
    pub notes: Vec<(String, String, String, bool)>,
    /// (id, file name) of each photo.
    pub photos: Vec<(String, String)>,
}

fn row(v: &ReportView) -> Row {
    let r = &v.report;
    Row {
        id: r.id.clone(),
        receipt_no: r.receipt_no.clone(),
        kind: r.kind.label_zh().to_string(),
        source: if r.source == "public" {
            "群众（公众报告页）"
        } else {
            "单位"
        }
        .to_string(),
        unit_id: r.unit_id.clone().unwrap_or_default(),
        unit_name: r.unit_name.clone().unwrap_or_default(),
        station: r.station_name.clone().unwrap_or_default(),
        title: r.title.clone(),
        place: r.place.clone(),
        key_area: r.key_area_name.clone().unwrap_or_default(),
        details: r.details.clone(),
        occurred: r.occurred_at.map(fmt_time).unwrap_or_default(),
        people: r.people.clone(),
        first_actions: r.first_actions.clone(),
        scene_preserved: r.scene_preserved,
        reporter: if r.anonymous && r.source == "public" {
            "匿名".into()
        } else if r.source == "public" {
            "群众".into()
        } else {
            r.reporter_name.clone()
        },
        contact: r.contact.clone(),
        status: r.status.label_zh().to_string(),
        status_code: r.status.code(),
        submitted: fmt_time(r.submitted_at),
        acknowledged: match (&r.acknowledged_by, r.acknowledged_at) {
            (Some(by), Some(at)) => format!("{by} 于 {}", fmt_time(at)),
            (None, Some(at)) => fmt_time(at),
            _ => String::new(),
        },
        to_acknowledge: v.seconds_to_acknowledge.map(duration_zh).unwrap_or_default(),
        closed: r.closed_at.map(fmt_time).unwrap_or_default(),
        notes: r
            .notes
            .iter()
            .map(|n| (fmt_time(n.at), n.by.clone(), n.text.clone(), n.closed))
            .collect(),
        photos: v.photos.iter().map(|a| (a.id.clone(), a.name.clone())).collect(),
    }
}

/// One people row of the filing form as typed.
pub struct PersonRow {
    pub n: usize,
    pub name: String,
    pub role: String,
    pub id_number: String,
    pub phone: String,
}

#[derive(Template)]
#[template(path = "reports/file.html")]
struct FilePage {
    nav: Nav,
    unit_id: String,
    unit_name: String,
    may_file: bool,
    kinds: Vec<(&'static str, &'static str)>,
    areas: Vec<(String, String)>,
    kind: String,
    title: String,
    place: String,
    key_area_id: String,
    occurred_at: String,
    details: String,
    people: Vec<PersonRow>,
    first_actions: String,
    scene_preserved: bool,
    recent: Vec<Row>,
    error: Option<String>,
}

async fn file_page(
    state: &AppState,
    u: &CurrentUser,
    unit_id: &str,
    sent: &Fields,
    error: Option<ApiError>,
) -> Response {
    let svc = &state.services.reports;
    let (unit_name, areas) = match svc.unit_for_report(&u.principal, unit_id).await {
        Ok(x) => x,
        Err(e) => return error_page(u, e.into()),
    };
    let f = ReportFilter {
        unit_id: Some(unit_id.to_string()),
        ..Default::default()
    };
    let recent = match svc.list(&u.principal, &f, Page { page: 1, per_page: 5 }).await {
        Ok(l) => l.items.iter().map(row).collect(),
        Err(e) => return error_page(u, e.into()),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&FilePage {
            nav: Nav::new(u),
            unit_id: unit_id.to_string(),
            unit_name,
            may_file: u.principal.can(Permission::ReportFile),
            kinds: ReportKind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
            areas: areas.into_iter().map(|k| (k.id, k.name)).collect(),
            kind: field(sent, "kind").to_string(),
            title: field(sent, "title").to_string(),
            place: field(sent, "place").to_string(),
            key_area_id: field(sent, "key_area_id").to_string(),
            occurred_at: field(sent, "occurred_at").to_string(),
            details: field(sent, "details").to_string(),
            people: (1..=PEOPLE_ROWS)
                .map(|n| PersonRow {
                    n,
                    name: field(sent, &format!("p{n}_name")).to_string(),
                    role: field(sent, &format!("p{n}_role")).to_string(),
                    id_number: field(sent, &format!("p{n}_id")).to_string(),
                    phone: field(sent, &format!("p{n}_phone")).to_string(),
                })
                .collect(),
            first_actions: field(sent, "first_actions").to_string(),
            scene_preserved: field(sent, "scene_preserved") == "1",
            recent,
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /units/{id}/report`.
pub async fn file_form(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    file_page(&state, &u, &id, &Vec::new(), None).await
}

/// `POST /units/{id}/report` (multipart: `csrf` first, `_once`, then `kind`, `title`, `place`,
/// `key_area_id`, `occurred_at` (Beijing `datetime-local`), `details`, `p{n}_name|role|id|phone`
/// (n = 1–3), `first_actions`, `scene_preserved` (`1`) and any number of `photo` files, at most
/// 6 images and 10 MB in all). A refused form is shown again with what was typed (the photos
/// are chosen again).
pub async fn file(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    body: CsrfMultipart,
) -> Response {
    let (photos, f) = match body.files_and_fields("photo").await {
        Ok(x) => x,
        Err(e) => return file_page(&state, &u, &id, &Vec::new(), Some(e)).await,
    };
    let r = async {
        let occurred_at = match field(&f, "occurred_at").trim() {
            "" => None,
            s => Some(parse_local(s, "发生时间")?),
        };
        let input = FileInput {
            kind: Some(field(&f, "kind").to_string()),
            title: field(&f, "title").to_string(),
            details: field(&f, "details").to_string(),
            place: field(&f, "place").to_string(),
            key_area_id: Some(field(&f, "key_area_id").to_string()),
            occurred_at,
            people: (1..=PEOPLE_ROWS)
                .map(|n| InvolvedPerson {
                    name: field(&f, &format!("p{n}_name")).to_string(),
                    role: field(&f, &format!("p{n}_role")).to_string(),
                    id_number: field(&f, &format!("p{n}_id")).to_string(),
                    phone: field(&f, &format!("p{n}_phone")).to_string(),
                })
                .collect(),
            first_actions: field(&f, "first_actions").to_string(),
            scene_preserved: field(&f, "scene_preserved") == "1",
        };
        Ok::<_, ApiError>(
            state
                .services
                .reports
                .file_with_photos(&u.principal, &id, input, photos)
                .await?,
        )
    }
    .await;
    match r {
        Ok(v) => Redirect::to(&format!("/reports/{}?done=filed", v.report.id)).into_response(),
        Err(e) if matches!(e.code.http_status(), 400 | 409 | 413) => file_page(&state, &u, &id, &f, Some(e)).await,
        Err(e) => error_page(&u, e),
    }
}

#[derive(Template)]
#[template(path = "reports/report.html")]
struct ReportPage {
    nav: Nav,
    r: Row,
    may_handle: bool,
    /// May add a photo: the unit's account, the report open and not full.
    may_add_photo: bool,
    /// May reveal the people and contact (police who handle reports), something being masked.
    may_reveal: bool,
    /// The people and contact are shown in full (after the audited reveal).
    revealed: bool,
    purpose: String,
    reveal_error: Option<String>,
    note: String,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportQuery {
    done: String,
}

/// What a report page shows besides the report: a refused form's values and error, a notice,
/// the revealed people and contact.
#[derive(Default)]
struct Extras {
    sent: Fields,
    notice: Option<String>,
    error: Option<ApiError>,
    revealed: Option<RevealedText>,
    reveal_error: Option<String>,
}

fn report_page(u: &CurrentUser, v: &ReportView, x: Extras) -> Response {
    let status = match (&x.error, &x.reveal_error) {
        (Some(e), _) => status_of(e),
        (None, Some(_)) => StatusCode::BAD_REQUEST,
        (None, None) => StatusCode::OK,
    };
    let p = &u.principal;
    let mut r = row(v);
    let masked = !r.people.is_empty() || !r.contact.is_empty();
    let revealed = x.revealed.is_some();
    if let Some(t) = &x.revealed {
        if let Some(people) = t.fields.get("people") {
            r.people = serde_json::from_str(people).unwrap_or_default();
        }
        if let Some(contact) = t.fields.get("contact") {
            r.contact = contact.clone();
        }
    }
    let resp = with_status(
        render(&ReportPage {
            nav: Nav::new(u),
            may_handle: p.can(Permission::ReportHandle) && v.report.status != ReportStatus::Closed,
            may_add_photo: p.can(Permission::ReportFile)
                && v.report.unit_id.is_some()
                && v.report.status != ReportStatus::Closed
                && v.photos.len() < MAX_REPORT_PHOTOS,
            may_reveal: p.can(Permission::PersonReveal) && p.can(Permission::ReportHandle) && masked && !revealed,
            revealed,
            purpose: field(&x.sent, "purpose").to_string(),
            reveal_error: x.reveal_error,
            note: field(&x.sent, "note").to_string(),
            notice: x.notice,
            error: x.error.map(|e| e.message),
            r,
        }),
        status,
    );
    if revealed {
        no_store(resp)
    } else {
        resp
    }
}

/// `GET /reports/{id}`.
pub async fn report(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Response {
    let notice = match q.done.as_str() {
        "filed" => Some("报告已提交，接收的公安机关已收到。请保持电话畅通，保护好现场。".to_string()),
        "acknowledged" => Some("已签收".to_string()),
        "handled" => Some("已登记处置情况".to_string()),
        "photo" => Some("照片已添加".to_string()),
        _ => None,
    };
    match state.services.reports.get(&u.principal, &id).await {
        Ok(v) => report_page(
            &u,
            &v,
            Extras {
                notice,
                ..Default::default()
            },
        ),
        Err(e) => error_page(&u, e.into()),
    }
}

/// `POST /reports/{id}/acknowledge`.
pub async fn acknowledge(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let svc = &state.services.reports;
    match svc.acknowledge(&u.principal, &id).await {
        Ok(_) => Redirect::to(&format!("/reports/{id}?done=acknowledged")).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if matches!(e.code.http_status(), 400 | 409) {
                match svc.get(&u.principal, &id).await {
                    Ok(v) => report_page(
                        &u,
                        &v,
                        Extras {
                            sent: f,
                            error: Some(e),
                            ..Default::default()
                        },
                    ),
                    Err(e2) => error_page(&u, e2.into()),
                }
            } else {
                error_page(&u, e)
            }
        }
    }
}

/// `POST /reports/{id}/handling`: `note`, `close` (`1`: 办结).
pub async fn handling(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let svc = &state.services.reports;
    match svc
        .handle(&u.principal, &id, field(&f, "note"), field(&f, "close") == "1")
        .await
    {
        Ok(_) => Redirect::to(&format!("/reports/{id}?done=handled")).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if matches!(e.code.http_status(), 400 | 409) {
                match svc.get(&u.principal, &id).await {
                    Ok(v) => report_page(
                        &u,
                        &v,
                        Extras {
                            sent: f,
                            error: Some(e),
                            ..Default::default()
                        },
                    ),
                    Err(e2) => error_page(&u, e2.into()),
                }
            } else {
                error_page(&u, e)
            }
        }
    }
}

/// `POST /reports/{id}/photos` (multipart: `csrf` first, `_once`, then `file`): adds a photo to
/// an open report of the caller's unit. A refused photo shows the report with the zh-CN message.
pub async fn add_photo(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    body: CsrfMultipart,
) -> Response {
    let svc = &state.services.reports;
    let r = async {
        svc.photo_target(&u.principal, &id).await?;
        let file = body.file().await?;
        Ok::<_, ApiError>(svc.add_photo(&u.principal, &id, file).await?)
    }
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/reports/{id}?done=photo")).into_response(),
        Err(e) if matches!(e.code.http_status(), 400 | 409 | 413) => match svc.get(&u.principal, &id).await {
            Ok(v) => report_page(
                &u,
                &v,
                Extras {
                    error: Some(e),
                    ..Default::default()
                },
            ),
            Err(e2) => error_page(&u, e2.into()),
        },
        Err(e) => error_page(&u, e),
    }
}

/// `POST /reports/{id}/reveal` (`purpose`): the report page with its people and contact in full,
/// after the read was written to the audit log (as `POST /api/v1/reveal/reports/{id}`); sent
/// `no-store`. A missing or short purpose shows the page again with what was typed.
pub async fn reveal(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = state
        .services
        .privacy
        .reveal_free_text(&u.principal, "reports", &id, Some(field(&f, "purpose")), Via::Ui)
        .await
        .map_err(ApiError::from);
    let (revealed, reveal_error) = match r {
        Ok(t) => (Some(t), None),
        Err(e) if e.code == ErrorCode::PurposeRequired => (None, Some(e.message)),
        Err(e) => return error_page(&u, e),
    };
    match state.services.reports.get(&u.principal, &id).await {
        Ok(v) => report_page(
            &u,
            &v,
            Extras {
                sent: f,
                revealed,
                reveal_error,
                ..Default::default()
            },
        ),
        Err(e) => error_page(&u, e.into()),
    }
}

/// The fields of a report's reveal as the reveal page shows them: (label, plaintext), the
/// people as one line.
pub fn revealed_fields(t: &RevealedText) -> Vec<(String, String)> {
    REVEALED_FIELDS
        .iter()
        .filter_map(|(column, label)| {
            let plain = t.fields.get(*column)?;
            let shown = if *column == "people" {
                people_line(&serde_json::from_str::<Vec<InvolvedPerson>>(plain).unwrap_or_default())
            } else {
                plain.clone()
            };
            Some((label.to_string(), shown))
        })
        .collect()
}

#[derive(Template)]
#[template(path = "reports/list.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<Row>,
    total: i64,
    kind: String,
    status: String,
    kinds: Vec<(&'static str, &'static str)>,
    file_link: String,
    pager: Pager,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    kind: String,
    status: String,
    page: Option<u32>,
}

/// `GET /reports`: the reports in scope, newest first, by kind and status.
pub async fn list(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<ListQuery>) -> Response {
    let page = Page::checked(q.page, Some(50)).unwrap_or(Page { page: 1, per_page: 50 });
    let f = ReportFilter {
        kind: ReportKind::from_code(&q.kind),
        status: match q.status.as_str() {
            "submitted" | "acknowledged" | "closed" => Some(ReportStatus::from_code(&q.status)),
            _ => None,
        },
        unit_id: None,
    };
    let l = match state.services.reports.list(&u.principal, &f, page).await {
        Ok(l) => l,
        Err(e) => return error_page(&u, e.into()),
    };
    let file_link = match (&u.principal.unit_id, u.principal.can(Permission::ReportFile)) {
        (Some(unit), true) => format!("/units/{unit}/report"),
        _ => String::new(),
    };
    render(&ListPage {
        nav: Nav::new(&u),
        rows: l.items.iter().map(row).collect(),
        total: l.total,
        pager: Pager::new(
            "/reports",
            &[("kind", q.kind.clone()), ("status", q.status.clone())],
            l.page,
            l.per_page,
            l.total,
        ),
        kind: q.kind,
        status: q.status,
        kinds: ReportKind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
        file_link,
    })
}

//! `GET /organisations/{id}`: one organisation, its edit form (with the version the page shows),
//! its move, merge and close forms and its history as sentences; the posts that change it. A
//! refused form is shown again as typed, with the reason (a stale version: 该组织已被他人修改).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::error::ErrorCode;
use neibao_domain::organisations::OrgDetail;
use neibao_engine::organisations::{OrgClose, OrgEdit, OrgMerge, OrgMove};
use serde::Deserialize;

use super::rows::{org_options, NodeForm, NodeRow};
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{status_of, with_status};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

/// A history row as the page shows it.
pub struct HistoryRow {
    pub at: String,
    pub actor: String,
    pub sentence: String,
}

#[derive(Template)]
#[template(path = "organisations/detail.html")]
struct DetailPage {
    nav: Nav,
    o: NodeRow,
    parent: String,
    merged_into: String,
    /// Open organisations in reach, for the move and merge selects.
    /// Organisations it may move under.
    parents: Vec<(String, String)>,
    /// Organisations it may be merged into.
    targets: Vec<(String, String)>,
    form: NodeForm,
    history: Vec<HistoryRow>,
    error: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct DetailQuery {
    #[serde(default)]
    done: String,
}

async fn detail_page(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    typed: Option<NodeForm>,
    error: Option<String>,
    notice: Option<&'static str>,
) -> Response {
    let svc = &state.services.organisations;
    let loaded = async {
        let o = svc.get(&u.principal, id).await?;
        let all = svc.list(&u.principal, true).await?;
        let history = svc.history_of(&u.principal, id).await?;
        Ok::<_, ApiError>((o, all, history))
    }
    .await;
    let (o, all, history) = match loaded {
        Ok(l) => l,
        Err(e) => return error_page(u, e),
    };
    let name_of = |id: &Option<String>| {
        id.as_ref()
            .map(|p| {
                all.iter()
                    .find(|x| &x.org.id == p)
                    .map_or_else(|| "（本辖区以外）".to_string(), |x| x.org.name.clone())
            })
            .unwrap_or_default()
    };
    let row = NodeRow::new(&o);
    let form = typed.unwrap_or_else(|| NodeForm {
        version: o.version.to_string(),
        name: o.org.name.clone(),
        sector: o.org.sector.clone().unwrap_or_default(),
        parent_id: row.parent_id.clone(),
        target_id: String::new(),
        confirm: String::new(),
    });
    // Offered only what the service would take: a new parent of the kind above (not the
    // organisation itself or one below it), a merge target of the same kind.
    let mut below: std::collections::HashSet<&str> = std::collections::HashSet::from([o.org.id.as_str()]);
    loop {
        let before = below.len();
        for x in all.iter() {
            if x.org.parent_id.as_deref().is_some_and(|p| below.contains(p)) {
                below.insert(x.org.id.as_str());
            }
        }
        if below.len() == before {
            break;
        }
    }
    let outside = |x: &&OrgDetail| !below.contains(x.org.id.as_str());
    let parents: Vec<OrgDetail> = all
        .iter()
        .filter(outside)
        .filter(|x| neibao_domain::organisations::check_parent_kind(&o.org.kind, Some(&x.org.kind)).is_ok())
        .cloned()
        .collect();
    let targets: Vec<OrgDetail> = all
        .iter()
        .filter(outside)
        .filter(|x| x.org.kind == o.org.kind)
        .cloned()
        .collect();
    render(&DetailPage {
        nav: Nav::new(u),
        parent: name_of(&o.org.parent_id),
        merged_into: name_of(&o.merged_into),
        parents: org_options(&parents),
        targets: org_options(&targets),
        o: row,
        form,
        history: history
            .into_iter()
            .map(|h| HistoryRow {
                at: fmt_time(h.at),
                actor: neibao_domain::audit::actor_label(&h.actor_name),
                sentence: h.sentence,
            })
            .collect(),
        error,
        notice,
    })
}

/// `GET /organisations/{id}` (`done=created|saved|moved|merged|closed` after a change).
pub async fn page(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Response {
    let notice = match q.done.as_str() {
        "created" => Some("组织已新建。"),
        "saved" => Some("已保存。"),
        "moved" => Some("已调整上级组织。"),
        "merged" => Some("已合并：在管单位、账号和下级组织已转入合并目标，本组织已撤销。"),
        "closed" => Some("组织已撤销。"),
        _ => None,
    };
    detail_page(&state, &u, &id, None, None, notice).await
}

/// A refusal: the error page for what the caller may not do at all, else the page again with
/// the reason and what was typed.
async fn refused(state: &AppState, u: &CurrentUser, id: &str, e: ApiError, typed: NodeForm) -> Response {
    if matches!(e.code, ErrorCode::Forbidden | ErrorCode::NotFound) {
        return error_page(u, e);
    }
    let status = status_of(&e);
    with_status(
        detail_page(state, u, id, Some(typed), Some(e.message), None).await,
        status,
    )
}

/// The version the form carried (0 when missing or garbled: refused as stale).
fn version(f: &NodeForm) -> i64 {
    f.version.trim().parse().unwrap_or(0)
}

fn done(id: &str, what: &str) -> Response {
    Redirect::to(&format!("/organisations/{id}?done={what}")).into_response()
}

/// `POST /organisations/{id}`: saves name and sector.
pub async fn update(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<NodeForm>,
) -> Response {
    let edit = OrgEdit {
        version: version(&f),
        name: Some(f.name.clone()),
        sector: Some(f.sector.clone()),
    };
    match state.services.organisations.update(&u.principal, &id, edit).await {
        Ok(_) => done(&id, "saved"),
        Err(e) => refused(&state, &u, &id, e.into(), f).await,
    }
}

/// `POST /organisations/{id}/move`: puts it under another parent.
pub async fn move_to(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<NodeForm>,
) -> Response {
    let mv = OrgMove {
        version: version(&f),
        parent_id: f.parent_id.clone(),
    };
    match state.services.organisations.move_to(&u.principal, &id, mv).await {
        Ok(_) => done(&id, "moved"),
        Err(e) => refused(&state, &u, &id, e.into(), f).await,
    }
}

/// A merge or close sent without its box ticked: the page again, saying so (or, for an
/// organisation out of reach, its refusal).
async fn unconfirmed(state: &AppState, u: &CurrentUser, id: &str, f: NodeForm, verb: &str) -> Response {
    let e = match state.services.organisations.get(&u.principal, id).await {
        Ok(_) => ApiError::validation(format!("请勾选确认后再{verb}")),
        Err(e) => e.into(),
    };
    refused(state, u, id, e, f).await
}

/// `POST /organisations/{id}/merge`: merges it into another organisation of the same kind.
pub async fn merge(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<NodeForm>,
) -> Response {
    if f.confirm != "1" {
        return unconfirmed(&state, &u, &id, f, "合并").await;
    }
    let m = OrgMerge {
        version: version(&f),
        target_id: f.target_id.clone(),
    };
    match state.services.organisations.merge(&u.principal, &id, m).await {
        Ok(_) => done(&id, "merged"),
        Err(e) => refused(&state, &u, &id, e.into(), f).await,
    }
}

/// `POST /organisations/{id}/close`: closes it (撤销), when nothing hangs on it any more.
pub async fn close(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<NodeForm>,
) -> Response {
    if f.confirm != "1" {
        return unconfirmed(&state, &u, &id, f, "撤销").await;
    }
    let c = OrgClose { version: version(&f) };
    match state.services.organisations.close(&u.principal, &id, c).await {
        Ok(_) => done(&id, "closed"),
        Err(e) => refused(&state, &u, &id, e.into(), f).await,
    }
}

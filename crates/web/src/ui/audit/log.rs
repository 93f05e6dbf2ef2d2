//! `/audit`: the audit log, newest first (as `GET /api/v1/audit`: everything for whoever sees
//! everything, otherwise the rows about units in the caller's jurisdiction, the rows written by
//! the users of those units and the caller's own actions), each row as a zh-CN sentence beside
//! its stable code, with the chain head to write down.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use neibao_domain::audit::actor_label;
use neibao_domain::audit::{action_label, object_label, sentence, AuditFilter, ACTIONS};
use neibao_domain::paging::Page;
use serde::Deserialize;

use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_ms, total_label, Nav, Pager, Span};

#[derive(Deserialize, Default)]
pub struct AuditPageQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    object_id: String,
    page: Option<u32>,
}

struct AuditRow {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    action_label: String,
    /// zh-CN sentence: who did what to which object (the object's id shown as code).
    sentence: Vec<Span>,
    /// zh-CN name of the object kind.
    object: String,
    object_id: String,
    unit_id: String,
    unit: String,
    purpose: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "audit/audit.html")]
struct AuditPage {
    nav: Nav,
    rows: Vec<AuditRow>,
    total: String,
    action: String,
    actor: String,
    object_id: String,
    pager: Pager,
    head_seq: i64,
    head_hash: String,
    actions: Vec<(&'static str, &'static str)>,
}

/// Action codes with their zh-CN labels (the filter's suggestions): the services' codes, and
/// the prefixes of the requests refused by the web layer.
fn suggested_actions() -> Vec<(&'static str, &'static str)> {
    let mut all: Vec<_> = ACTIONS.iter().map(|(code, label, _)| (*code, *label)).collect();
    all.extend([
        ("hazard.", "隐患整改流程"),
        ("POST ", "被拒绝的提交"),
        ("PUT ", "被拒绝的修改"),
        ("DELETE ", "被拒绝的删除"),
    ]);
    all
}

fn non_empty(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

pub async fn audit(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<AuditPageQuery>) -> Response {
    let audit = &state.services.audit;
    let filter = AuditFilter {
        action: non_empty(&q.action),
        actor: non_empty(&q.actor),
        object_id: non_empty(&q.object_id),
    };
    let page = Page::new(q.page, Some(50));
    let loaded = async {
        let list = audit.list(&u.principal, &filter, page).await?;
        let head = audit.head(&u.principal).await?;
        let ids = list
            .items
            .iter()
            .filter_map(|r| r.entry.unit_id.clone())
            .collect::<Vec<_>>();
        let names = audit.unit_names(&u.principal, ids).await?;
        Ok::<_, ApiError>((list, head, names))
    }
    .await;
    let (list, head, names) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(&u, e),
    };
    let rows = list
        .items
        .iter()
        .map(|r| {
            let unit_id = r.entry.unit_id.clone().unwrap_or_default();
            AuditRow {
                seq: r.seq,
                at: fmt_ms(r.at),
                actor: if r.entry.actor_id.as_deref().unwrap_or_default().is_empty() {
                    actor_label(&r.entry.actor_name)
                } else {
                    r.entry.actor_name.clone()
                },
                action: r.entry.action.clone(),
                action_label: action_label(&r.entry.action),
                sentence: id_as_code(&sentence(&r.entry), &r.entry.object_id),
                object: object_label(&r.entry.object_type),
                object_id: r.entry.object_id.clone(),
                unit: names.get(&unit_id).cloned().unwrap_or_default(),
                unit_id,
                purpose: r.entry.purpose.clone(),
                detail: neibao_domain::audit::detail_zh(&r.entry.detail),
            }
        })
        .collect();
    let pager = Pager::new(
        "/audit",
        &[
            ("action", q.action.clone()),
            ("actor", q.actor.clone()),
            ("object_id", q.object_id.clone()),
        ],
        page.page,
        page.per_page,
        list.total,
    );
    render(&AuditPage {
        nav: Nav::new(&u),
        rows,
        total: total_label(&list),
        action: q.action,
        actor: q.actor,
        object_id: q.object_id,
        pager,
        head_seq: head.last_seq,
        head_hash: head.last_hash,
        actions: suggested_actions(),
    })
}

/// The sentence with the object's id (a record id, a rule code) as code, the words as text.
fn id_as_code(sentence: &str, id: &str) -> Vec<Span> {
    let text = |t: &str| Span {
        text: t.to_string(),
        code: false,
    };
    match sentence.split_once(id).filter(|_| !id.is_empty()) {
        Some((before, after)) => vec![
            text(before),
            Span {
                text: id.to_string(),
                code: true,
            },
            text(after),
        ],
        None => vec![text(sentence)],
    }
}

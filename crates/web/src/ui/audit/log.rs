//! `/audit`: the audit log, newest first (as `GET /api/v1/audit`: everything for whoever sees
//! everything, otherwise the rows about units in the caller's jurisdiction and the caller's own
//! actions), with the chain head to write down.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use neibao_domain::audit::AuditFilter;
use neibao_domain::paging::Page;
use serde::Deserialize;

use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_ms, total_label, Nav, Pager};

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
    action_label: &'static str,
    object_type: String,
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

/// Action codes with their zh-CN meaning (the filter's suggestions and the table's labels).
const AUDIT_ACTIONS: &[(&str, &str)] = &[
    ("person.reveal", "查看完整个人信息"),
    ("person.lookup", "按身份证号查找"),
    ("event.raw", "查看原始报文"),
    ("session.login", "登录"),
    ("session.login_failed", "登录失败"),
    ("session.logout", "退出登录"),
    ("user.password_change", "修改密码"),
    ("user.reset", "恢复账号"),
    ("totp.begin", "开始绑定动态验证码"),
    ("totp.enable", "启用动态验证码"),
    ("totp.remove", "解除动态验证码"),
    ("token.create", "创建接口令牌"),
    ("token.revoke", "撤销接口令牌"),
    ("security_settings.update", "修改安全设置"),
    ("retention_policy.update", "修改保存期限"),
    ("legal_hold.create", "设置法律保全"),
    ("legal_hold.release", "解除法律保全"),
    ("retention.delete", "到期删除"),
    ("audit.trim", "清理过期审计记录"),
    ("keys.rotate", "密钥轮换"),
    ("POST ", "提交修改"),
];

fn action_label(action: &str) -> &'static str {
    if let Some((_, l)) = AUDIT_ACTIONS.iter().find(|(a, _)| *a == action) {
        return l;
    }
    match action.split(' ').next() {
        Some("POST" | "PUT" | "PATCH") if action.contains(' ') => "提交修改",
        Some("DELETE") if action.contains(' ') => "删除",
        _ => "",
    }
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
                actor: r.entry.actor_name.clone(),
                action: r.entry.action.clone(),
                action_label: action_label(&r.entry.action),
                object_type: r.entry.object_type.clone(),
                object_id: r.entry.object_id.clone(),
                unit: names.get(&unit_id).cloned().unwrap_or_default(),
                unit_id,
                purpose: r.entry.purpose.clone(),
                detail: r.entry.detail.clone(),
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
        actions: AUDIT_ACTIONS.to_vec(),
    })
}

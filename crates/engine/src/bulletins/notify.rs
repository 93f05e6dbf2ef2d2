//! The notices of a bulletin (inbox + own channels, through
//! [`crate::notifications::notice::send`]): one per recipient unit (key
//! `bulletin:<id>:<unit>`), one per unit reminded at the deadline (`bulletin-remind:<id>:<unit>`),
//! and one to the police station of a unit's report (`bulletin-up:<id>`). Sending a key again adds
//! nothing.

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Shanghai;
use neibao_domain::bulletins::{Bulletin, Recipient};

use crate::context::Ctx;
use crate::notifications::notice::{send, Notice};

fn deadline_text(b: &Bulletin) -> String {
    b.ack_deadline
        .map(|d: DateTime<Utc>| format!("请于 {} 前签收", d.with_timezone(&Shanghai).format("%Y-%m-%d %H:%M")))
        .unwrap_or_else(|| "请及时签收".into())
}

/// Tells each of `units` about `b` (issued now).
pub(crate) async fn notify_recipients(ctx: &Ctx, b: &Bulletin, units: &[Recipient]) -> anyhow::Result<()> {
    let reply = if b.reply_requested { "并回复" } else { "" };
    for u in units {
        let notice = Notice {
            key: format!("bulletin:{}:{}", b.id, u.unit_id),
            unit_id: Some(u.unit_id.clone()),
            org_ids: Vec::new(),
            title: format!("【{}·{}】{}", b.kind.label_zh(), b.severity.label_zh(), b.title),
            unit_name: u.unit_name.clone(),
            summary: format!("收到公安机关警企通报「{}」，{}{reply}。", b.title, deadline_text(b)),
            link: format!("/bulletins/{}", b.id),
            at: b.created_at,
        };
        send(ctx.store.as_ref(), &notice, ctx.config.public_url.as_deref()).await?;
    }
    Ok(())
}

/// Reminds each of `units` (not acknowledged at the deadline) once.
pub(crate) async fn notify_overdue(
    ctx: &Ctx,
    b: &Bulletin,
    units: &[Recipient],
    at: DateTime<Utc>,
) -> anyhow::Result<()> {
    for u in units {
        let notice = Notice {
            key: format!("bulletin-remind:{}:{}", b.id, u.unit_id),
            unit_id: Some(u.unit_id.clone()),
            org_ids: Vec::new(),
            title: format!("警企通报已到签收期限，请尽快签收：{}", b.title),
            unit_name: u.unit_name.clone(),
            summary: format!(
                "警企通报「{}」已到签收期限，本单位尚未签收，已列为逾期未签收。",
                b.title
            ),
            link: format!("/bulletins/{}", b.id),
            at,
        };
        send(ctx.store.as_ref(), &notice, ctx.config.public_url.as_deref()).await?;
    }
    Ok(())
}

/// Tells the police station of a unit's report.
pub(crate) async fn notify_station(ctx: &Ctx, b: &Bulletin) -> anyhow::Result<()> {
    let Some(org) = b.org_id.clone() else {
        return Ok(());
    };
    let unit = b.from_unit_name.clone().unwrap_or_default();
    let notice = Notice {
        key: format!("bulletin-up:{}", b.id),
        unit_id: None,
        org_ids: vec![org],
        title: format!("【单位上报·{}】{}", b.severity.label_zh(), b.title),
        unit_name: unit.clone(),
        summary: format!("{unit}上报{}「{}」，请查看。", b.kind.label_zh(), b.title),
        link: format!("/bulletins/{}", b.id),
        at: b.created_at,
    };
    send(ctx.store.as_ref(), &notice, ctx.config.public_url.as_deref()).await?;
    Ok(())
}

/// Tells the sending unit of a report that the police replied (key `bulletin-reply:<id>`).
pub(crate) async fn notify_police_reply(ctx: &Ctx, b: &Bulletin) -> anyhow::Result<()> {
    let (Some(unit), Some(reply)) = (b.from_unit_id.clone(), b.police_reply.as_ref()) else {
        return Ok(());
    };
    let org = b.org_name.clone().unwrap_or_else(|| "公安机关".into());
    let notice = Notice {
        key: format!("bulletin-reply:{}", b.id),
        unit_id: Some(unit),
        org_ids: Vec::new(),
        title: format!("公安机关已回复本单位上报：{}", b.title),
        unit_name: b.from_unit_name.clone().unwrap_or_default(),
        summary: format!("{org}{}回复了本单位上报的「{}」，请查看。", reply.by_name, b.title),
        link: format!("/bulletins/{}", b.id),
        at: reply.at,
    };
    send(ctx.store.as_ref(), &notice, ctx.config.public_url.as_deref()).await?;
    Ok(())
}

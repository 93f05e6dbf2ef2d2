//! The notices of an order to the units it covers (inbox + their own channels, through
//! [`crate::notifications::notice::send`]): one per unit and per step of the order (key
//! `protection-level:<order>:v<version>:<unit>`, so a step sent again adds nothing).

use chrono::Utc;
use chrono_tz::Asia::Shanghai;
use neibao_domain::protection_levels::{Order, OrderState, OrderUnit};

use crate::context::Ctx;
use crate::notifications::notice::{send, Notice};

/// Sends each unit of `units` the notice of `order` as it now stands; `what` says what happened
/// (e.g. 启动). Forgets the pipeline's cached placements, so that data rules see the new level.
pub(crate) async fn notify_units(ctx: &Ctx, order: &Order, units: &[OrderUnit], what: &str) -> anyhow::Result<()> {
    ctx.pipeline.forget_placements();
    let ends = order.ends_at.with_timezone(&Shanghai).format("%Y-%m-%d %H:%M");
    let (title, summary) = if order.state == OrderState::Ended {
        (
            format!("防范等级指令已结束：{}", order.title),
            format!("「{}」已结束，恢复常态防范。", order.title),
        )
    } else {
        let measures: Vec<String> = order
            .measures
            .iter()
            .enumerate()
            .map(|(i, m)| format!("{}. {m}", i + 1))
            .collect();
        (
            format!("防范等级{what}为{}：{}", order.level.label_zh(), order.title),
            format!(
                "事由：{}。防范等级：{}，至 {ends}。须落实的措施：{}。请签收指令并登记措施落实情况。",
                order.reason,
                order.level.label_zh(),
                measures.join("；")
            ),
        )
    };
    for u in units {
        let notice = Notice {
            key: format!("protection-level:{}:v{}:{}", order.id, order.version, u.unit_id),
            unit_id: Some(u.unit_id.clone()),
            org_ids: Vec::new(),
            title: title.clone(),
            unit_name: u.unit_name.clone(),
            summary: summary.clone(),
            link: format!("/units/{}/protection-level", u.unit_id),
            at: Utc::now(),
        };
        send(ctx.store.as_ref(), &notice, ctx.config.public_url.as_deref()).await?;
    }
    Ok(())
}

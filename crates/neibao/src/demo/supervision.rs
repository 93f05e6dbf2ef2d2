//! The demo's supervision data, written through the supervision services.

use anyhow::Context;
use chrono::{Duration, Utc};
use neibao_domain::paging::Page;
use neibao_domain::registry::Unit;
use neibao_store::Store;

/// Demo supervision data: a winter campaign over the demo unit's county, the demo unit's police
/// inspection submitted with one failed item (a hazard under a rectification order with its
/// 限期整改通知书 and 检查笔录), and a hazard reported from a patrol awaiting an order.
pub(super) async fn supervision(store: &dyn Store, unit: &Unit, now: chrono::DateTime<Utc>) -> anyhow::Result<()> {
    use neibao_domain::supervision::checklist::ItemResult;
    use neibao_domain::supervision::ladder::{Action, HazardClass, HazardSource};
    use neibao_domain::supervision::{InspectionRecord, ItemOutcome, Signature};
    use neibao_engine::supervision::{campaigns, hazards, inspections as insp, ladder};

    let (user, _) = store.user_credentials("demo_county").await?.context("demo_county")?;
    let officer = user.principal();
    let campaign = campaigns::launch(
        store,
        &officer,
        campaigns::CampaignInput {
            title: "2026年冬季内部治安保卫专项检查（演示）".into(),
            description: "重点检查值班值守、重要部位技防设施和危险物品管理。".into(),
            selection: campaigns::CampaignSelection {
                division_prefix: Some(unit.division_code[..6].to_string()),
                ..Default::default()
            },
            due_date: (now + Duration::days(30)).date_naive(),
            assignee_name: None,
            hand_out: Default::default(),
        },
        now,
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo campaign: {e}"))?;
    let inspections = store
        .list_inspections(
            &officer.scope,
            &neibao_domain::supervision::InspectionFilter {
                campaign_id: Some(campaign.id.clone()),
                unit_id: Some(unit.id.clone()),
                ..Default::default()
            },
            Page::new(Some(1), Some(1)),
        )
        .await?;
    let inspection = inspections.items.first().context("demo inspection")?;
    let checklist = store.get_checklist(&inspection.checklist_id).await?;
    let results: Vec<ItemOutcome> = checklist
        .items
        .iter()
        .map(|i| ItemOutcome {
            code: i.code.clone(),
            result: if i.code == "P5" {
                ItemResult::Fail
            } else {
                ItemResult::Pass
            },
            note: if i.code == "P5" {
                "夜间值班表有两班空缺，监控室无人值守".into()
            } else {
                String::new()
            },
        })
        .collect();
    let record = InspectionRecord {
        place: format!("{}监控室、重要部位", unit.name),
        officers: vec![user.display_name.clone(), "李警官（虚构）".into()],
        accompanying_person: "演示保卫负责人".into(),
        witness: "演示见证人（虚构）".into(),
        purpose: "冬季专项检查".into(),
        inspection_type: "专项检查".into(),
        methods: vec!["实地查看".into(), "查阅".into()],
        signatures: vec![Signature {
            name: user.display_name.clone(),
            role: "检查人员".into(),
            at: now,
        }],
        ..Default::default()
    };
    let submitted = insp::submit(store, &officer, &inspection.id, &record, &results, now)
        .await
        .map_err(|e| anyhow::anyhow!("demo inspection: {e}"))?;
    if let Some(h) = submitted.hazards.first() {
        ladder::act(
            store,
            &officer,
            &h.id,
            ladder::ActInput {
                action: Action::IssueOrder {
                    deadline: neibao_domain::supervision::calendar::deadline_after_days(now, 7),
                },
                reason: "专项检查发现".into(),
                evidence: Vec::new(),
                expected_version: None,
            },
            now,
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo order: {e}"))?;
    }
    hazards::report(
        store,
        &officer,
        hazards::HazardInput {
            unit_id: unit.id.clone(),
            title: "东侧围墙周界报警探测器失效".into(),
            description: "夜间巡逻发现探测器指示灯不亮（演示）".into(),
            class: HazardClass::Major,
            source: HazardSource::Report,
            source_id: None,
        },
        now,
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo hazard: {e}"))?;
    Ok(())
}

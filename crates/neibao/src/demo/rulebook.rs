//! The demo's written security rules (docs/RULEBOOK.md), published through the rulebook service
//! as each unit's own security manager would: some Hangzhou units cover all nine subjects, some
//! only a few, one has a version due for its annual review. The demo unit itself starts with none,
//! so that a new user publishes its first rules themselves.

use chrono::{Duration, NaiveDate};
use neibao_domain::access::{Principal, Role, Scope};
use neibao_domain::registry::Unit;
use neibao_domain::rulebook::subject_label;
use neibao_engine::rulebook::VersionDraft;
use neibao_engine::Services;

/// The unit's security manager, as the demo acts for it.
fn manager_of(unit: &Unit) -> Principal {
    Principal {
        user_id: String::new(),
        username: "demo".into(),
        display_name: "演示数据".into(),
        role: Role::UnitManager,
        org_id: None,
        org_name: None,
        unit_id: Some(unit.id.clone()),
        unit_name: Some(unit.name.clone()),
        division_code: Some(unit.division_code.clone()),
        scope: Scope::Unit {
            unit_id: unit.id.clone(),
        },
    }
}

/// Publishes the first `n` subjects (1–9) of unit number `i`'s rules, dated before `today`;
/// unit numbers divisible by 4 have their first subject published more than a year ago
/// (待复审).
pub(super) async fn publish(
    services: &Services,
    unit: &Unit,
    i: usize,
    n: i64,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let who = manager_of(unit);
    for subject in 1..=n.min(9) {
        let published = if subject == 1 && i.is_multiple_of(4) {
            today - Duration::days(400)
        } else {
            today - Duration::days(30 + (i as i64 * 7 + subject * 11) % 300)
        };
        let label = subject_label(subject).unwrap_or_default();
        let draft = VersionDraft {
            title: format!("{}（{}）", label.chars().take(40).collect::<String>(), published.format("%Y年版")),
            body: format!(
                "一、为落实《企业事业单位内部治安保卫条例》第八条，制定本制度。\n二、适用范围：本单位全体员工及保安人员。\n三、{label}的具体要求由保卫部门组织落实，每年复审一次。\n（演示数据，虚构）"
            ),
            approved_on: published - Duration::days(3),
            published_on: published,
        };
        services
            .rulebook
            .publish(&who, &unit.id, subject, draft)
            .await
            .map_err(|e| anyhow::anyhow!("demo rulebook: {e}"))?;
    }
    Ok(())
}

//! The unit's emergency plans as evidence beside the inspection checklist (`unit_records`):
//! items `Z10` (制定内部治安突发事件处置预案并定期演练; Decree 421 Art 15) and `Z13` (反恐怖防范工作
//! 预案; Anti-Terrorism Law Art 32).

use neibao_domain::access::Principal;
use neibao_domain::emergency_plans::PlanStatus;
use neibao_domain::unit_records::RecordLine;

use super::service::EmergencyPlanService;
use crate::error::ServiceResult;

impl EmergencyPlanService {
    /// One line for `Z10` and `Z13`: the plans by scenario with their status; needs attention
    /// when there is none, or a key unit has none accepted. 404 outside the scope.
    pub async fn records(&self, who: &Principal, unit_id: &str) -> ServiceResult<Vec<RecordLine>> {
        let (_, key) = self.unit(who, unit_id).await?;
        let plans = self.list(who, unit_id, None).await?;
        let accepted = plans.iter().filter(|p| p.accepted_version.is_some()).count();
        let text = if plans.is_empty() {
            "尚未编制应急预案。".to_string()
        } else {
            let list: Vec<String> = plans
                .iter()
                .map(|p| {
                    let mut s = format!(
                        "{}「{}」第{}版（{}",
                        p.scenario_label, p.title, p.current_version, p.status_label
                    );
                    if let Some(v) = p.accepted_version.filter(|_| p.status != PlanStatus::Accepted) {
                        s.push_str(&format!("，第{v}版已通过审核"));
                    }
                    s.push('）');
                    s
                })
                .collect();
            let mut t = format!("应急预案 {} 份：{}", plans.len(), list.join("；"));
            if key {
                t.push_str(&format!("；经公安机关审核通过 {accepted} 份"));
            }
            t.push('。');
            t
        };
        Ok(vec![RecordLine::new(
            &["Z10", "Z13"],
            "应急预案",
            text,
            format!("/units/{unit_id}/emergency-plans"),
            plans.is_empty() || (key && accepted == 0),
        )])
    }
}

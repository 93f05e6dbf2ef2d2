//! The unit's patrols as evidence beside the inspection checklist (`unit_records`): item `P6`
//! (按规定巡逻并有巡查记录，完成率达标; Decree 421 Art 11(3), R12(3)) and `P5` (值班、无空岗漏岗).

use neibao_domain::access::Principal;
use neibao_domain::patrol::SUMMARY_DAYS;
use neibao_domain::supervision::calendar::beijing_date;
use neibao_domain::unit_records::RecordLine;

use super::service::PatrolService;
use crate::error::ServiceResult;

impl PatrolService {
    /// One line for `P6` and `P5`: routes and checkpoints, rounds of the last 30 days with their
    /// completion rate, missed checkpoints and late rounds, the last round's date. 404 outside
    /// the scope.
    pub async fn records(&self, who: &Principal, unit_id: &str) -> ServiceResult<Vec<RecordLine>> {
        let s = self.summary(who, unit_id).await?;
        let text = if s.routes == 0 {
            "尚未设置巡查路线，无电子巡查记录。".to_string()
        } else {
            let mut t = format!(
                "巡查路线 {} 条、巡查点 {} 个；近 {SUMMARY_DAYS} 日巡查 {} 次",
                s.routes, s.checkpoints, s.rounds
            );
            if let Some(p) = s.completion_percent {
                t.push_str(&format!("，完整率 {p}%"));
            }
            t.push_str(&format!(
                "，漏检巡查点 {} 个，未按时开始 {} 次",
                s.missed_checkpoints, s.late_rounds
            ));
            if let Some(at) = s.last_round_at {
                t.push_str(&format!("；最近一次 {}", beijing_date(at)));
            }
            t.push('。');
            t
        };
        Ok(vec![RecordLine::new(
            &["P6", "P5"],
            "巡查记录",
            text,
            format!("/units/{unit_id}/patrol"),
            s.routes == 0 || s.rounds == 0 || s.missed_checkpoints > 0 || s.late_rounds > 0,
        )])
    }
}

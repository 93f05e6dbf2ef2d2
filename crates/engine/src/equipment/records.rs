//! The unit's protective equipment as evidence beside the inspection checklist
//! (`unit_records`): item `W4` (各岗位配备防护器械, 浙政办发〔2019〕24号; R35), part of the
//! 物防 data.

use neibao_domain::access::Principal;
use neibao_domain::unit_records::RecordLine;

use super::service::EquipmentService;
use crate::error::ServiceResult;

impl EquipmentService {
    /// One line for `W4`: posts, posts below their minimum, expired and damaged or missing
    /// items, the last check. 404 outside the scope.
    pub async fn records(&self, who: &Principal, unit_id: &str) -> ServiceResult<Vec<RecordLine>> {
        let s = self.summary(who, unit_id).await?;
        let text = if s.posts == 0 {
            "尚未登记岗位和防护器械。".to_string()
        } else {
            let mut t = format!(
                "岗位 {} 个，低于最低配备 {} 个；过期器械 {} 项，检查损坏或缺失 {} 项",
                s.posts, s.posts_below_minimum, s.expired_items, s.damaged_or_missing
            );
            match s.last_check_on {
                Some(d) => t.push_str(&format!("；最近检查 {d}")),
                None => t.push_str("；尚无检查记录"),
            }
            t.push('。');
            t
        };
        Ok(vec![RecordLine::new(
            &["W4"],
            "防护器械",
            text,
            format!("/units/{unit_id}/equipment"),
            s.posts == 0 || s.flagged(),
        )])
    }
}

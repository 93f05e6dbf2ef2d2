//! The unit's security body, staff, guards and training as evidence beside the inspection
//! checklist (`unit_records`): `Z1`/`P1` (保卫机构和专兼职人员, Decree 421 Art 6), `P2` (培训考核,
//! Art 9), `P3` (保安员持证上岗、审查合格, 《保安服务管理条例》第十六条).

use neibao_domain::access::Principal;
use neibao_domain::unit_records::RecordLine;

use super::service::SecurityStaffService;
use crate::error::ServiceResult;

impl SecurityStaffService {
    /// Three lines: the body and roster, training, guards. 404 outside the scope; 403 for a
    /// role that may not read the roster (guards), which the collector leaves out.
    pub async fn records(&self, who: &Principal, unit_id: &str) -> ServiceResult<Vec<RecordLine>> {
        let s = self.summary(who, unit_id).await?;
        let href = format!("/units/{unit_id}/security");
        let body = match (&s.body_kind, s.body_present) {
            (Some(kind), true) => format!("已登记保卫机构（{kind}）"),
            (None, true) => "已登记保卫机构".to_string(),
            _ => "尚未登记保卫机构".to_string(),
        };
        let mut training = format!("近 12 个月培训考核记录 {} 条", s.trainings_last_12_months);
        if s.certificates_expiring > 0 || s.certificates_expired > 0 {
            training.push_str(&format!(
                "；证书 30 日内到期 {} 个、已过期 {} 个",
                s.certificates_expiring, s.certificates_expired
            ));
        }
        training.push('。');
        let mut guards = format!("在岗保安员 {} 名，其中自行招用 {} 名", s.guards, s.own_hired_guards);
        if s.ineligible_guards > 0 {
            guards.push_str(&format!("；{} 名未满18周岁", s.ineligible_guards));
        }
        guards.push('。');
        for w in &s.warnings {
            guards.push_str(w);
        }
        Ok(vec![
            RecordLine::new(
                &["Z1", "P1"],
                "保卫机构和保卫人员",
                format!("{body}；保卫人员 {} 名。", s.staff),
                href.clone(),
                !s.body_present || s.staff == 0,
            ),
            RecordLine::new(
                &["P2"],
                "培训考核",
                training,
                href.clone(),
                s.trainings_last_12_months == 0 || s.certificates_expired > 0,
            ),
            RecordLine::new(
                &["P3"],
                "保安员",
                guards,
                href,
                s.ineligible_guards > 0 || !s.warnings.is_empty(),
            ),
        ])
    }
}

//! The unit's rules as evidence beside the inspection checklist (`unit_records`): item `Z6`
//! (九项治安保卫制度齐全并及时修订, Decree 421 Art 8) and `Z8` (检查、考核、奖惩记录, Art 8 item 7).

use neibao_domain::access::Principal;
use neibao_domain::rulebook::SubjectState;
use neibao_domain::unit_records::RecordLine;

use super::service::RulebookService;
use crate::error::ServiceResult;

impl RulebookService {
    /// One line for `Z6`: subjects covered of nine, which are missing or due for review, and how
    /// many of the unit's accounts signed the current versions. 404 outside the scope.
    pub async fn records(&self, who: &Principal, unit_id: &str) -> ServiceResult<Vec<RecordLine>> {
        let book = self.unit(who, unit_id).await?;
        let missing: Vec<String> = book
            .subjects
            .iter()
            .filter(|s| s.state == SubjectState::Missing)
            .map(|s| s.subject.to_string())
            .collect();
        let mut text = format!("九项制度已覆盖 {} 项", book.covered);
        if book.covered == 0 {
            text.push_str("，尚未登记任何制度");
        } else if !missing.is_empty() {
            text.push_str(&format!("，缺第{}项", missing.join("、")));
        }
        if book.review_due > 0 {
            text.push_str(&format!("，{} 项超过一年未复审", book.review_due));
        }
        let current: Vec<_> = book.subjects.iter().filter(|s| s.current.is_some()).collect();
        if let Some(first) = current.first() {
            let signed = current.iter().map(|s| s.acknowledged).sum::<i64>();
            let due = current.len() as i64 * first.staff;
            text.push_str(&format!("；现行版本签收 {signed}/{due} 人次"));
        }
        text.push('。');
        Ok(vec![RecordLine::new(
            &["Z6"],
            "治安保卫制度",
            text,
            format!("/units/{unit_id}/rulebook"),
            book.covered < book.total || book.review_due > 0,
        )])
    }
}

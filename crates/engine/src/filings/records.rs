//! The unit's filings and designations as evidence beside the inspection checklist
//! (`unit_records`): `Z9` (保卫机构及人员配备备案, Decree 421 Art 6 ¶2), `P3` (自行招用保安员备案,
//! 《保安服务管理条例》第十四条), `Z11` (视频图像信息系统备案, S7 Art 14); designations (重点单位,
//! 反恐怖重点目标) bear on no single item and are shown with the other records.

use neibao_domain::access::Principal;
use neibao_domain::designations::DesignationFilter;
use neibao_domain::filings::{Filing, FilingFilter, FilingKind, FilingStatus};
use neibao_domain::paging::Page;
use neibao_domain::unit_records::RecordLine;

use super::service::FilingService;
use crate::error::ServiceResult;

/// The checklist items a filing kind bears on.
fn items_of(kind: FilingKind) -> &'static [&'static str] {
    match kind {
        FilingKind::SecurityBody => &["Z9"],
        FilingKind::GuardStart | FilingKind::GuardStop => &["P3"],
        FilingKind::VideoSystem | FilingKind::VideoChange => &["Z11"],
        FilingKind::CounterTerrorReport => &[],
    }
}

/// One sentence about a unit's filings of one kind: how many, by status, how many overdue.
fn sentence(kind: FilingKind, filings: &[&Filing]) -> String {
    let mut parts = Vec::new();
    for status in FilingStatus::ALL {
        let n = filings.iter().filter(|f| f.status == status).count();
        if n > 0 {
            parts.push(format!("{} {n} 件", status.label_zh()));
        }
    }
    let mut t = format!("{} {} 件（{}）", kind.label_zh(), filings.len(), parts.join("、"));
    let overdue = filings.iter().filter(|f| f.overdue).count();
    if overdue > 0 {
        t.push_str(&format!("，逾期 {overdue} 件"));
    }
    if let Some(next) = filings
        .iter()
        .filter(|f| matches!(f.status, FilingStatus::Draft | FilingStatus::Returned))
        .filter_map(|f| f.due_on)
        .min()
    {
        t.push_str(&format!("，待提交的最早期限 {next}"));
    }
    t.push('。');
    t
}

impl FilingService {
    /// One line per filing kind the unit has (or one saying it has none), and one for its
    /// designations. 404 outside the scope.
    pub async fn records(&self, who: &Principal, unit_id: &str) -> ServiceResult<Vec<RecordLine>> {
        let filter = FilingFilter {
            unit_id: Some(unit_id.to_string()),
            ..Default::default()
        };
        let filings = self.list(who, &filter, Page::new(Some(1), Some(200))).await?.items;
        let href = format!("/units/{unit_id}/filings");
        let mut lines = Vec::new();
        for kind in FilingKind::ALL {
            let of_kind: Vec<&Filing> = filings.iter().filter(|f| f.kind == kind).collect();
            if of_kind.is_empty() {
                continue;
            }
            lines.push(RecordLine::new(
                items_of(kind),
                "备案",
                sentence(kind, &of_kind),
                href.clone(),
                of_kind.iter().any(|f| f.overdue || f.status == FilingStatus::Returned),
            ));
        }
        if lines.is_empty() {
            lines.push(RecordLine::new(
                &["Z9", "Z11"],
                "备案",
                "尚无备案记录。".to_string(),
                href.clone(),
                false,
            ));
        }
        let designations = self
            .ctx
            .store
            .list_designations(
                &who.scope,
                &DesignationFilter {
                    unit_id: Some(unit_id.to_string()),
                    ..Default::default()
                },
                Page { page: 1, per_page: 50 },
            )
            .await?
            .items;
        if !designations.is_empty() {
            let text = designations
                .iter()
                .map(|d| {
                    let mut t = format!("{}：{}", d.kind_label, d.status_label);
                    if !d.document_number.is_empty() {
                        t.push_str(&format!("（{}）", d.document_number));
                    }
                    t
                })
                .collect::<Vec<_>>()
                .join("；");
            lines.push(RecordLine::new(&[], "认定", format!("{text}。"), href, false));
        }
        Ok(lines)
    }
}

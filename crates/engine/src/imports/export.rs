//! Exports of the list pages to .xlsx (issue 12; docs/IMPORTS.md "Export"): units, devices,
//! alerts, hazards and inspections. Each export reads its rows through the list's own service
//! method, with the list's filters and the caller's jurisdiction (nothing outside it can appear),
//! page by page up to [`MAX_DATA_ROWS`]; writes them under the Chinese header row of its
//! [`ExportKind`] (CJK column widths); masks personal fields (names of people: first character
//! kept; free text: ID and phone numbers, plates masked as everywhere else); and is audited as
//! `export.<kind>` with its row count and filters (张三 导出了设备列表（共12行）).

use std::future::Future;

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Shanghai;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::alerts::{Alert, AlertFilter};
use neibao_domain::devices::{Device, DeviceFilter, DEVICE_KINDS};
use neibao_domain::imports::export::{mask_name, ExportKind};
use neibao_domain::imports::MAX_DATA_ROWS;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::privacy::mask_personal_data;
use neibao_domain::registry::UnitFilter;
use neibao_domain::supervision::{Hazard, HazardFilter, Inspection, InspectionFilter};

use super::rows::unit_cells;
use super::service::ImportService;
use crate::error::{ServiceError, ServiceResult};

/// Rows read per page while collecting an export.
const PER_PAGE: u32 = 200;

/// An export: the file's bytes and the name it is offered under (`设备列表.xlsx`).
#[derive(Debug, Clone)]
pub struct Export {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl ImportService {
    /// The units in `who`'s jurisdiction matching `filter` (at most 50 000, by division code
    /// and name) in the import template's shape: importing it again changes nothing. The
    /// responsible persons are not exported. Those who may register units.
    ///
    /// Errors: `forbidden`.
    pub async fn export_units(&self, who: &Principal, filter: &UnitFilter) -> ServiceResult<Export> {
        who.require(Permission::UnitRegister)?;
        let store = &self.ctx.store;
        let units = all(|p| async move { Ok(store.list_units(&who.scope, filter, p).await?) }).await?;
        let filters = serde_json::json!({
            "q": filter.q, "division": filter.division_prefix, "key_unit": filter.is_key_unit,
            "kind": filter.kind.map(|k| k.code()),
        });
        self.finish(who, ExportKind::Units, units.iter().map(unit_cells).collect(), filters)
            .await
    }

    /// The devices of the device list (`filter`: unit, online) in `who`'s jurisdiction.
    pub async fn export_devices(&self, who: &Principal, filter: &DeviceFilter) -> ServiceResult<Export> {
        let devices = all(|p| self.devices.list(who, filter, p)).await?;
        let filters = serde_json::json!({"unit_id": filter.unit_id, "online": filter.online});
        self.finish(
            who,
            ExportKind::Devices,
            devices.iter().map(device_cells).collect(),
            filters,
        )
        .await
    }

    /// The alerts of the alert list (`filter`: status, severity, unit, device) in `who`'s
    /// jurisdiction; comments with personal data masked, handlers by masked name.
    pub async fn export_alerts(&self, who: &Principal, filter: &AlertFilter) -> ServiceResult<Export> {
        let alerts = all(|p| self.alerts.list(who, filter, p)).await?;
        let filters = serde_json::json!({
            "status": filter.status.map(|s| s.code()), "severity": filter.severity.map(|s| s.code()),
            "unit_id": filter.unit_id, "device_id": filter.device_id,
        });
        self.finish(
            who,
            ExportKind::Alerts,
            alerts.iter().map(alert_cells).collect(),
            filters,
        )
        .await
    }

    /// The hazards of the hazard list (`filter`: unit, phase, class, open only) in `who`'s
    /// jurisdiction; descriptions with personal data masked.
    pub async fn export_hazards(&self, who: &Principal, filter: &HazardFilter) -> ServiceResult<Export> {
        let hazards = all(|p| self.supervision.hazards(who, filter, p)).await?;
        let filters = serde_json::json!({
            "unit_id": filter.unit_id, "phase": filter.phase.map(|p| p.code()),
            "class": filter.class.map(|c| c.code()), "open": filter.open_only,
        });
        self.finish(
            who,
            ExportKind::Hazards,
            hazards.iter().map(hazard_cells).collect(),
            filters,
        )
        .await
    }

    /// The inspections of the inspection list (`filter`: campaign, unit, status; `mine`: the
    /// caller's) in `who`'s jurisdiction; inspectors by masked name.
    pub async fn export_inspections(
        &self,
        who: &Principal,
        filter: &InspectionFilter,
        mine: bool,
    ) -> ServiceResult<Export> {
        let inspections = all(|p| self.supervision.inspections(who, filter.clone(), mine, p)).await?;
        let filters = serde_json::json!({
            "campaign_id": filter.campaign_id, "unit_id": filter.unit_id,
            "status": filter.status.map(|s| s.code()), "mine": mine,
        });
        let rows = inspections.iter().map(inspection_cells).collect();
        self.finish(who, ExportKind::Inspections, rows, filters).await
    }

    /// Writes the workbook and audits the export (`export.<kind>`: rows, filters).
    async fn finish(
        &self,
        who: &Principal,
        kind: ExportKind,
        rows: Vec<Vec<String>>,
        filters: serde_json::Value,
    ) -> ServiceResult<Export> {
        let n = rows.len();
        let bytes = tokio::task::spawn_blocking(move || write(kind, &rows))
            .await
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("export writer: {e}")))?
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("export: {e}")))?;
        let mut audit = who.audit(&kind.audit_action(), "export", "", None);
        audit.detail = serde_json::json!({
            "summary": format!("导出{}列表：共{n}行", kind.label_zh()),
            "rows": n,
            "filters": filters,
        })
        .to_string();
        self.ctx.store.append_audit(&audit, Utc::now()).await?;
        Ok(Export {
            file_name: kind.file_name(),
            bytes,
        })
    }
}

/// The workbook of an export: the units in the import template's shape, the others one sheet
/// named after the list.
fn write(kind: ExportKind, rows: &[Vec<String>]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    match kind {
        ExportKind::Units => super::template::unit_sheet(rows),
        _ => super::book::table(kind.label_zh(), kind.columns(), &[], rows),
    }
}

/// Every row `fetch` lists, page by page, at most [`MAX_DATA_ROWS`].
async fn all<T, F, Fut>(mut fetch: F) -> ServiceResult<Vec<T>>
where
    F: FnMut(Page) -> Fut,
    Fut: Future<Output = ServiceResult<Listing<T>>>,
{
    let max = MAX_DATA_ROWS as usize;
    let mut out = Vec::new();
    let mut n = 1;
    loop {
        let list = fetch(Page::new(Some(n), Some(PER_PAGE))).await?;
        let got = list.items.len();
        out.extend(list.items);
        if got < PER_PAGE as usize || out.len() >= max {
            break;
        }
        n += 1;
    }
    out.truncate(max);
    Ok(out)
}

/// A time as the exports show it: `2026-11-29 14:05`, Beijing time; none: empty.
fn time(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.with_timezone(&Shanghai).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

fn device_cells(d: &Device) -> Vec<String> {
    let kind = DEVICE_KINDS
        .iter()
        .find(|(k, _)| *k == d.kind)
        .map_or(d.kind.as_str(), |(_, l)| l);
    vec![
        d.name.clone(),
        d.unit_name.clone(),
        d.key_area_name.clone().unwrap_or_default(),
        kind.to_string(),
        d.format.label_zh().to_string(),
        d.serial.clone(),
        if d.online { "在线" } else { "离线" }.to_string(),
        time(d.last_seen_at),
        time(Some(d.created_at)),
    ]
}

fn alert_cells(a: &Alert) -> Vec<String> {
    let text = |s: &Option<String>| s.as_deref().map(mask_personal_data).unwrap_or_default();
    let name = |s: &Option<String>| s.as_deref().map(mask_name).unwrap_or_default();
    vec![
        a.title.clone(),
        a.unit_name.clone(),
        a.device_name.clone().unwrap_or_default(),
        a.severity.label_zh().to_string(),
        a.status.label_zh().to_string(),
        time(Some(a.first_seen)),
        time(Some(a.last_seen)),
        a.event_count.to_string(),
        name(&a.acknowledged_by),
        text(&a.acknowledge_comment),
        name(&a.resolved_by),
        text(&a.resolve_comment),
        a.false_positive_reason
            .map(|r| r.label_zh().to_string())
            .unwrap_or_default(),
    ]
}

fn hazard_cells(h: &Hazard) -> Vec<String> {
    vec![
        mask_personal_data(&h.title),
        h.unit_name.clone(),
        h.class.label_zh().to_string(),
        h.source.label_zh().to_string(),
        h.phase.label_zh().to_string(),
        time(h.deadline),
        time(Some(h.created_at)),
        mask_personal_data(&h.description),
    ]
}

fn inspection_cells(i: &Inspection) -> Vec<String> {
    vec![
        i.unit_name.clone(),
        i.kind.label_zh().to_string(),
        i.status.label_zh().to_string(),
        mask_name(&i.assignee_name),
        time(i.due_at),
        i.score.as_ref().map(|s| format!("{:.1}", s.total)).unwrap_or_default(),
        time(i.submitted_at),
        time(Some(i.created_at)),
    ]
}

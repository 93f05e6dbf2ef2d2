//! The roll-up as an `.xlsx` in the shape of a 平安建设 assessment submission (docs/ROLLUP.md
//! "Export"): one sheet, a header row, one row per county (by division) or competent department
//! (by sector), a 合计 row; no merged cells, no formulas, numbers as numbers.

use std::collections::HashMap;

use neibao_domain::access::Principal;
use neibao_domain::rollup::{group, Cell, Figures, GroupBy, Level, COLUMNS};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::service::{RollupInput, RollupService};
use crate::error::{ServiceError, ServiceResult};
use crate::imports::Export;

fn sheet(by: GroupBy, period: &str, rows: &[(String, String, Figures)], total: &Figures) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(match by {
        GroupBy::Division => "按县（市、区）",
        GroupBy::Sector => "按行业",
    })?;
    let bold = Format::new().set_bold();
    let pct = Format::new().set_num_format("0.00%");
    let num = Format::new().set_num_format("0.00");
    let mut header = vec![
        "序号",
        match by {
            GroupBy::Division => "县（市、区）",
            GroupBy::Sector => "行业主管部门",
        },
        match by {
            GroupBy::Division => "行政区划代码",
            GroupBy::Sector => "部门标识",
        },
        "统计期间",
    ];
    header.extend(COLUMNS.iter().map(|c| c.header_zh));
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
        ws.set_column_width(c as u16, (h.chars().count() as f64 * 2.2).max(10.0))?;
    }
    ws.set_column_width(1, 24)?;
    let mut write_row = |r: u32, seq: &str, label: &str, key: &str, f: &Figures| -> Result<(), XlsxError> {
        if !seq.is_empty() {
            ws.write_string(r, 0, seq)?;
        }
        ws.write_string(r, 1, label)?;
        if !key.is_empty() {
            ws.write_string(r, 2, key)?;
        }
        ws.write_string(r, 3, period)?;
        for (i, c) in COLUMNS.iter().enumerate() {
            let col = (4 + i) as u16;
            match (c.value)(f) {
                Cell::Count(n) => {
                    ws.write_number(r, col, n as f64)?;
                }
                Cell::Rate(Some(x)) => {
                    ws.write_number_with_format(r, col, x, &pct)?;
                }
                Cell::Number(Some(x)) => {
                    ws.write_number_with_format(r, col, x, &num)?;
                }
                Cell::Rate(None) | Cell::Number(None) => {
                    ws.write_string(r, col, "—")?;
                }
            }
        }
        Ok(())
    };
    for (i, (key, label, f)) in rows.iter().enumerate() {
        write_row(i as u32 + 1, &(i + 1).to_string(), label, key, f)?;
    }
    write_row(rows.len() as u32 + 1, "", "合计", "", total)?;
    ws.set_freeze_panes(1, 2)?;
    book.save_to_buffer()
}

impl RollupService {
    /// The roll-up of the period as an `.xlsx` (`平安建设汇总_按县（市、区）_2026-01-01至2026-12-31.xlsx`):
    /// by division one row per county (6-digit division) in the caller's scope, by sector one row
    /// per competent department; then 合计. Columns: 序号, the county or department, its code,
    /// 统计期间, then every column of the page (docs/ROLLUP.md). Same rules and errors as
    /// [`RollupService::rollup`] (`org` is ignored).
    #[tracing::instrument(skip_all)]
    pub async fn export(&self, who: &Principal, input: &RollupInput) -> ServiceResult<Export> {
        let mut input = input.clone();
        input.org = None;
        let r = self.read(who, &input).await?;
        let level = match r.by {
            GroupBy::Division => Level::County,
            GroupBy::Sector => Level::Department,
        };
        let (rows, total) = group(&r.units, level, &HashMap::new(), None);
        let keys: Vec<String> = rows.iter().map(|x| x.key.clone()).collect();
        let names = self.names(&keys, level, None, None).await?;
        let rows: Vec<(String, String, Figures)> = rows
            .into_iter()
            .map(|x| {
                let label = names.get(&x.key).cloned().unwrap_or(x.label);
                (x.key, label, x.figures)
            })
            .collect();
        let period = r.period.label_zh();
        let bytes = sheet(r.by, &period, &rows, &total)
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("roll-up workbook: {e}")))?;
        Ok(Export {
            file_name: format!(
                "平安建设汇总_{}_{}.xlsx",
                match r.by {
                    GroupBy::Division => "按县（市、区）",
                    GroupBy::Sector => "按行业",
                },
                period
            ),
            bytes,
        })
    }
}

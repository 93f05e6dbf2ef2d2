//! [`ImportService`]: the unit template, starting an import (the file is read and checked in
//! the request; its rows are checked and written by a background task that records its progress
//! in `import_jobs`), reading a job back, and failing the jobs a stopped server left running.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::Utc;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::error::ErrorCode;
use neibao_domain::imports::{ImportJob, ImportMode, ImportStatus, RowError, MAX_KEPT_ERRORS, UNIT_COLUMNS};
use neibao_domain::validate::Uscc;
use neibao_store::imports::{ImportOutcome, NewImportJob};
use neibao_store::StoreError;

use super::rows::{parse_row, registry_refusal, row_error, same_unit, unit_cells, Lookups};
use super::sheet::{read, Sheet};
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::registry::{RegistryService, UnitInput};

/// How long `start` waits for a small import to finish before answering with a running job.
const ANSWER_WAIT: Duration = Duration::from_secs(2);
/// How often a running job records its progress (and beats).
const BEAT_EVERY: Duration = Duration::from_millis(500);
/// A running job whose beat is older than this was left by a stopped server.
pub const STALE_AFTER: chrono::Duration = chrono::Duration::seconds(60);
/// Why such a job failed (zh-CN).
pub const INTERRUPTED: &str = "导入过程中服务重启，导入已中止；请重新上传同一文件（已导入的单位会跳过，不会重复导入）";

/// Spreadsheet imports of units (issue 12).
#[derive(Clone)]
pub struct ImportService {
    ctx: Ctx,
    registry: RegistryService,
}

/// The rows of an upload in template order, ready to check.
struct Rows {
    rows: Vec<(u32, Vec<String>)>,
}

impl ImportService {
    pub fn new(ctx: Ctx) -> ImportService {
        ImportService {
            registry: RegistryService::new(ctx.clone()),
            ctx,
        }
    }

    /// The unit import template (.xlsx bytes), for those who may register units.
    ///
    /// Errors: `forbidden`.
    pub fn template(&self, who: &Principal) -> ServiceResult<Vec<u8>> {
        who.require(Permission::UnitRegister)?;
        super::template::unit_template().map_err(|e| ServiceError::Internal(anyhow::anyhow!("template: {e}")))
    }

    /// Reads and checks the file, records a job and starts checking and writing its rows in the
    /// background; answers the job (finished when the file was small enough to be done within
    /// two seconds, running otherwise).
    ///
    /// Errors: `forbidden`; the file's refusals of [`super::sheet::read`]; `validation_failed`
    /// (no data rows).
    pub async fn start(
        &self,
        who: &Principal,
        file_name: &str,
        bytes: Vec<u8>,
        mode: ImportMode,
    ) -> ServiceResult<ImportJob> {
        who.require(Permission::UnitRegister)?;
        let sheet = tokio::task::spawn_blocking(move || read(&bytes))
            .await
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("sheet reader: {e}")))??;
        let rows = in_template_order(sheet)?;
        if rows.rows.is_empty() {
            return Err(ServiceError::invalid(
                "表格中没有数据行（第1行为表头，数据从第2行开始）",
            ));
        }
        let name: String = file_name.chars().filter(|c| !c.is_control()).take(200).collect();
        let now = Utc::now();
        let id = self
            .ctx
            .store
            .create_import_job(
                &NewImportJob {
                    user_id: who.user_id.clone(),
                    mode,
                    file_name: name,
                    rows_total: rows.rows.len() as u32,
                },
                now,
            )
            .await?;
        let (done, finished) = tokio::sync::oneshot::channel();
        let svc = self.clone();
        let who2 = who.clone();
        let job = id.clone();
        tokio::spawn(async move {
            if let Err(e) = svc.run(&who2, &job, rows, mode).await {
                tracing::error!(job = %job, error = %e, "import failed");
                let _ = svc
                    .ctx
                    .store
                    .fail_import_job(&job, "导入失败：数据库暂时不可用，请稍后重新上传同一文件", Utc::now())
                    .await;
            }
            let _ = done.send(());
        });
        let _ = tokio::time::timeout(ANSWER_WAIT, finished).await;
        Ok(self.ctx.store.get_import_job(&id, &who.user_id).await?)
    }

    /// The units in `who`'s jurisdiction matching `filter` (at most 50 000, by division code
    /// and name) as a workbook in the template's shape: importing it again changes nothing.
    /// Those who may register units.
    ///
    /// Errors: `forbidden`.
    pub async fn export_units(
        &self,
        who: &Principal,
        filter: &neibao_domain::registry::UnitFilter,
    ) -> ServiceResult<Vec<u8>> {
        who.require(Permission::UnitRegister)?;
        let mut rows = Vec::new();
        let mut page = 1;
        loop {
            let list = self
                .ctx
                .store
                .list_units(
                    &who.scope,
                    filter,
                    neibao_domain::paging::Page::new(Some(page), Some(200)),
                )
                .await?;
            let n = list.items.len();
            rows.extend(list.items.iter().map(unit_cells));
            if n < 200 || rows.len() >= neibao_domain::imports::MAX_DATA_ROWS as usize {
                break;
            }
            page += 1;
        }
        rows.truncate(neibao_domain::imports::MAX_DATA_ROWS as usize);
        super::template::unit_sheet(&rows).map_err(|e| ServiceError::Internal(anyhow::anyhow!("export: {e}")))
    }

    /// One of the caller's import jobs. Errors: `forbidden` (may not import), `not_found`
    /// (none, or someone else's).
    pub async fn job(&self, who: &Principal, id: &str) -> ServiceResult<ImportJob> {
        who.require(Permission::UnitRegister)?;
        Ok(self.ctx.store.get_import_job(id, &who.user_id).await?)
    }

    /// Marks failed the running jobs that stopped beating (their server stopped): run at start
    /// and every half minute. Returns how many.
    pub async fn fail_stale(&self) -> ServiceResult<u64> {
        let now = Utc::now();
        let n = self
            .ctx
            .store
            .fail_stale_imports(now - STALE_AFTER, INTERRUPTED, now)
            .await?;
        if n > 0 {
            tracing::warn!(jobs = n, "imports left running by a stopped server marked failed");
        }
        Ok(n)
    }

    /// Checks every row, then (no bad row, or `good_rows_only`) writes the new units through
    /// the registry; finishes the job with its counts and its own audit entry.
    async fn run(&self, who: &Principal, id: &str, rows: Rows, mode: ImportMode) -> ServiceResult<()> {
        let store = &self.ctx.store;
        let lookups = Lookups::load(store.as_ref(), who).await?;
        let mut errors: Vec<RowError> = Vec::new();
        let mut refused: u32 = 0;
        let mut seen: HashMap<String, u32> = HashMap::new();
        let mut good: Vec<(u32, String, UnitInput, neibao_domain::registry::NewUnit)> = Vec::new();
        let mut beat = Instant::now();
        for (i, (row, cells)) in rows.rows.iter().enumerate() {
            if beat.elapsed() >= BEAT_EVERY {
                store.set_import_progress(id, i as u32, 0, Utc::now()).await?;
                beat = Instant::now();
            }
            let input = match parse_row(*row, cells, &lookups) {
                Ok(input) => input,
                Err(es) => {
                    errors.extend(es);
                    refused += 1;
                    continue;
                }
            };
            let uscc = Uscc::parse(&input.uscc)
                .map(|u| u.as_str().to_string())
                .unwrap_or_default();
            if let Some(first) = seen.get(&uscc) {
                errors.push(row_error(
                    *row,
                    Some(neibao_domain::imports::c::USCC),
                    "duplicate_in_file",
                    format!("统一社会信用代码与第{first}行重复"),
                ));
                refused += 1;
                continue;
            }
            seen.insert(uscc.clone(), *row);
            match self.registry.check_unit(who, input.clone()).await {
                Ok(new) => good.push((*row, uscc, input, new)),
                Err(e) => match registry_refusal(*row, &e) {
                    Some(err) => {
                        errors.push(err);
                        refused += 1;
                    }
                    None => return Err(e),
                },
            }
        }
        // Already registered? Equal: unchanged; otherwise the row is refused (an import does
        // not change registered units).
        let usccs: Vec<String> = good.iter().map(|g| g.1.clone()).collect();
        let owners: HashMap<String, String> = store.unit_ids_by_uscc(&usccs).await?.into_iter().collect();
        let mut unchanged: u32 = 0;
        let mut to_write = Vec::new();
        for (row, uscc, input, new) in good {
            let Some(unit_id) = owners.get(&uscc) else {
                to_write.push((row, input));
                continue;
            };
            match store.get_unit(&who.scope, unit_id).await {
                Ok(old) if same_unit(&old, &new) => unchanged += 1,
                Ok(old) => {
                    errors.push(row_error(
                        row,
                        Some(neibao_domain::imports::c::USCC),
                        "uscc_registered_differently",
                        format!(
                            "该统一社会信用代码已登记为「{}」，且与表中内容不一致；导入不修改已登记的单位，请在单位页修改",
                            old.name
                        ),
                    ));
                    refused += 1;
                }
                Err(StoreError::NotFound) => {
                    errors.push(row_error(
                        row,
                        Some(neibao_domain::imports::c::USCC),
                        "uscc_registered_elsewhere",
                        "该统一社会信用代码已由其他辖区登记",
                    ));
                    refused += 1;
                }
                Err(e) => return Err(e.into()),
            }
        }
        let total = rows.rows.len() as u32;
        store.set_import_progress(id, total, 0, Utc::now()).await?;
        let mut created: u32 = 0;
        let status = if refused > 0 && mode == ImportMode::AllOrNothing {
            ImportStatus::Refused
        } else {
            for (row, input) in to_write {
                if beat.elapsed() >= BEAT_EVERY {
                    store.set_import_progress(id, total, created, Utc::now()).await?;
                    beat = Instant::now();
                }
                match self.registry.create_unit(who, input).await {
                    Ok(_) => created += 1,
                    // Registered by someone else since the check (a race): refused, not fatal.
                    Err(ServiceError::Refused(d)) => {
                        let code = if d.code == ErrorCode::Conflict {
                            "uscc_registered_elsewhere".to_string()
                        } else {
                            d.code.as_str().to_string()
                        };
                        errors.push(RowError {
                            row,
                            column: String::new(),
                            code,
                            message: d.message,
                        });
                        refused += 1;
                    }
                    Err(e) => return Err(e),
                }
            }
            ImportStatus::Done
        };
        errors.sort_by_key(|e| e.row);
        errors.truncate(MAX_KEPT_ERRORS);
        let mut audit = who.audit("import.units", "import_job", id, None);
        audit.detail = serde_json::json!({
            "summary": format!("批量导入单位：共{total}行，新增{created}个，未变化{unchanged}个，拒绝{refused}行"),
            "mode": mode.code(),
            "rows": total,
            "created": created,
            "unchanged": unchanged,
            "refused": refused,
        })
        .to_string();
        let outcome = ImportOutcome {
            status,
            created,
            unchanged,
            refused,
            errors,
        };
        store.finish_import_job(id, &outcome, &audit, Utc::now()).await?;
        tracing::info!(job = %id, total, created, unchanged, refused, "import finished");
        Ok(())
    }
}

/// The sheet's rows rearranged into [`UNIT_COLUMNS`] order by their headers (a header may end
/// in `*`); every required column must be there.
fn in_template_order(sheet: Sheet) -> ServiceResult<Rows> {
    let header: Vec<String> = sheet
        .header
        .iter()
        .map(|h| h.trim().trim_end_matches(['*', '＊']).trim().to_string())
        .collect();
    let place: Vec<Option<usize>> = UNIT_COLUMNS
        .iter()
        .map(|c| header.iter().position(|h| h == c.header))
        .collect();
    let missing: Vec<&str> = UNIT_COLUMNS
        .iter()
        .zip(&place)
        .filter(|(c, p)| c.required && p.is_none())
        .map(|(c, _)| c.header)
        .collect();
    if !missing.is_empty() {
        return Err(ServiceError::refused(
            ErrorCode::XlsxBadHeader,
            format!("首行表头缺少列：{}（请使用导入模板）", missing.join("、")),
        ));
    }
    let rows = sheet
        .rows
        .into_iter()
        .map(|(r, cells)| {
            let ordered = place
                .iter()
                .map(|p| p.and_then(|i| cells.get(i).cloned()).unwrap_or_default())
                .collect();
            (r, ordered)
        })
        .collect();
    Ok(Rows { rows })
}

//! [`ImportService`]: the templates, starting an import of any kind (the file is read and checked in
//! the request; its rows are checked and written by a background task that records its progress
//! in `import_jobs`), reading a job back, and failing the jobs a stopped server left running.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::Utc;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::error::ErrorCode;
use neibao_domain::imports::{Column, ImportJob, ImportKind, ImportMode, ImportStatus, RowError, MAX_KEPT_ERRORS};
use neibao_store::imports::{ImportOutcome, NewImportJob};

use super::accounts::AccountRows;
use super::devices::DeviceRows;
use super::key_areas::KeyAreaRows;
use super::kind::{cell_error, Checked, Presence, RowKind};
use super::persons::PersonRows;
use super::sheet::{read, Sheet};
use super::units::UnitRows;
use crate::alerts::AlertService;
use crate::context::Ctx;
use crate::devices::DeviceService;
use crate::error::{ServiceError, ServiceResult};
use crate::supervision::SupervisionService;

/// How long `start` waits for a small import to finish before answering with a running job.
const ANSWER_WAIT: Duration = Duration::from_secs(2);
/// How often a running job records its progress (and beats).
const BEAT_EVERY: Duration = Duration::from_millis(500);
/// A running job whose beat is older than this was left by a stopped server.
pub const STALE_AFTER: chrono::Duration = chrono::Duration::seconds(60);
/// Why such a job failed (zh-CN).
pub const INTERRUPTED: &str = "导入过程中服务重启，导入已中止；请重新上传同一文件（已导入的行会跳过，不会重复导入）";

/// Spreadsheet imports (units, key areas) and list exports (issue 12).
#[derive(Clone)]
pub struct ImportService {
    pub(super) ctx: Ctx,
    /// The lists an export reads (the list pages' own service methods).
    pub(super) devices: DeviceService,
    pub(super) alerts: AlertService,
    pub(super) supervision: SupervisionService,
}

/// The rows of an upload in template order, ready to check.
struct Rows {
    rows: Vec<(u32, Vec<String>)>,
}

impl ImportService {
    pub fn new(ctx: Ctx) -> ImportService {
        ImportService {
            devices: DeviceService::new(ctx.clone()),
            alerts: AlertService::new(ctx.clone()),
            supervision: SupervisionService::new(ctx.clone()),
            ctx,
        }
    }

    /// The import template of `kind` (.xlsx bytes), for those who may import it
    /// ([`ImportKind::permission`]).
    ///
    /// Errors: `forbidden`.
    pub fn template(&self, who: &Principal, kind: ImportKind) -> ServiceResult<Vec<u8>> {
        who.require(kind.permission())?;
        super::template::template(kind).map_err(|e| ServiceError::Internal(anyhow::anyhow!("template: {e}")))
    }

    /// Reads and checks the file, records a job and starts checking and writing its rows in the
    /// background; answers the job (finished when the file was small enough to be done within
    /// two seconds, running otherwise).
    ///
    /// Who may import a kind: [`ImportKind::permission`]; each row is then written through the
    /// owning service with its own permission and jurisdiction checks.
    ///
    /// Errors: `forbidden`; the file's refusals of [`super::sheet::read`]; `validation_failed`
    /// (no data rows).
    pub async fn start(
        &self,
        who: &Principal,
        kind: ImportKind,
        file_name: &str,
        bytes: Vec<u8>,
        mode: ImportMode,
    ) -> ServiceResult<ImportJob> {
        who.require(kind.permission())?;
        let sheet = tokio::task::spawn_blocking(move || read(&bytes))
            .await
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("sheet reader: {e}")))??;
        let rows = in_template_order(sheet, kind.columns())?;
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
                    kind,
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
            if let Err(e) = svc.run(&who2, &job, kind, rows, mode).await {
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

    /// Checks and writes the rows of one kind (see [`Self::run_kind`]).
    async fn run(
        &self,
        who: &Principal,
        id: &str,
        kind: ImportKind,
        rows: Rows,
        mode: ImportMode,
    ) -> ServiceResult<()> {
        match kind {
            ImportKind::Units => {
                let units = UnitRows::load(self.ctx.clone(), who).await?;
                self.run_kind(&units, who, id, kind, rows, mode).await
            }
            ImportKind::KeyAreas => {
                let areas = KeyAreaRows::new(self.ctx.clone());
                self.run_kind(&areas, who, id, kind, rows, mode).await
            }
            ImportKind::Persons => {
                let persons = PersonRows::new(self.ctx.clone());
                self.run_kind(&persons, who, id, kind, rows, mode).await
            }
            ImportKind::Accounts => {
                let accounts = AccountRows::load(self.ctx.clone(), who).await?;
                self.run_kind(&accounts, who, id, kind, rows, mode).await
            }
            ImportKind::Devices => {
                let devices = DeviceRows::new(self.ctx.clone());
                self.run_kind(&devices, who, id, kind, rows, mode).await
            }
        }
    }

    /// Checks every row (its cells and the owning service's check, then duplicates within the
    /// file, then whether it is registered already), then (no bad row, or `good_rows_only`)
    /// writes the new ones through the owning service; finishes the job with its counts and its
    /// own audit entry (`import.<kind>`).
    async fn run_kind<K: RowKind>(
        &self,
        k: &K,
        who: &Principal,
        id: &str,
        kind: ImportKind,
        rows: Rows,
        mode: ImportMode,
    ) -> ServiceResult<()> {
        let store = &self.ctx.store;
        let mut errors: Vec<RowError> = Vec::new();
        let mut refused: u32 = 0;
        let mut seen: HashMap<String, u32> = HashMap::new();
        let mut good: Vec<(u32, Checked<K::Item>)> = Vec::new();
        let mut beat = Instant::now();
        for (i, (row, cells)) in rows.rows.iter().enumerate() {
            if beat.elapsed() >= BEAT_EVERY {
                store.set_import_progress(id, i as u32, 0, Utc::now()).await?;
                beat = Instant::now();
            }
            let checked = match k.check(who, *row, cells).await? {
                Ok(checked) => checked,
                Err(es) => {
                    errors.extend(es);
                    refused += 1;
                    continue;
                }
            };
            if let Some(first) = seen.get(&checked.key) {
                let (col, message) = k.duplicate(*first);
                errors.push(cell_error(k.columns(), *row, Some(col), "duplicate_in_file", message));
                refused += 1;
                continue;
            }
            seen.insert(checked.key.clone(), *row);
            good.push((*row, checked));
        }
        // Already registered? Equal: unchanged; otherwise the row is refused (an import does
        // not change registered records).
        let presence = k.presence(who, &good).await?;
        let mut unchanged: u32 = 0;
        let mut to_write = Vec::new();
        for ((row, checked), p) in good.into_iter().zip(presence) {
            match p {
                Presence::New => to_write.push((row, checked.item, false)),
                Presence::Changed => to_write.push((row, checked.item, true)),
                Presence::Unchanged => unchanged += 1,
                Presence::Refused(e) => {
                    errors.push(e);
                    refused += 1;
                }
            }
        }
        let total = rows.rows.len() as u32;
        store.set_import_progress(id, total, 0, Utc::now()).await?;
        let mut created: u32 = 0;
        let mut updated: u32 = 0;
        let status = if refused > 0 && mode == ImportMode::AllOrNothing {
            ImportStatus::Refused
        } else {
            for (row, item, update) in to_write {
                if beat.elapsed() >= BEAT_EVERY {
                    store.set_import_progress(id, total, created, Utc::now()).await?;
                    beat = Instant::now();
                }
                match k.write(who, item).await {
                    Ok(()) => {
                        created += 1;
                        updated += u32::from(update);
                    }
                    // Registered by someone else since the check (a race): refused, not fatal.
                    Err(ServiceError::Refused(d)) => {
                        errors.push(RowError {
                            row,
                            column: String::new(),
                            code: k.write_refusal(&d),
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
        let mut audit = who.audit(&kind.audit_action(), "import_job", id, None);
        // `created` counts every row written; those that updated a record are named apart.
        let written = if updated > 0 {
            format!("新增{}个，更新{updated}个", created - updated)
        } else {
            format!("新增{created}个")
        };
        audit.detail = serde_json::json!({
            "summary": format!(
                "批量导入{}：共{total}行，{written}，未变化{unchanged}个，拒绝{refused}行",
                kind.label_zh()
            ),
            "updated": updated,
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
        tracing::info!(job = %id, kind = kind.code(), total, created, unchanged, refused, "import finished");
        Ok(())
    }
}

/// The sheet's rows rearranged into the order of `columns` (the template's) by their headers (a
/// header may end in `*`); every required column must be there.
fn in_template_order(sheet: Sheet, columns: &[Column]) -> ServiceResult<Rows> {
    let header: Vec<String> = sheet
        .header
        .iter()
        .map(|h| h.trim().trim_end_matches(['*', '＊']).trim().to_string())
        .collect();
    let place: Vec<Option<usize>> = columns
        .iter()
        .map(|c| header.iter().position(|h| h == c.header))
        .collect();
    let missing: Vec<&str> = columns
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

//! The division table's versions: loading a later GB/T 2260 table beside the current one, and
//! reading what changed (docs/DIVISIONS.md; rules in `neibao_domain::registry::division`).

use neibao_domain::access::{Permission, Principal, Scope};
use neibao_domain::error::ErrorCode;
use neibao_domain::registry::{
    diff_division_tables, is_valid_day, parse_division_csv, parse_successors, Division, DivisionChange,
    DivisionChangeKind, DivisionVersion,
};
use neibao_store::Store;
use serde::Serialize;

use super::service::RegistryService;
use crate::error::{ServiceError, ServiceResult};

/// A table to load: the CSV text (`code,name,level,parent_code`, as `data/divisions-china.csv`)
/// and what its header comment does not say.
#[derive(Debug, Clone, Default)]
pub struct DivisionTableInput {
    /// The table itself.
    pub csv: String,
    /// The operator's change list (`old_code,successor_code` lines), if any.
    pub successors: Option<String>,
    /// Overrides the header's `version=`.
    pub version: Option<String>,
    /// Overrides the header's `valid_from=` (`YYYY-MM-DD`).
    pub valid_from: Option<String>,
    /// Where the table comes from (data set, licence).
    pub source: Option<String>,
}

/// What loading a table did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DivisionLoadReport {
    pub version: DivisionVersion,
    /// Changes by kind (`added`, `renamed`, `moved`, `retired`, `merged`, `restored`).
    pub counts: std::collections::BTreeMap<String, usize>,
}

/// One division with what happened to it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DivisionDetail {
    pub division: Division,
    /// Its changes and those of the codes merged into it, oldest first.
    pub history: Vec<DivisionChange>,
}

fn bad_table(message: impl Into<String>) -> ServiceError {
    ServiceError::refused(ErrorCode::ValidationFailed, message)
}

/// Loads `input` as a new version of the table: the first version is written as it is (no
/// history); a later one must start after the latest loaded one and is diffed against the
/// installation's table, every change kept.
///
/// `who` is audited as the one who loaded it; `None` is the installation's own first start
/// (loading the shipped table, like its migrations, is not someone's action).
///
/// Errors: a bad table or change list, a missing version name or day, a day not after the latest
/// version's (`ValidationFailed`); a version already loaded (`Conflict`).
pub async fn load_table(
    store: &dyn Store,
    who: Option<&Principal>,
    input: DivisionTableInput,
) -> ServiceResult<DivisionLoadReport> {
    let table = parse_division_csv(&input.csv).map_err(|e| bad_table(format!("区划表有误：{e}")))?;
    let successors = match &input.successors {
        Some(text) => parse_successors(text).map_err(|e| bad_table(format!("变更清单有误：{e}")))?,
        None => Default::default(),
    };
    let version = input
        .version
        .or(table.version.clone())
        .filter(|v| !v.trim().is_empty() && v.chars().count() <= 64)
        .ok_or_else(|| bad_table("请给出区划表的版本名称（表头注释 version= 或 --version），不超过 64 字"))?;
    let valid_from = input
        .valid_from
        .or(table.valid_from.clone())
        .filter(|d| is_valid_day(d))
        .ok_or_else(|| bad_table("请给出区划表的生效日期 YYYY-MM-DD（表头注释 valid_from= 或 --valid-from）"))?;
    let loaded = store.division_versions().await?;
    if let Some(latest) = loaded.last() {
        if latest.version == version {
            return Err(ServiceError::refused(
                ErrorCode::Conflict,
                format!("区划表版本「{version}」已经载入"),
            ));
        }
        if valid_from <= latest.valid_from {
            return Err(bad_table(format!(
                "新版区划表的生效日期 {valid_from} 应晚于当前版本「{}」的 {}",
                latest.version, latest.valid_from
            )));
        }
    }
    // The first version replaces nothing: no history. A later one is diffed against every code
    // the installation has (in force or retired).
    let changes = if loaded.is_empty() {
        Vec::new()
    } else {
        let current = store.all_divisions().await?;
        diff_division_tables(&current, &table.divisions, &successors, &version, &valid_from)
            .map_err(|e| bad_table(format!("变更清单有误：{e}")))?
    };
    let mut counts = std::collections::BTreeMap::new();
    for c in &changes {
        *counts.entry(c.kind.as_str().to_string()).or_insert(0) += 1;
    }
    let record = DivisionVersion {
        version: version.clone(),
        source: input.source.unwrap_or_else(|| "未注明".into()),
        valid_from,
        loaded_at: chrono::Utc::now().timestamp_millis(),
        divisions: table.divisions.len() as i64,
        changes: changes.len() as i64,
    };
    let audit = who.map(|who| {
        let mut audit = who.audit("division.load", "division_table", &version, None);
        audit.detail = serde_json::json!({
            "version": version,
            "valid_from": record.valid_from,
            "divisions": record.divisions,
            "changes": counts,
        })
        .to_string();
        audit
    });
    store
        .load_division_version(&record, &table.divisions, &changes, audit.as_ref())
        .await?;
    Ok(DivisionLoadReport {
        version: record,
        counts,
    })
}

impl RegistryService {
    /// Loads a later version of the division table (see [`load_table`]). Only an administrator
    /// of the whole installation: the table is shared by every jurisdiction.
    ///
    /// Errors: `Forbidden`; as [`load_table`].
    #[tracing::instrument(skip_all)]
    pub async fn load_division_table(
        &self,
        who: &Principal,
        input: DivisionTableInput,
    ) -> ServiceResult<DivisionLoadReport> {
        who.require(Permission::DivisionTableLoad)?;
        if !matches!(who.scope, Scope::All) {
            return Err(ServiceError::forbidden(
                "行政区划表为全安装共用，只有不限辖区的管理员可以载入",
            ));
        }
        load_table(self.ctx.store.as_ref(), Some(who), input).await
    }

    /// The loaded versions of the division table, oldest first.
    #[tracing::instrument(skip_all)]
    pub async fn division_versions(&self, _who: &Principal) -> ServiceResult<Vec<DivisionVersion>> {
        Ok(self.ctx.store.division_versions().await?)
    }

    /// One division (in force or retired) with its history.
    ///
    /// Errors: `NotFound` for a code the table never had.
    #[tracing::instrument(skip_all)]
    pub async fn division(&self, _who: &Principal, code: &str) -> ServiceResult<DivisionDetail> {
        if code.is_empty() || code.len() > 12 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ServiceError::not_found());
        }
        let division = self.ctx.store.get_division(code).await?;
        let history = self.ctx.store.division_history(code).await?;
        Ok(DivisionDetail { division, history })
    }
}

/// The sentence people read for one change (`330185 临安市 → 临安区` and the like).
pub fn describe_change(c: &DivisionChange) -> String {
    let name = |n: &Option<String>| n.clone().unwrap_or_default();
    match c.kind {
        DivisionChangeKind::Added => format!("{} 新增「{}」", c.valid_from, name(&c.new_name)),
        DivisionChangeKind::Renamed => format!(
            "{} 由「{}」更名为「{}」",
            c.valid_from,
            name(&c.old_name),
            name(&c.new_name)
        ),
        DivisionChangeKind::Moved => format!(
            "{} 上级由 {} 改为 {}",
            c.valid_from,
            name(&c.old_parent),
            name(&c.new_parent)
        ),
        DivisionChangeKind::Retired => format!("{} 撤销「{}」", c.valid_from, name(&c.old_name)),
        DivisionChangeKind::Merged => format!(
            "{} 「{}」（{}）撤并入 {}",
            c.valid_from,
            name(&c.old_name),
            c.code,
            name(&c.successor_code)
        ),
        DivisionChangeKind::Restored => format!("{} 恢复「{}」", c.valid_from, name(&c.new_name)),
    }
}

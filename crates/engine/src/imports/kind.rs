//! What the import engine asks of each kind it imports ([`RowKind`]): check one row (its cells,
//! then the owning service's own check), say whether a checked row is already there (unchanged,
//! new, or registered differently: refused), and write one through the owning service. The
//! engine (`service.rs`) does the rest, the same for every kind: the file, the job, duplicates
//! within the file, the modes, progress and audit.

use async_trait::async_trait;
use neibao_domain::access::Principal;
use neibao_domain::error::ErrorCode;
use neibao_domain::imports::{Column, RowError};
use neibao_domain::registry::Unit;
use neibao_domain::validate::Uscc;

use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::registry::RegistryService;

/// Whether a checked row is already registered.
pub(super) enum Presence {
    /// Not yet: it will be written.
    New,
    /// Registered with the same content: nothing to write.
    Unchanged,
    /// Registered differently (or elsewhere): the row is refused.
    Refused(RowError),
    /// Registered with other content that the kind updates (a responsible person's new name or
    /// phone): written through the owning service, with its history.
    Changed,
}

/// A checked row: the key that finds duplicates within the file, and what to write.
pub(super) struct Checked<T> {
    pub key: String,
    pub item: T,
}

/// One kind of row an import checks and writes.
#[async_trait]
pub(super) trait RowKind: Send + Sync {
    /// A checked row, ready to write.
    type Item: Send + Sync;

    /// The template's columns.
    fn columns(&self) -> &'static [Column];

    /// The column a duplicate within the file is reported on, and the message naming the first
    /// row.
    fn duplicate(&self, first: u32) -> (usize, String);

    /// Checks one row (cells in template order). `Ok(Err(..))`: the row's refusals; `Err`: a
    /// failure that stops the import (the database).
    async fn check(
        &self,
        who: &Principal,
        row: u32,
        cells: &[String],
    ) -> ServiceResult<Result<Checked<Self::Item>, Vec<RowError>>>;

    /// Whether each checked row is already registered (in order).
    async fn presence(&self, who: &Principal, rows: &[(u32, Checked<Self::Item>)]) -> ServiceResult<Vec<Presence>>;

    /// Writes one row through the owning service. A refusal (`ServiceError::Refused`, e.g.
    /// registered by someone else since the check) refuses the row; anything else stops.
    async fn write(&self, who: &Principal, item: Self::Item) -> ServiceResult<()>;

    /// The row code of a refusal at write time.
    fn write_refusal(&self, e: &neibao_domain::error::DomainError) -> String {
        e.code.as_str().to_string()
    }
}

/// A refusal of one cell of `columns` (or of the row, `col` = `None`).
pub(super) fn cell_error(
    columns: &[Column],
    row: u32,
    col: Option<usize>,
    code: &str,
    message: impl Into<String>,
) -> RowError {
    RowError {
        row,
        column: col
            .and_then(|i| columns.get(i))
            .map(|c| c.header.to_string())
            .unwrap_or_default(),
        code: code.to_string(),
        message: message.into(),
    }
}

/// The registered unit a row names by its USCC (the cell `col` of `columns`), read through
/// `RegistryService::unit` so inside the importer's jurisdiction. `Ok(Err(..))`: the cell's
/// refusal (`required`, `invalid_uscc`, `unit_not_found`, `outside_jurisdiction`).
pub(super) async fn unit_of_row(
    ctx: &Ctx,
    registry: &RegistryService,
    who: &Principal,
    (columns, col): (&[Column], usize),
    row: u32,
    cell: &str,
) -> ServiceResult<Result<Unit, RowError>> {
    let bad = |code: &str, message: String| Ok(Err(cell_error(columns, row, Some(col), code, message)));
    let uscc = match cell {
        "" => return bad("required", format!("{}必填", columns[col].header)),
        u => match Uscc::parse(u) {
            Ok(u) => u.as_str().to_string(),
            Err(e) => return bad("invalid_uscc", e.message),
        },
    };
    match unit_by_uscc(ctx, registry, who, &uscc).await? {
        Ok(u) => Ok(Ok(u)),
        Err((code, message)) => bad(code, message.into()),
    }
}

/// The registered unit with the (checked) USCC `uscc` inside `who`'s jurisdiction, or why not as
/// a row code and its zh-CN reason (`unit_not_found`, `outside_jurisdiction`).
///
/// Errors: the database.
pub(super) async fn unit_by_uscc(
    ctx: &Ctx,
    registry: &RegistryService,
    who: &Principal,
    uscc: &str,
) -> ServiceResult<Result<Unit, (&'static str, &'static str)>> {
    let found = ctx.store.unit_ids_by_uscc(&[uscc.to_string()]).await?;
    let Some((_, unit_id)) = found.into_iter().next() else {
        return Ok(Err((
            "unit_not_found",
            "该统一社会信用代码的单位尚未登记（请先导入或登记单位）",
        )));
    };
    match registry.unit(who, &unit_id).await {
        Ok(u) => Ok(Ok(u)),
        Err(ServiceError::Refused(d)) if matches!(d.code, ErrorCode::NotFound | ErrorCode::Forbidden) => {
            Ok(Err(("outside_jurisdiction", "该统一社会信用代码的单位不在本辖区")))
        }
        Err(e) => Err(e),
    }
}

//! [`CreditRepo`]: a unit's credit records.

use super::super::db::sql;
use super::super::store::Backend;
use super::rows::credit_from_row;
use crate::error::StoreResult;
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use neibao_domain::access::Scope;
use neibao_domain::supervision::CreditRecord;

#[async_trait]
impl CreditRepo for Backend {
    async fn credit_records(&self, scope: &Scope, unit_id: &str) -> StoreResult<Vec<CreditRecord>> {
        self.unit_in_scope(scope, unit_id).await?;
        let rows = sqlx::query(&sql(
            "SELECT * FROM credit_records WHERE unit_id = ? ORDER BY recorded_at DESC, id DESC LIMIT 500",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(credit_from_row).collect())
    }
}

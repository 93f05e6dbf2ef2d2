//! Scope checks that need the store (compiled once per backend).

use neibao_domain::access::Scope;
use sqlx::QueryBuilder;

use super::common::{push_scope, WIDE_SCOPE_UNITS};
use super::db::Db;
use crate::error::{StoreError, StoreResult};

impl super::store::Backend {
    pub(crate) async fn unit_in_scope(&self, scope: &Scope, unit_id: &str) -> StoreResult<()> {
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new("SELECT COUNT(*) FROM units u WHERE u.id = ");
        qb.push_bind(unit_id.to_string());
        push_scope(&mut qb, scope);
        let n: i64 = qb.build_query_scalar().fetch_one(&self.pool).await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Whether `scope` covers more than [`WIDE_SCOPE_UNITS`] units (counted with the index, and
    /// only that far).
    pub(crate) async fn scope_is_wide(&self, scope: &Scope) -> crate::error::StoreResult<bool> {
        if *scope == Scope::All {
            return Ok(true);
        }
        let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM (SELECT 1 FROM units u WHERE 1=1");
        push_scope(&mut qb, scope);
        qb.push(" LIMIT ").push_bind(WIDE_SCOPE_UNITS + 1).push(") n");
        let n: i64 = qb.build_query_scalar().fetch_one(&self.pool).await?;
        Ok(n > WIDE_SCOPE_UNITS)
    }
}

//! Meta, divisions and organisations.

use super::{sql, Backend, DbRow};
use crate::repo::{StoreError, StoreResult};
use neibao_domain::registry::{Division, Organisation};
use sqlx::Row;

fn org_from_row(r: &DbRow) -> Organisation {
    Organisation {
        id: r.get("id"),
        name: r.get("name"),
        kind: r.get("kind"),
        division_code: r.get("division_code"),
        parent_id: r.get("parent_id"),
        sector: r.get("sector"),
    }
}

impl Backend {
    pub(crate) async fn get_meta_impl(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar(&sql("SELECT value FROM meta WHERE key = ?"))
            .bind(key)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub(crate) async fn set_meta_impl(&self, key: &str, value: &str) -> StoreResult<()> {
        sqlx::query(&sql(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        ))
        .bind(key)
        .bind(value)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    pub(crate) async fn upsert_divisions_impl(&self, divisions: &[Division]) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        for d in divisions {
            sqlx::query(
                &sql("INSERT INTO divisions (code, name, level, parent_code) VALUES (?, ?, ?, ?)
                 ON CONFLICT(code) DO UPDATE SET name = excluded.name, level = excluded.level, parent_code = excluded.parent_code"),
            )
            .bind(&d.code)
            .bind(&d.name)
            .bind(&d.level)
            .bind(&d.parent_code)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn list_divisions_impl(&self, parent_code: Option<&str>) -> StoreResult<Vec<Division>> {
        let rows = match parent_code {
            Some(p) => {
                sqlx::query(&sql("SELECT * FROM divisions WHERE parent_code = ? ORDER BY code"))
                    .bind(p)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query(&sql("SELECT * FROM divisions WHERE parent_code IS NULL ORDER BY code"))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        Ok(rows
            .iter()
            .map(|r| Division {
                code: r.get("code"),
                name: r.get("name"),
                level: r.get("level"),
                parent_code: r.get("parent_code"),
            })
            .collect())
    }

    pub(crate) async fn create_organisation_impl(&self, o: &Organisation) -> StoreResult<()> {
        sqlx::query(&sql(
            "INSERT INTO organisations (id, name, kind, division_code, parent_id, sector) VALUES (?, ?, ?, ?, ?, ?)",
        ))
        .bind(&o.id)
        .bind(&o.name)
        .bind(&o.kind)
        .bind(&o.division_code)
        .bind(&o.parent_id)
        .bind(&o.sector)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    pub(crate) async fn get_organisation_impl(&self, id: &str) -> StoreResult<Organisation> {
        let r = sqlx::query(&sql("SELECT * FROM organisations WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        r.as_ref().map(org_from_row).ok_or(StoreError::NotFound)
    }

    pub(crate) async fn list_organisations_impl(
        &self,
        kind: Option<&str>,
        division_prefix: Option<&str>,
    ) -> StoreResult<Vec<Organisation>> {
        let mut qb = sqlx::QueryBuilder::new("SELECT * FROM organisations WHERE 1=1");
        if let Some(k) = kind {
            qb.push(" AND kind = ").push_bind(k.to_string());
        }
        if let Some(p) = division_prefix {
            qb.push(" AND division_code LIKE ")
                .push_bind(format!("{}%", super::escape_like(p)))
                .push(" ESCAPE '\\'");
        }
        qb.push(" ORDER BY division_code, name");
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(org_from_row).collect())
    }
}

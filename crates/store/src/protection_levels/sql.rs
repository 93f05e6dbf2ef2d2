//! SQL of protection levels (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::audit::append_in;
use super::common::{from_ms, ms, opt_ms, paged, push_scope};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::jobs::NewJob;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::protection_levels::*;
use sqlx::{QueryBuilder, Row};

type Tx = sqlx::Transaction<'static, Db>;

/// Most units one order covers.
const MAX_UNITS: i64 = 20_000;

fn order_from_row(r: &DbRow) -> Order {
    Order {
        id: r.get("id"),
        title: r.get("title"),
        division_prefix: r.get("division_prefix"),
        unit_set: serde_json::from_str(r.get::<&str, _>("unit_set")).unwrap_or_default(),
        level: Level::from_number(r.get("level")),
        state: OrderState::from_code(r.get::<&str, _>("state")),
        reason: r.get("reason"),
        measures: serde_json::from_str(r.get::<&str, _>("measures")).unwrap_or_default(),
        starts_at: from_ms(r.get("starts_at")),
        ends_at: from_ms(r.get("ends_at")),
        ended_at: opt_ms(r, "ended_at"),
        created_by_name: r.get("created_by_name"),
        org_name: r.get("org_name"),
        created_at: from_ms(r.get("created_at")),
        version: r.get("version"),
    }
}

fn unit_from_row(r: &DbRow) -> OrderUnit {
    OrderUnit {
        order_id: r.get("order_id"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        division_code: r.get("division_code"),
        notified_at: from_ms(r.get("notified_at")),
        acknowledged_level: r.get::<Option<i64>, _>("ack_level").map(Level::from_number),
        acknowledged_at: opt_ms(r, "ack_at"),
        acknowledged_by: r.get("ack_by"),
        measures: serde_json::from_str(r.get::<&str, _>("measures")).unwrap_or_default(),
        measures_level: r.get::<Option<i64>, _>("measures_level").map(Level::from_number),
        measures_at: opt_ms(r, "measures_at"),
    }
}

fn history_from_row(r: &DbRow) -> HistoryEntry {
    HistoryEntry {
        seq: r.get("seq"),
        action: r.get("action"),
        from_level: Level::from_number(r.get("from_level")),
        to_level: Level::from_number(r.get("to_level")),
        reason: r.get("reason"),
        by_name: r.get("by_name"),
        at: from_ms(r.get("at")),
        ends_at: from_ms(r.get("ends_at")),
    }
}

async fn order_in<'e, E>(exec: E, id: &str) -> StoreResult<Option<Order>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    Ok(sqlx::query(&sql("SELECT * FROM protection_level_orders WHERE id = ?"))
        .bind(id)
        .fetch_optional(exec)
        .await?
        .as_ref()
        .map(order_from_row))
}

async fn all_units<'e, E>(exec: E, order_id: &str) -> StoreResult<Vec<OrderUnit>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    Ok(sqlx::query(&sql(
        "SELECT * FROM protection_level_units WHERE order_id = ? ORDER BY division_code, unit_name, unit_id",
    ))
    .bind(order_id)
    .fetch_all(exec)
    .await?
    .iter()
    .map(unit_from_row)
    .collect())
}

async fn insert_history(tx: &mut Tx, order_id: &str, h: &HistoryEntry) -> StoreResult<()> {
    sqlx::query(&sql(
        "INSERT INTO protection_level_history (order_id, seq, action, from_level, to_level, reason, by_name, at, ends_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ))
    .bind(order_id)
    .bind(h.seq)
    .bind(&h.action)
    .bind(h.from_level.number())
    .bind(h.to_level.number())
    .bind(&h.reason)
    .bind(&h.by_name)
    .bind(ms(h.at))
    .bind(ms(h.ends_at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn with_object(audit: &AuditEntry, id: &str) -> AuditEntry {
    let mut a = audit.clone();
    if a.object_id.is_empty() {
        a.object_id = id.to_string();
    }
    a
}

/// The unit's row of an order, the unit in `scope` (inside `tx`), and the order.
async fn covered(tx: &mut Tx, scope: &Scope, order_id: &str, unit_id: &str) -> StoreResult<Order> {
    let mut qb = QueryBuilder::new(
        "SELECT pu.unit_id FROM protection_level_units pu JOIN units u ON u.id = pu.unit_id WHERE pu.order_id = ",
    );
    qb.push_bind(order_id.to_string())
        .push(" AND pu.unit_id = ")
        .push_bind(unit_id.to_string());
    push_scope(&mut qb, scope);
    qb.build()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let order = order_in(&mut **tx, order_id).await?.ok_or(StoreError::NotFound)?;
    if order.state == OrderState::Ended {
        return Err(DomainError::with_message(
            ErrorCode::InvalidTransition,
            "该防范等级指令已结束，无需再签收或登记措施",
        )
        .into());
    }
    Ok(order)
}

async fn unit_row(tx: &mut Tx, order_id: &str, unit_id: &str) -> StoreResult<OrderUnit> {
    let r = sqlx::query(&sql(
        "SELECT * FROM protection_level_units WHERE order_id = ? AND unit_id = ?",
    ))
    .bind(order_id)
    .bind(unit_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(unit_from_row(&r))
}

#[async_trait]
impl ProtectionLevelRepo for Backend {
    async fn create_protection_order(
        &self,
        scope: &Scope,
        o: &NewOrder,
        job: &NewJob,
        audit: &AuditEntry,
    ) -> StoreResult<(Order, Vec<OrderUnit>)> {
        let at = o.starts_at;
        let mut tx = self.begin_write().await?;
        let rows = super::unit_set::resolve(&mut tx, scope, &o.division_prefix, &o.unit_set, MAX_UNITS, "指令").await?;
        sqlx::query(&sql(
            "INSERT INTO protection_level_orders (id, title, division_prefix, unit_set, level, state, reason, measures, \
             starts_at, ends_at, ended_at, created_by, created_by_name, org_id, org_name, created_at, version) \
             VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, 1)",
        ))
        .bind(&o.id)
        .bind(&o.title)
        .bind(&o.division_prefix)
        .bind(serde_json::to_string(&o.unit_set).unwrap_or_else(|_| "{}".into()))
        .bind(o.level.number())
        .bind(&o.reason)
        .bind(serde_json::to_string(&o.measures).unwrap_or_else(|_| "[]".into()))
        .bind(ms(o.starts_at))
        .bind(ms(o.ends_at))
        .bind(&o.created_by)
        .bind(&o.created_by_name)
        .bind(&o.org_id)
        .bind(&o.org_name)
        .bind(ms(at))
        .execute(&mut *tx)
        .await?;
        for r in &rows {
            sqlx::query(&sql(
                "INSERT INTO protection_level_units (order_id, unit_id, unit_name, division_code, notified_at, measures) \
                 VALUES (?, ?, ?, ?, ?, '[]')",
            ))
            .bind(&o.id)
            .bind(&r.id)
            .bind(&r.name)
            .bind(&r.division_code)
            .bind(ms(at))
            .execute(&mut *tx)
            .await?;
        }
        insert_history(
            &mut tx,
            &o.id,
            &HistoryEntry {
                seq: 1,
                action: "activate".into(),
                from_level: Level::Normal,
                to_level: o.level,
                reason: o.reason.clone(),
                by_name: o.created_by_name.clone(),
                at,
                ends_at: o.ends_at,
            },
        )
        .await?;
        super::jobs::insert_in(&mut tx, job, at).await?;
        let mut a = with_object(audit, &o.id);
        a.detail = serde_json::json!({
            "level": o.level.code(),
            "division_prefix": o.division_prefix,
            "units": rows.len(),
            "ends_at": ms(o.ends_at),
        })
        .to_string();
        append_in(&mut tx, &a, at).await?;
        let order = order_in(&mut *tx, &o.id).await?.ok_or(StoreError::NotFound)?;
        let units = all_units(&mut *tx, &o.id).await?;
        tx.commit().await?;
        Ok((order, units))
    }

    async fn protection_order(&self, scope: &Scope, id: &str) -> StoreResult<Option<OrderDetail>> {
        let Some(order) = order_in(&self.pool, id).await? else {
            return Ok(None);
        };
        let mut qb = QueryBuilder::new(
            "SELECT pu.* FROM protection_level_units pu JOIN units u ON u.id = pu.unit_id WHERE pu.order_id = ",
        );
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY pu.division_code, pu.unit_name, pu.unit_id");
        let units: Vec<OrderUnit> = qb
            .build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(unit_from_row)
            .collect();
        if units.is_empty() {
            return Ok(None);
        }
        let total: i64 = sqlx::query_scalar(&sql("SELECT COUNT(*) FROM protection_level_units WHERE order_id = ?"))
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
        let history = sqlx::query(&sql(
            "SELECT * FROM protection_level_history WHERE order_id = ? ORDER BY seq",
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(history_from_row)
        .collect();
        Ok(Some(OrderDetail {
            stats: OrderStats::of(&units, order.level),
            in_full_scope: total == units.len() as i64,
            order,
            units,
            history,
        }))
    }

    async fn protection_orders(&self, scope: &Scope, page: Page) -> StoreResult<Listing<Order>> {
        let filter = |qb: &mut QueryBuilder<'_, Db>| {
            qb.push(
                " AND EXISTS (SELECT 1 FROM protection_level_units pu JOIN units u ON u.id = pu.unit_id \
                 WHERE pu.order_id = o.id",
            );
            push_scope(qb, scope);
            qb.push(")");
        };
        paged(
            &self.pool,
            "FROM protection_level_orders o WHERE 1=1",
            "SELECT o.* FROM protection_level_orders o WHERE 1=1",
            filter,
            "CASE WHEN o.state = 'active' THEN 0 ELSE 1 END, o.created_at DESC, o.id",
            page,
            order_from_row,
        )
        .await
    }

    async fn change_protection_order(
        &self,
        c: &OrderChange,
        job: Option<&NewJob>,
        audit: &AuditEntry,
    ) -> StoreResult<(Order, Vec<OrderUnit>)> {
        let mut tx = self.begin_write().await?;
        let current = order_in(&mut *tx, &c.order_id).await?.ok_or(StoreError::NotFound)?;
        if current.state == OrderState::Ended {
            return Err(
                DomainError::with_message(ErrorCode::InvalidTransition, "该防范等级指令已结束，不能再变更").into(),
            );
        }
        if c.version.is_some_and(|v| v != current.version) {
            return Err(
                DomainError::with_message(ErrorCode::VersionConflict, "该指令已被他人变更，请刷新后重新操作").into(),
            );
        }
        let ended = c.transition == Transition::End;
        let level = if ended { current.level } else { c.to_level };
        sqlx::query(&sql(
            "UPDATE protection_level_orders SET level = ?, state = ?, measures = ?, ends_at = ?, ended_at = ?, \
             version = version + 1 WHERE id = ? AND version = ?",
        ))
        .bind(level.number())
        .bind(if ended { "ended" } else { "active" })
        .bind(serde_json::to_string(&c.measures).unwrap_or_else(|_| "[]".into()))
        .bind(ms(c.ends_at))
        .bind(if ended { Some(ms(c.at)) } else { None })
        .bind(&c.order_id)
        .bind(current.version)
        .execute(&mut *tx)
        .await?;
        if c.to_level != c.from_level && !ended {
            sqlx::query(&sql(
                "UPDATE protection_level_units SET notified_at = ? WHERE order_id = ?",
            ))
            .bind(ms(c.at))
            .bind(&c.order_id)
            .execute(&mut *tx)
            .await?;
        }
        let seq: i64 = sqlx::query_scalar(&sql(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM protection_level_history WHERE order_id = ?",
        ))
        .bind(&c.order_id)
        .fetch_one(&mut *tx)
        .await?;
        insert_history(
            &mut tx,
            &c.order_id,
            &HistoryEntry {
                seq,
                action: c.transition.code().into(),
                from_level: c.from_level,
                to_level: c.to_level,
                reason: c.reason.clone(),
                by_name: c.by_name.clone(),
                at: c.at,
                ends_at: c.ends_at,
            },
        )
        .await?;
        if let Some(job) = job {
            super::jobs::insert_in(&mut tx, job, c.at).await?;
        }
        let mut a = with_object(audit, &c.order_id);
        a.detail = serde_json::json!({
            "from": c.from_level.code(),
            "to": c.to_level.code(),
            "reason": c.reason,
            "ends_at": ms(c.ends_at),
        })
        .to_string();
        append_in(&mut tx, &a, c.at).await?;
        let order = order_in(&mut *tx, &c.order_id).await?.ok_or(StoreError::NotFound)?;
        let units = all_units(&mut *tx, &c.order_id).await?;
        tx.commit().await?;
        Ok((order, units))
    }

    async fn unit_protection(&self, scope: &Scope, unit_id: &str) -> StoreResult<(String, Vec<(Order, OrderUnit)>)> {
        let mut qb = QueryBuilder::new("SELECT u.name FROM units u WHERE u.id = ");
        qb.push_bind(unit_id.to_string());
        push_scope(&mut qb, scope);
        let name: String = qb
            .build_query_scalar()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let rows = sqlx::query(&sql(
            "SELECT o.*, pu.order_id, pu.unit_id, pu.unit_name, pu.division_code, pu.notified_at, pu.ack_level, \
             pu.ack_at, pu.ack_by, pu.measures AS unit_measures, pu.measures_level, pu.measures_at \
             FROM protection_level_units pu JOIN protection_level_orders o ON o.id = pu.order_id \
             WHERE pu.unit_id = ? ORDER BY CASE WHEN o.state = 'active' THEN 0 ELSE 1 END, o.created_at DESC LIMIT 50",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?;
        let out = rows
            .iter()
            .map(|r| {
                let mut u = unit_from_row_measures(r);
                u.measures = serde_json::from_str(r.get::<&str, _>("unit_measures")).unwrap_or_default();
                (order_from_row(r), u)
            })
            .collect();
        Ok((name, out))
    }

    async fn acknowledge_protection(
        &self,
        scope: &Scope,
        order_id: &str,
        unit_id: &str,
        by: &str,
        audit: &AuditEntry,
        at: DateTime<Utc>,
    ) -> StoreResult<OrderUnit> {
        let mut tx = self.begin_write().await?;
        let order = covered(&mut tx, scope, order_id, unit_id).await?;
        sqlx::query(&sql(
            "UPDATE protection_level_units SET ack_level = ?, ack_at = ?, ack_by = ? WHERE order_id = ? AND unit_id = ?",
        ))
        .bind(order.level.number())
        .bind(ms(at))
        .bind(by)
        .bind(order_id)
        .bind(unit_id)
        .execute(&mut *tx)
        .await?;
        let mut a = with_object(audit, order_id);
        a.detail = serde_json::json!({ "level": order.level.code() }).to_string();
        append_in(&mut tx, &a, at).await?;
        let row = unit_row(&mut tx, order_id, unit_id).await?;
        tx.commit().await?;
        Ok(row)
    }

    async fn record_protection_measures(
        &self,
        scope: &Scope,
        order_id: &str,
        unit_id: &str,
        measures: &[MeasureRecord],
        audit: &AuditEntry,
        at: DateTime<Utc>,
    ) -> StoreResult<OrderUnit> {
        let mut tx = self.begin_write().await?;
        let order = covered(&mut tx, scope, order_id, unit_id).await?;
        sqlx::query(&sql(
            "UPDATE protection_level_units SET measures = ?, measures_level = ?, measures_at = ? \
             WHERE order_id = ? AND unit_id = ?",
        ))
        .bind(serde_json::to_string(measures).unwrap_or_else(|_| "[]".into()))
        .bind(order.level.number())
        .bind(ms(at))
        .bind(order_id)
        .bind(unit_id)
        .execute(&mut *tx)
        .await?;
        let mut a = with_object(audit, order_id);
        a.detail = serde_json::json!({
            "level": order.level.code(),
            "done": measures.iter().filter(|m| m.done).count(),
            "total": measures.len(),
        })
        .to_string();
        append_in(&mut tx, &a, at).await?;
        let row = unit_row(&mut tx, order_id, unit_id).await?;
        tx.commit().await?;
        Ok(row)
    }

    async fn effective_protection_level(&self, unit_id: &str) -> StoreResult<Level> {
        let n: Option<i64> = sqlx::query_scalar(&sql(
            "SELECT MAX(o.level) FROM protection_level_units pu JOIN protection_level_orders o ON o.id = pu.order_id \
             WHERE pu.unit_id = ? AND o.state = 'active'",
        ))
        .bind(unit_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(Level::from_number(n.unwrap_or(0)))
    }
}

/// A unit row read from the join of `unit_protection` (the unit's measures under another name).
fn unit_from_row_measures(r: &DbRow) -> OrderUnit {
    OrderUnit {
        order_id: r.get("order_id"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        division_code: r.get("division_code"),
        notified_at: from_ms(r.get("notified_at")),
        acknowledged_level: r.get::<Option<i64>, _>("ack_level").map(Level::from_number),
        acknowledged_at: opt_ms(r, "ack_at"),
        acknowledged_by: r.get("ack_by"),
        measures: Vec::new(),
        measures_level: r.get::<Option<i64>, _>("measures_level").map(Level::from_number),
        measures_at: opt_ms(r, "measures_at"),
    }
}

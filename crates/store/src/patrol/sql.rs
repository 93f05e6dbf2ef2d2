//! SQL of patrols (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::audit::append_in;
use super::common::{from_ms, ms, paged, push_scope};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::devices::IngestDevice;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::ids::new_id;
use neibao_domain::jobs::NewJob;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::patrol::*;
use sqlx::{QueryBuilder, Row};

type Tx = sqlx::Transaction<'static, Db>;

/// The id of a unit's patrol event source (one device per unit).
pub(crate) fn patrol_device_id(unit_id: &str) -> String {
    format!("patrol-{unit_id}")
}

fn route_from_row(r: &DbRow) -> PatrolRoute {
    PatrolRoute {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        name: r.get("name"),
        note: r.get("note"),
        schedule: serde_json::from_str(r.get::<&str, _>("schedule")).unwrap_or_default(),
        max_minutes: r.get("max_minutes"),
        version: r.get("version"),
        checkpoints: Vec::new(),
        created_at: from_ms(r.get("created_at")),
        updated_at: from_ms(r.get("updated_at")),
    }
}

fn checkpoint_from_row(r: &DbRow) -> Checkpoint {
    Checkpoint {
        id: r.get("id"),
        route_id: r.get("route_id"),
        seq: r.get("seq"),
        name: r.get("name"),
        location: r.get("location"),
        tag: r.get("tag"),
    }
}

fn round_from_row(r: &DbRow) -> PatrolRound {
    PatrolRound {
        id: r.get("id"),
        route_id: r.get("route_id"),
        unit_id: r.get("unit_id"),
        route_name: r.get("route_name"),
        guard_id: r.get("guard_id"),
        guard_name: r.get("guard_name"),
        state: RoundState::from_code(r.get::<&str, _>("state")).unwrap_or(RoundState::Finished),
        started_at: from_ms(r.get("started_at")),
        finished_at: r.get::<Option<i64>, _>("finished_at").map(from_ms),
        expected: serde_json::from_str(r.get::<&str, _>("expected")).unwrap_or_default(),
        visits: Vec::new(),
        max_minutes: r.get("max_minutes"),
    }
}

fn visit_from_row(r: &DbRow) -> Visit {
    Visit {
        id: r.get("id"),
        round_id: r.get("round_id"),
        checkpoint_id: r.get("checkpoint_id"),
        checkpoint_name: r.get("checkpoint_name"),
        visited_at: from_ms(r.get("visited_at")),
        method: r.get("method"),
        photo_id: r.get("photo_id"),
    }
}

/// Refuses a change to a closed unit and answers the unit's name; `NotFound` outside the scope.
async fn open_unit(tx: &mut Tx, scope: &Scope, unit_id: &str) -> StoreResult<String> {
    let mut qb = QueryBuilder::new("SELECT u.state, u.name FROM units u WHERE u.id = ");
    qb.push_bind(unit_id.to_string());
    push_scope(&mut qb, scope);
    let row = qb
        .build()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    if row.get::<&str, _>("state") == "closed" {
        return Err(DomainError::with_message(
            ErrorCode::InvalidTransition,
            "单位已注销，其巡查记录只能查看，不能再修改路线或巡查",
        )
        .into());
    }
    Ok(row.get("name"))
}

async fn checkpoints_of<'e, E>(exec: E, route_id: &str) -> StoreResult<Vec<Checkpoint>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    Ok(
        sqlx::query(&sql("SELECT * FROM patrol_checkpoints WHERE route_id = ? ORDER BY seq"))
            .bind(route_id)
            .fetch_all(exec)
            .await?
            .iter()
            .map(checkpoint_from_row)
            .collect(),
    )
}

async fn visits_of<'e, E>(exec: E, round_id: &str) -> StoreResult<Vec<Visit>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    // The photo is the visit's latest attachment (owner kind `patrol_visit`), so the upload and
    // its audit entry are one transaction of the attachments kernel.
    Ok(sqlx::query(&sql(
        "SELECT v.id, v.round_id, v.checkpoint_id, v.checkpoint_name, v.visited_at, v.method, \
         COALESCE(v.photo_id, (SELECT a.id FROM attachments a WHERE a.owner_kind = 'patrol_visit' \
         AND a.owner_id = v.id ORDER BY a.created_at DESC, a.id DESC LIMIT 1)) AS photo_id \
         FROM patrol_visits v WHERE v.round_id = ? ORDER BY v.visited_at, v.id",
    ))
    .bind(round_id)
    .fetch_all(exec)
    .await?
    .iter()
    .map(visit_from_row)
    .collect())
}

const ROUTE_SELECT: &str =
    "SELECT r.*, u.name AS unit_name FROM patrol_routes r JOIN units u ON u.id = r.unit_id WHERE r.id = ";

/// One route in scope (inside `tx`).
async fn route_in(tx: &mut Tx, scope: &Scope, id: &str) -> StoreResult<PatrolRoute> {
    let mut qb = QueryBuilder::new(ROUTE_SELECT);
    qb.push_bind(id.to_string());
    push_scope(&mut qb, scope);
    let row = qb
        .build()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut route = route_from_row(&row);
    route.checkpoints = checkpoints_of(&mut **tx, id).await?;
    Ok(route)
}

/// Refuses a tag another route's checkpoint of the unit already carries.
async fn tags_free(tx: &mut Tx, r: &NewRoute) -> StoreResult<()> {
    for c in &r.checkpoints {
        let other: Option<String> = sqlx::query_scalar(&sql(
            "SELECT p.name FROM patrol_checkpoints c JOIN patrol_routes p ON p.id = c.route_id \
             WHERE c.unit_id = ? AND c.tag = ? AND c.route_id <> ?",
        ))
        .bind(&r.unit_id)
        .bind(&c.tag)
        .bind(&r.id)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(route) = other {
            return Err(StoreError::Conflict(format!(
                "标签编号 {} 已用于本单位巡查路线「{route}」的巡查点，同一单位的标签编号不能重复",
                c.tag
            )));
        }
    }
    Ok(())
}

/// Writes the route's checkpoints: keeps those with an id of this route, removes the others,
/// adds the new ones; `seq` follows the given order.
async fn write_checkpoints(tx: &mut Tx, r: &NewRoute) -> StoreResult<()> {
    let keep: Vec<&str> = r.checkpoints.iter().filter_map(|c| c.id.as_deref()).collect();
    let existing: Vec<String> = sqlx::query_scalar(&sql("SELECT id FROM patrol_checkpoints WHERE route_id = ?"))
        .bind(&r.id)
        .fetch_all(&mut **tx)
        .await?;
    for id in existing.iter().filter(|id| !keep.contains(&id.as_str())) {
        sqlx::query(&sql("DELETE FROM patrol_checkpoints WHERE id = ?"))
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    // Tags move between kept checkpoints: clear them first so that the unique index holds.
    for id in &keep {
        sqlx::query(&sql(
            "UPDATE patrol_checkpoints SET tag = ? WHERE id = ? AND route_id = ?",
        ))
        .bind(format!("~{id}"))
        .bind(id)
        .bind(&r.id)
        .execute(&mut **tx)
        .await?;
    }
    for (i, c) in r.checkpoints.iter().enumerate() {
        let seq = i as i64 + 1;
        let kept = match &c.id {
            Some(id) if existing.contains(id) => {
                sqlx::query(&sql(
                    "UPDATE patrol_checkpoints SET seq = ?, name = ?, location = ?, tag = ? WHERE id = ? AND route_id = ?",
                ))
                .bind(seq)
                .bind(&c.name)
                .bind(&c.location)
                .bind(&c.tag)
                .bind(id)
                .bind(&r.id)
                .execute(&mut **tx)
                .await?;
                true
            }
            _ => false,
        };
        if !kept {
            sqlx::query(&sql(
                "INSERT INTO patrol_checkpoints (id, route_id, unit_id, seq, name, location, tag) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ))
            .bind(new_id())
            .bind(&r.id)
            .bind(&r.unit_id)
            .bind(seq)
            .bind(&c.name)
            .bind(&c.location)
            .bind(&c.tag)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// Creates the unit's patrol event source if it is missing.
async fn ensure_device<'e, E>(exec: E, unit_id: &str, now: DateTime<Utc>) -> StoreResult<()>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let id = patrol_device_id(unit_id);
    sqlx::query(&sql(
        "INSERT INTO devices (id, unit_id, format, kind, name, serial, channel_map, ingest_token_hash, created_at) \
         VALUES (?, ?, 'generic_json', 'other', '电子巡查（内保平台）', '', '{}', ?, ?) ON CONFLICT (id) DO NOTHING",
    ))
    .bind(&id)
    .bind(unit_id)
    // Not a token hash (those are hex): no ingest token resolves to this device.
    .bind(format!("patrol:{unit_id}"))
    .bind(ms(now))
    .execute(exec)
    .await?;
    Ok(())
}

fn with_unit(audit: &AuditEntry, object_id: &str, unit_id: &str) -> AuditEntry {
    let mut a = audit.clone();
    if a.object_id.is_empty() {
        a.object_id = object_id.to_string();
    }
    if a.unit_id.is_none() {
        a.unit_id = Some(unit_id.to_string());
    }
    a
}

/// One round in scope (inside `tx`), with its visits.
async fn round_in(tx: &mut Tx, scope: &Scope, id: &str) -> StoreResult<PatrolRound> {
    let mut qb = QueryBuilder::new("SELECT r.* FROM patrol_rounds r JOIN units u ON u.id = r.unit_id WHERE r.id = ");
    qb.push_bind(id.to_string());
    push_scope(&mut qb, scope);
    let row = qb
        .build()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut round = round_from_row(&row);
    round.visits = visits_of(&mut **tx, id).await?;
    Ok(round)
}

#[async_trait]
impl PatrolRepo for Backend {
    async fn patrol_routes(&self, scope: &Scope, unit_id: &str) -> StoreResult<(String, Vec<PatrolRoute>)> {
        let mut qb = QueryBuilder::new("SELECT u.name FROM units u WHERE u.id = ");
        qb.push_bind(unit_id.to_string());
        push_scope(&mut qb, scope);
        let name: String = qb
            .build_query_scalar()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let rows = sqlx::query(&sql(
            "SELECT r.*, u.name AS unit_name FROM patrol_routes r JOIN units u ON u.id = r.unit_id \
             WHERE r.unit_id = ? ORDER BY r.name, r.id",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?;
        let mut routes = Vec::new();
        for row in &rows {
            let mut route = route_from_row(row);
            route.checkpoints = checkpoints_of(&self.pool, &route.id).await?;
            routes.push(route);
        }
        Ok((name, routes))
    }

    async fn patrol_route(&self, scope: &Scope, id: &str) -> StoreResult<Option<PatrolRoute>> {
        let mut qb = QueryBuilder::new(ROUTE_SELECT);
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let Some(row) = qb.build().fetch_optional(&self.pool).await? else {
            return Ok(None);
        };
        let mut route = route_from_row(&row);
        route.checkpoints = checkpoints_of(&self.pool, id).await?;
        Ok(Some(route))
    }

    async fn create_patrol_route(
        &self,
        scope: &Scope,
        r: &NewRoute,
        job: Option<&NewJob>,
        audit: &AuditEntry,
    ) -> StoreResult<PatrolRoute> {
        let mut tx = self.begin_write().await?;
        open_unit(&mut tx, scope, &r.unit_id).await?;
        sqlx::query(&sql(
            "INSERT INTO patrol_routes (id, unit_id, name, note, schedule, max_minutes, version, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
        ))
        .bind(&r.id)
        .bind(&r.unit_id)
        .bind(&r.name)
        .bind(&r.note)
        .bind(serde_json::to_string(&r.schedule).unwrap_or_else(|_| "[]".into()))
        .bind(r.max_minutes)
        .bind(ms(r.at))
        .bind(ms(r.at))
        .execute(&mut *tx)
        .await?;
        tags_free(&mut tx, r).await?;
        write_checkpoints(&mut tx, r).await?;
        ensure_device(&mut *tx, &r.unit_id, r.at).await?;
        if let Some(job) = job {
            super::jobs::insert_in(&mut tx, job, r.at).await?;
        }
        append_in(&mut tx, &with_unit(audit, &r.id, &r.unit_id), r.at).await?;
        let route = route_in(&mut tx, scope, &r.id).await?;
        tx.commit().await?;
        Ok(route)
    }

    async fn update_patrol_route(
        &self,
        scope: &Scope,
        r: &NewRoute,
        version: i64,
        job: Option<&NewJob>,
        audit: &AuditEntry,
    ) -> StoreResult<PatrolRoute> {
        let mut tx = self.begin_write().await?;
        let current = route_in(&mut tx, scope, &r.id).await?;
        open_unit(&mut tx, scope, &current.unit_id).await?;
        let changed = sqlx::query(&sql(
            "UPDATE patrol_routes SET name = ?, note = ?, schedule = ?, max_minutes = ?, version = version + 1, updated_at = ? \
             WHERE id = ? AND version = ?",
        ))
        .bind(&r.name)
        .bind(&r.note)
        .bind(serde_json::to_string(&r.schedule).unwrap_or_else(|_| "[]".into()))
        .bind(r.max_minutes)
        .bind(ms(r.at))
        .bind(&r.id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(DomainError::with_message(
                ErrorCode::VersionConflict,
                "巡查路线已被他人修改，请刷新后重新填写",
            )
            .into());
        }
        let r = NewRoute {
            unit_id: current.unit_id.clone(),
            ..r.clone()
        };
        tags_free(&mut tx, &r).await?;
        write_checkpoints(&mut tx, &r).await?;
        if let Some(job) = job {
            super::jobs::insert_in(&mut tx, job, r.at).await?;
        }
        append_in(&mut tx, &with_unit(audit, &r.id, &r.unit_id), r.at).await?;
        let route = route_in(&mut tx, scope, &r.id).await?;
        tx.commit().await?;
        Ok(route)
    }

    async fn start_patrol_round(&self, scope: &Scope, r: &NewRound, audit: &AuditEntry) -> StoreResult<PatrolRound> {
        let mut tx = self.begin_write().await?;
        let route = route_in(&mut tx, scope, &r.route_id).await?;
        open_unit(&mut tx, scope, &route.unit_id).await?;
        if route.checkpoints.is_empty() {
            return Err(DomainError::with_message(
                ErrorCode::ValidationFailed,
                "该路线还没有巡查点，请先由保卫负责人添加巡查点",
            )
            .into());
        }
        let expected: Vec<ExpectedCheckpoint> = route
            .checkpoints
            .iter()
            .map(|c| ExpectedCheckpoint {
                id: c.id.clone(),
                seq: c.seq,
                name: c.name.clone(),
                tag: c.tag.clone(),
            })
            .collect();
        sqlx::query(&sql(
            "INSERT INTO patrol_rounds (id, route_id, unit_id, route_name, guard_id, guard_name, state, started_at, finished_at, expected, max_minutes) \
             VALUES (?, ?, ?, ?, ?, ?, 'in_progress', ?, NULL, ?, ?)",
        ))
        .bind(&r.id)
        .bind(&route.id)
        .bind(&route.unit_id)
        .bind(&route.name)
        .bind(&r.guard_id)
        .bind(&r.guard_name)
        .bind(ms(r.at))
        .bind(serde_json::to_string(&expected).unwrap_or_else(|_| "[]".into()))
        .bind(route.max_minutes)
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &with_unit(audit, &r.id, &route.unit_id), r.at).await?;
        let round = round_in(&mut tx, scope, &r.id).await?;
        tx.commit().await?;
        Ok(round)
    }

    async fn patrol_round(&self, scope: &Scope, id: &str) -> StoreResult<Option<PatrolRound>> {
        let mut qb =
            QueryBuilder::new("SELECT r.* FROM patrol_rounds r JOIN units u ON u.id = r.unit_id WHERE r.id = ");
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let Some(row) = qb.build().fetch_optional(&self.pool).await? else {
            return Ok(None);
        };
        let mut round = round_from_row(&row);
        round.visits = visits_of(&self.pool, id).await?;
        Ok(Some(round))
    }

    async fn add_patrol_visit(&self, scope: &Scope, v: &NewVisit, audit: &AuditEntry) -> StoreResult<(Visit, bool)> {
        let mut tx = self.begin_write().await?;
        let round = round_in(&mut tx, scope, &v.round_id).await?;
        if let Some(first) = round.visits.iter().find(|x| x.checkpoint_id == v.checkpoint_id) {
            return Ok((first.clone(), false));
        }
        if round.state != RoundState::InProgress {
            return Err(StoreError::Conflict("本次巡查已结束，不能再记录巡查点".into()));
        }
        open_unit(&mut tx, scope, &round.unit_id).await?;
        let Some(cp) = round.expected.iter().find(|c| c.id == v.checkpoint_id) else {
            return Err(DomainError::with_message(ErrorCode::ValidationFailed, "该巡查点不属于本次巡查的路线").into());
        };
        sqlx::query(&sql(
            "INSERT INTO patrol_visits (id, round_id, checkpoint_id, checkpoint_name, visited_at, method, photo_id) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&v.id)
        .bind(&v.round_id)
        .bind(&v.checkpoint_id)
        .bind(&cp.name)
        .bind(ms(v.at))
        .bind(&v.method)
        .bind(&v.photo_id)
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &with_unit(audit, &v.round_id, &round.unit_id), v.at).await?;
        tx.commit().await?;
        Ok((
            Visit {
                id: v.id.clone(),
                round_id: v.round_id.clone(),
                checkpoint_id: v.checkpoint_id.clone(),
                checkpoint_name: cp.name.clone(),
                visited_at: from_ms(ms(v.at)),
                method: v.method.clone(),
                photo_id: v.photo_id.clone(),
            },
            true,
        ))
    }

    async fn finish_patrol_round(
        &self,
        scope: &Scope,
        id: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<(PatrolRound, bool)> {
        let mut tx = self.begin_write().await?;
        let round = round_in(&mut tx, scope, id).await?;
        if round.state == RoundState::Finished {
            return Ok((round, false));
        }
        sqlx::query(&sql(
            "UPDATE patrol_rounds SET state = 'finished', finished_at = ? WHERE id = ? AND state = 'in_progress'",
        ))
        .bind(ms(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &with_unit(audit, id, &round.unit_id), now).await?;
        let round = round_in(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok((round, true))
    }

    async fn patrol_rounds(
        &self,
        scope: &Scope,
        unit_id: &str,
        route_id: Option<&str>,
        page: Page,
    ) -> StoreResult<Listing<PatrolRound>> {
        let from = "FROM patrol_rounds r JOIN units u ON u.id = r.unit_id WHERE r.unit_id = ";
        let mut listing = paged(
            &self.pool,
            from,
            &format!("SELECT r.* {from}"),
            |qb| {
                qb.push_bind(unit_id.to_string());
                if let Some(route) = route_id {
                    qb.push(" AND r.route_id = ").push_bind(route.to_string());
                }
                push_scope(qb, scope);
            },
            "r.started_at DESC, r.id DESC",
            page,
            round_from_row,
        )
        .await?;
        for round in listing.items.iter_mut() {
            round.visits = visits_of(&self.pool, &round.id).await?;
        }
        Ok(listing)
    }

    async fn record_patrol_miss(&self, miss: &PatrolMiss, next: Option<&NewJob>) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let new = sqlx::query(&sql(
            "INSERT INTO patrol_misses (miss_key, unit_id, route_id, round_id, kind, at, detail) VALUES (?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (miss_key) DO NOTHING",
        ))
        .bind(&miss.key)
        .bind(&miss.unit_id)
        .bind(&miss.route_id)
        .bind(&miss.round_id)
        .bind(miss.kind)
        .bind(ms(miss.at))
        .bind(&miss.detail)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if let Some(job) = next {
            super::jobs::insert_in(&mut tx, job, miss.at).await?;
        }
        tx.commit().await?;
        Ok(new)
    }

    async fn patrol_rounds_started(&self, route_id: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM patrol_rounds WHERE route_id = ? AND started_at >= ? AND started_at <= ?",
        ))
        .bind(route_id)
        .bind(ms(from))
        .bind(ms(to))
        .fetch_one(&self.pool)
        .await?)
    }

    async fn patrol_device(&self, unit_id: &str) -> StoreResult<Option<IngestDevice>> {
        let id = patrol_device_id(unit_id);
        if let Some(d) = self.ingest_device(&id).await? {
            return Ok(Some(d));
        }
        let mut tx = self.begin_write().await?;
        ensure_device(&mut *tx, unit_id, Utc::now()).await?;
        tx.commit().await?;
        self.ingest_device(&id).await
    }

    async fn patrol_summary(&self, scope: &Scope, unit_id: &str, since: DateTime<Utc>) -> StoreResult<PatrolSummary> {
        let (_, routes) = self.patrol_routes(scope, unit_id).await?;
        let count = |q: &'static str| {
            let pool = self.pool.clone();
            let unit = unit_id.to_string();
            async move {
                sqlx::query_scalar::<_, i64>(&sql(q))
                    .bind(unit)
                    .bind(ms(since))
                    .fetch_one(&pool)
                    .await
            }
        };
        let rounds = count("SELECT COUNT(*) FROM patrol_rounds WHERE unit_id = ? AND started_at >= ?").await?;
        let complete_rounds = count(
            "SELECT COUNT(*) FROM patrol_rounds r WHERE r.unit_id = ? AND r.started_at >= ? AND r.state = 'finished' \
             AND NOT EXISTS (SELECT 1 FROM patrol_misses m WHERE m.round_id = r.id)",
        )
        .await?;
        let missed_checkpoints =
            count("SELECT COUNT(*) FROM patrol_misses WHERE unit_id = ? AND at >= ? AND kind = 'checkpoint_missed'")
                .await?;
        let late_rounds =
            count("SELECT COUNT(*) FROM patrol_misses WHERE unit_id = ? AND at >= ? AND kind = 'round_late'").await?;
        let last: Option<i64> = sqlx::query_scalar(&sql("SELECT MAX(started_at) FROM patrol_rounds WHERE unit_id = ?"))
            .bind(unit_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(PatrolSummary {
            unit_id: unit_id.to_string(),
            routes: routes.len() as i64,
            checkpoints: routes.iter().map(|r| r.checkpoints.len() as i64).sum(),
            rounds,
            complete_rounds,
            completion_percent: (rounds > 0).then(|| complete_rounds * 100 / rounds),
            missed_checkpoints,
            late_rounds,
            last_round_at: last.map(from_ms),
        })
    }
}

//! SQL of private-enterprise requests (compiled once per backend: see `crate::sqlite` and
//! `crate::postgres`).

use super::audit::append_in;
use super::common::{from_ms, ms, opt_ms, paged, push_scope};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::enterprise_requests::{EnterpriseRequestRepo, RequestChange};
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::enterprise_requests::*;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::jobs::NewJob;
use neibao_domain::paging::{Listing, Page};
use sqlx::{QueryBuilder, Row};

const SELECT: &str = "SELECT r.*, u.name AS unit_name, o.name AS station_name FROM enterprise_requests r \
     JOIN units u ON u.id = r.unit_id LEFT JOIN organisations o ON o.id = r.station_id WHERE 1=1";
const FROM: &str = "FROM enterprise_requests r JOIN units u ON u.id = r.unit_id WHERE 1=1";

fn from_row(r: &DbRow) -> EnterpriseRequest {
    let kind = RequestKind::from_code(r.get::<&str, _>("kind")).unwrap_or(RequestKind::Other);
    EnterpriseRequest {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        station_id: r.get("station_id"),
        station_name: r.get("station_name"),
        kind,
        kind_label: kind.label_zh().to_string(),
        text: r.get("text"),
        state: r.get("state"),
        filed_by: r.get("filed_by"),
        filed_by_name: r.get("filed_by_name"),
        filed_at: from_ms(r.get("filed_at")),
        deadline: from_ms(r.get("deadline")),
        overdue: r.get::<bool, _>("overdue"),
        handler_id: r.get("handler_id"),
        handler_name: r.get("handler_name"),
        assigned_at: opt_ms(r, "assigned_at"),
        first_reply_at: opt_ms(r, "first_reply_at"),
        closed_at: opt_ms(r, "closed_at"),
        closed_by: r.get("closed_by"),
        closing_note: r.get("closing_note"),
        rating: r.get::<Option<&str>, _>("rating").and_then(Rating::from_code),
        rated_at: opt_ms(r, "rated_at"),
    }
}

fn push_filter(qb: &mut QueryBuilder<'_, Db>, scope: &Scope, f: &RequestFilter) {
    push_scope(qb, scope);
    if let Some(u) = &f.unit_id {
        qb.push(" AND r.unit_id = ").push_bind(u.clone());
    }
    if let Some(s) = &f.state {
        qb.push(" AND r.state = ").push_bind(s.clone());
    }
    if let Some(o) = f.overdue {
        qb.push(" AND r.overdue = ").push_bind(o);
    }
}

impl Backend {
    async fn er_detail<'e, E>(&self, exec: E, scope: &Scope, id: &str) -> StoreResult<Option<RequestDetail>>
    where
        E: sqlx::Executor<'e, Database = Db> + Copy,
    {
        let mut qb = QueryBuilder::new(format!("{SELECT} AND r.id = "));
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let Some(row) = qb.build().fetch_optional(exec).await? else {
            return Ok(None);
        };
        let request = from_row(&row);
        let rows = sqlx::query(&sql(
            "SELECT * FROM enterprise_request_replies WHERE request_id = ? ORDER BY at, id LIMIT 1000",
        ))
        .bind(id)
        .fetch_all(exec)
        .await?;
        let replies = rows
            .iter()
            .map(|r| RequestReply {
                id: r.get("id"),
                request_id: r.get("request_id"),
                side: r.get("side"),
                author_id: r.get("author_id"),
                author_name: r.get("author_name"),
                text: r.get("text"),
                at: from_ms(r.get("at")),
            })
            .collect();
        Ok(Some(RequestDetail {
            seconds_to_first_reply: request.seconds_to_first_reply(),
            request,
            replies,
            // Filled in by the service (the attachments kernel).
            attachments: Vec::new(),
        }))
    }
}

fn refused(m: &str) -> StoreError {
    DomainError::with_message(ErrorCode::InvalidTransition, m).into()
}

#[async_trait]
impl EnterpriseRequestRepo for Backend {
    async fn create_enterprise_request(
        &self,
        scope: &Scope,
        r: &NewRequest,
        job: &NewJob,
        audit: &AuditEntry,
    ) -> StoreResult<EnterpriseRequest> {
        let mut tx = self.begin_write().await?;
        let mut qb = QueryBuilder::new(
            "SELECT u.state, u.is_private_enterprise, u.police_station_id FROM units u WHERE u.id = ",
        );
        qb.push_bind(r.unit_id.clone());
        push_scope(&mut qb, scope);
        let row = qb.build().fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
        if row.get::<&str, _>("state") != "active" {
            return Err(refused("单位已停用或注销，不能提交诉求"));
        }
        if !row.get::<bool, _>("is_private_enterprise") {
            return Err(refused("只有登记为民营企业的单位可以提交民营企业诉求"));
        }
        let station: Option<String> = row.get("police_station_id");
        sqlx::query(&sql(
            "INSERT INTO enterprise_requests (id, unit_id, station_id, kind, text, state, filed_by, filed_by_name, \
             filed_at, deadline, overdue, closing_note) VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, '')",
        ))
        .bind(&r.id)
        .bind(&r.unit_id)
        .bind(station)
        .bind(r.kind.code())
        .bind(&r.text)
        .bind(&r.filed_by)
        .bind(&r.filed_by_name)
        .bind(ms(r.at))
        .bind(ms(r.deadline))
        .bind(false)
        .execute(&mut *tx)
        .await?;
        super::jobs::insert_in(&mut tx, job, r.at).await?;
        let mut a = audit.clone();
        if a.object_id.is_empty() {
            a.object_id = r.id.clone();
        }
        a.unit_id.get_or_insert_with(|| r.unit_id.clone());
        append_in(&mut tx, &a, r.at).await?;
        tx.commit().await?;
        Ok(self
            .er_detail(&self.pool, &Scope::All, &r.id)
            .await?
            .ok_or(StoreError::NotFound)?
            .request)
    }

    async fn enterprise_request(&self, scope: &Scope, id: &str) -> StoreResult<Option<RequestDetail>> {
        self.er_detail(&self.pool, scope, id).await
    }

    async fn list_enterprise_requests(
        &self,
        scope: &Scope,
        f: &RequestFilter,
        page: Page,
    ) -> StoreResult<Listing<EnterpriseRequest>> {
        paged(
            &self.pool,
            FROM,
            SELECT,
            |qb| push_filter(qb, scope, f),
            "r.filed_at DESC, r.id DESC",
            page,
            from_row,
        )
        .await
    }

    async fn enterprise_request_counts(&self, scope: &Scope) -> StoreResult<RequestCounts> {
        let mut qb = QueryBuilder::new(
            "SELECT r.state, r.overdue, r.filed_at, r.first_reply_at, r.rating FROM enterprise_requests r \
             JOIN units u ON u.id = r.unit_id WHERE 1=1",
        );
        push_scope(&mut qb, scope);
        qb.push(" LIMIT 100000");
        let rows = qb.build().fetch_all(&self.pool).await?;
        let mut c = RequestCounts::default();
        let (mut sum, mut n) = (0i64, 0i64);
        for r in &rows {
            if r.get::<&str, _>("state") == "closed" {
                c.closed += 1;
            } else {
                c.open += 1;
                if r.get::<bool, _>("overdue") {
                    c.overdue_open += 1;
                }
            }
            if let Some(t) = r.get::<Option<i64>, _>("first_reply_at") {
                sum += (t - r.get::<i64, _>("filed_at")).max(0) / 1000;
                n += 1;
            }
            match r.get::<Option<&str>, _>("rating").and_then(Rating::from_code) {
                Some(Rating::Satisfied) => c.satisfied += 1,
                Some(Rating::Fair) => c.fair += 1,
                Some(Rating::Dissatisfied) => c.dissatisfied += 1,
                None => {}
            }
        }
        c.mean_seconds_to_first_reply = (n > 0).then(|| sum / n);
        Ok(c)
    }

    async fn change_enterprise_request(
        &self,
        scope: &Scope,
        id: &str,
        change: &RequestChange,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<RequestDetail> {
        let mut tx = self.begin_write().await?;
        let mut qb = QueryBuilder::new(format!("{SELECT} AND r.id = "));
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let current = qb
            .build()
            .fetch_optional(&mut *tx)
            .await?
            .as_ref()
            .map(from_row)
            .ok_or(StoreError::NotFound)?;
        let open = current.state == "open";
        match change {
            RequestChange::Assign {
                handler_id,
                handler_name,
            } => {
                if !open {
                    return Err(refused("诉求已办结，不能再指派承办民警"));
                }
                sqlx::query(&sql(
                    "UPDATE enterprise_requests SET handler_id = ?, handler_name = ?, assigned_at = ? WHERE id = ?",
                ))
                .bind(handler_id)
                .bind(handler_name)
                .bind(ms(at))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            RequestChange::Reply { reply } => {
                if !open {
                    return Err(refused("诉求已办结，不能再回复"));
                }
                sqlx::query(&sql(
                    "INSERT INTO enterprise_request_replies (id, request_id, side, author_id, author_name, text, at) \
                     VALUES (?, ?, ?, ?, ?, ?, ?)",
                ))
                .bind(&reply.id)
                .bind(id)
                .bind(&reply.side)
                .bind(&reply.author_id)
                .bind(&reply.author_name)
                .bind(&reply.text)
                .bind(ms(at))
                .execute(&mut *tx)
                .await?;
                if reply.side == "police" {
                    sqlx::query(&sql(
                        "UPDATE enterprise_requests SET first_reply_at = ? WHERE id = ? AND first_reply_at IS NULL",
                    ))
                    .bind(ms(at))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            RequestChange::Close { by, note } => {
                if !open {
                    return Err(refused("诉求已办结"));
                }
                sqlx::query(&sql(
                    "UPDATE enterprise_requests SET state = 'closed', closed_at = ?, closed_by = ?, closing_note = ? \
                     WHERE id = ?",
                ))
                .bind(ms(at))
                .bind(by)
                .bind(note)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            RequestChange::Rate { rating } => {
                if open {
                    return Err(refused("诉求办结后才能评价"));
                }
                if current.rating.is_some() {
                    return Err(refused("该诉求已评价，不能重复评价"));
                }
                sqlx::query(&sql(
                    "UPDATE enterprise_requests SET rating = ?, rated_at = ? WHERE id = ?",
                ))
                .bind(rating.code())
                .bind(ms(at))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
        }
        let mut a = audit.clone();
        a.unit_id.get_or_insert_with(|| current.unit_id.clone());
        append_in(&mut tx, &a, at).await?;
        tx.commit().await?;
        self.er_detail(&self.pool, &Scope::All, id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn set_enterprise_response_days(&self, days: i64, audit: &AuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        ))
        .bind(RESPONSE_DAYS_KEY)
        .bind(days.to_string())
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, audit, Utc::now()).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn mark_enterprise_request_overdue(
        &self,
        id: &str,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<Option<EnterpriseRequest>> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(&sql(
            "UPDATE enterprise_requests SET overdue = ? WHERE id = ? AND state = 'open' AND overdue = ? AND deadline <= ?",
        ))
        .bind(true)
        .bind(id)
        .bind(false)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 0 {
            return Ok(None);
        }
        let unit: String = sqlx::query_scalar(&sql("SELECT unit_id FROM enterprise_requests WHERE id = ?"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let mut a = audit.clone();
        a.unit_id.get_or_insert(unit);
        append_in(&mut tx, &a, now).await?;
        tx.commit().await?;
        Ok(self.er_detail(&self.pool, &Scope::All, id).await?.map(|d| d.request))
    }
}

//! [`DispatchRepo`]: handing a campaign's inspections down the organisation tree, assigning them
//! to officers, and a campaign's progress per organisation. Portable SQL (a recursive CTE for
//! the subtree, grouped counts for the progress): one query per read, whatever the number of
//! organisations.

use super::super::common::{ms, push_scope};
use super::super::db::{sql, Db};
use super::super::store::Backend;
use super::tx::audit_in;
use crate::error::StoreResult;
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::supervision::dispatch::{AssignWhat, Officer, OrgProgress, Subordinate, Unassigned};
use sqlx::{QueryBuilder, Row};

/// Ids bound in one `IN (…)` list (well under both backends' limits on bound values).
const IDS_PER_STATEMENT: usize = 500;

/// Not submitted and assigned to nobody (待指派), on `inspections i`.
const UNASSIGNED: &str = "(i.assignee_id IS NULL OR i.assignee_id = '') AND i.status <> 'submitted'";

/// The name a reader tells organisations apart by: a police station with its bureau's name in
/// front (`西湖区分局` + `北山派出所`), any other organisation by its own name.
fn full_name(name: Option<String>, kind: Option<String>, parent: Option<String>) -> String {
    let name = name.unwrap_or_default();
    match (kind.as_deref(), parent) {
        (Some("police_station"), Some(p)) if !p.is_empty() && !name.starts_with(&p) => format!("{p}{name}"),
        _ => name,
    }
}

#[async_trait]
impl DispatchRepo for Backend {
    async fn subordinate_organisations(&self, org_id: &str) -> StoreResult<Vec<Subordinate>> {
        // Only organisations with an active officer in them or below them: nobody could take
        // an inspection handed to an organisation nobody works at.
        let rows = sqlx::query(&sql("WITH RECURSIVE staffed(id, parent_id) AS (
                 SELECT o.id, o.parent_id FROM organisations o
                 WHERE EXISTS (SELECT 1 FROM users us WHERE us.org_id = o.id AND NOT us.disabled
                     AND us.role IN ('police_province','police_city','police_county','police_station'))
                 UNION
                 SELECT p.id, p.parent_id FROM organisations p JOIN staffed s ON p.id = s.parent_id
             )
             SELECT id, division_code FROM organisations
             WHERE parent_id = ? AND kind IN ('police_city','police_county','police_station')
               AND id IN (SELECT id FROM staffed)
             ORDER BY division_code, id"))
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| Subordinate {
                id: r.get("id"),
                division_code: r.get("division_code"),
            })
            .collect())
    }

    async fn organisation_subtree(&self, org_id: &str) -> StoreResult<Vec<String>> {
        Ok(sqlx::query_scalar(&sql("WITH RECURSIVE t(id) AS (
                 SELECT id FROM organisations WHERE id = ?
                 UNION ALL
                 SELECT o.id FROM organisations o JOIN t ON o.parent_id = t.id
             )
             SELECT id FROM t"))
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn unassigned_inspections(
        &self,
        scope: &Scope,
        campaign_id: &str,
        org_id: &str,
    ) -> StoreResult<Vec<Unassigned>> {
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(
            "SELECT i.id, u.division_code, u.police_station_id FROM inspections i JOIN units u ON u.id = i.unit_id
             WHERE i.campaign_id = ",
        );
        qb.push_bind(campaign_id.to_string())
            .push(" AND i.org_id = ")
            .push_bind(org_id.to_string())
            .push(" AND ")
            .push(UNASSIGNED);
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY u.division_code, i.id");
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| Unassigned {
                inspection_id: r.get("id"),
                division_code: r.get("division_code"),
                police_station_id: r.get("police_station_id"),
            })
            .collect())
    }

    async fn hand_out_inspections(
        &self,
        campaign_id: &str,
        from_org: &str,
        moves: &[(String, Vec<String>)],
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let mut moved = 0;
        for (to_org, ids) in moves {
            for chunk in ids.chunks(IDS_PER_STATEMENT) {
                let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new("UPDATE inspections SET org_id = ");
                qb.push_bind(to_org.clone())
                    .push(" WHERE campaign_id = ")
                    .push_bind(campaign_id.to_string())
                    .push(" AND org_id = ")
                    .push_bind(from_org.to_string())
                    .push(" AND (assignee_id IS NULL OR assignee_id = '') AND status <> 'submitted' AND id IN (");
                let mut list = qb.separated(", ");
                for id in chunk {
                    list.push_bind(id.clone());
                }
                qb.push(")");
                moved += qb.build().execute(&mut *tx).await?.rows_affected() as i64;
            }
        }
        let mut e = audit.clone();
        let mut detail: serde_json::Value = serde_json::from_str(&e.detail).unwrap_or_else(|_| serde_json::json!({}));
        detail["moved"] = serde_json::json!(moved);
        e.detail = detail.to_string();
        audit_in(&mut tx, &e, Some(campaign_id), now).await?;
        tx.commit().await?;
        Ok(moved)
    }

    async fn assign_inspections(
        &self,
        scope: &Scope,
        what: &AssignWhat,
        org_id: &str,
        officer: &Officer,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new("UPDATE inspections SET assignee_id = ");
        qb.push_bind(officer.user_id.clone())
            .push(", assignee_name = ")
            .push_bind(officer.display_name.clone())
            .push(" WHERE org_id = ")
            .push_bind(org_id.to_string())
            .push(" AND status <> 'submitted'");
        match what {
            AssignWhat::One(id) => {
                qb.push(" AND id = ").push_bind(id.clone());
            }
            AssignWhat::UnassignedOfCampaign(c) => {
                qb.push(" AND campaign_id = ")
                    .push_bind(c.clone())
                    .push(" AND (assignee_id IS NULL OR assignee_id = '')");
            }
        }
        qb.push(" AND unit_id IN (SELECT u.id FROM units u WHERE 1=1");
        push_scope(&mut qb, scope);
        qb.push(")");
        let assigned = qb.build().execute(&mut *tx).await?.rows_affected() as i64;
        let mut e = audit.clone();
        let mut detail: serde_json::Value = serde_json::from_str(&e.detail).unwrap_or_else(|_| serde_json::json!({}));
        detail["assigned"] = serde_json::json!(assigned);
        e.detail = detail.to_string();
        audit_in(&mut tx, &e, None, now).await?;
        tx.commit().await?;
        Ok(assigned)
    }

    async fn campaign_by_organisation(
        &self,
        scope: &Scope,
        campaign_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<OrgProgress>> {
        let count = |cond: &str| format!("CAST(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END) AS BIGINT)");
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(format!(
            "SELECT i.org_id, MAX(o.name) AS org_name, MAX(o.kind) AS org_kind, MAX(p.name) AS parent_name,
                    COUNT(*) AS total, {} AS planned, {} AS in_progress, {} AS submitted, {} AS unassigned,
                    CAST(SUM(COALESCE(hz.n, 0)) AS BIGINT) AS hazards,
                    CAST(SUM(CASE WHEN i.status <> 'submitted' AND i.due_at < ",
            count("i.status = 'planned'"),
            count("i.status = 'in_progress'"),
            count("i.status = 'submitted'"),
            count(UNASSIGNED),
        ));
        qb.push_bind(ms(now)).push(
            " THEN 1 ELSE 0 END) AS BIGINT) AS late
             FROM inspections i JOIN units u ON u.id = i.unit_id
             LEFT JOIN organisations o ON o.id = i.org_id
             LEFT JOIN organisations p ON p.id = o.parent_id
             LEFT JOIN (SELECT h.inspection_id, COUNT(*) AS n FROM hazards h
                         JOIN inspections hi ON hi.id = h.inspection_id
                        WHERE hi.campaign_id = ",
        );
        qb.push_bind(campaign_id.to_string())
            .push(" GROUP BY h.inspection_id) hz ON hz.inspection_id = i.id WHERE i.campaign_id = ")
            .push_bind(campaign_id.to_string());
        push_scope(&mut qb, scope);
        qb.push(" GROUP BY i.org_id");
        let rows = qb.build().fetch_all(&self.pool).await?;
        let mut out: Vec<OrgProgress> = rows
            .iter()
            .map(|r| OrgProgress {
                org_id: r.get("org_id"),
                org_name: full_name(r.get("org_name"), r.get("org_kind"), r.get("parent_name")),
                org_kind: r.get("org_kind"),
                total: r.get("total"),
                planned: r.get("planned"),
                in_progress: r.get("in_progress"),
                submitted: r.get("submitted"),
                late: r.get("late"),
                hazards: r.get("hazards"),
                unassigned: r.get("unassigned"),
            })
            .collect();
        out.sort_by(|a, b| a.org_name.cmp(&b.org_name).then_with(|| a.org_id.cmp(&b.org_id)));
        Ok(out)
    }

    async fn organisation_officers(&self, org_ids: &[String]) -> StoreResult<Vec<Officer>> {
        let mut out = Vec::new();
        for chunk in org_ids.chunks(IDS_PER_STATEMENT) {
            let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(
                "SELECT id, display_name, org_id FROM users
                 WHERE NOT disabled AND role IN ('police_province','police_city','police_county','police_station')
                   AND org_id IN (",
            );
            let mut list = qb.separated(", ");
            for id in chunk {
                list.push_bind(id.clone());
            }
            qb.push(") ORDER BY display_name, id");
            let rows = qb.build().fetch_all(&self.pool).await?;
            out.extend(rows.iter().map(|r| Officer {
                user_id: r.get("id"),
                display_name: r.get("display_name"),
                org_id: r.get("org_id"),
            }));
        }
        Ok(out)
    }
}

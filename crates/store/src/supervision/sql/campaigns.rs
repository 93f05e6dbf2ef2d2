//! [`CampaignRepo`]: campaigns with their fanned-out inspections, their progress as the caller
//! sees it, and the standings of units a campaign selects from.

use super::super::common::{escape_like, ms, opt_ms, paged, push_scope};
use super::super::db::{sql, Db};
use super::super::store::Backend;
use super::rows::campaign_from_row;
use super::tx::{audit_in, insert_inspection};
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::supervision::{
    Campaign, CampaignProgress, InspectionStatus, NewCampaign, StandingFilter, UnitStanding, STANDINGS_CAP,
};
use sqlx::{QueryBuilder, Row};

impl Backend {
    async fn campaign_progress(&self, scope: &Scope, id: &str, now: DateTime<Utc>) -> StoreResult<CampaignProgress> {
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(
            "SELECT i.status, COUNT(*) AS n, CAST(COALESCE(SUM(CASE WHEN i.status <> 'submitted' AND i.due_at < ",
        );
        qb.push_bind(ms(now))
            .push(" THEN 1 ELSE 0 END), 0) AS BIGINT) AS late FROM inspections i JOIN units u ON u.id = i.unit_id WHERE i.campaign_id = ")
            .push_bind(id.to_string());
        push_scope(&mut qb, scope);
        qb.push(" GROUP BY i.status");
        let rows = qb.build().fetch_all(&self.pool).await?;
        let mut p = CampaignProgress::default();
        for r in &rows {
            let n: i64 = r.get("n");
            p.total += n;
            p.late += r.get::<i64, _>("late");
            match InspectionStatus::from_code(r.get("status")) {
                Some(InspectionStatus::Planned) => p.planned += n,
                Some(InspectionStatus::InProgress) => p.in_progress += n,
                Some(InspectionStatus::Submitted) => p.submitted += n,
                None => {}
            }
        }
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(
            "SELECT COUNT(*) FROM hazards h JOIN inspections i ON i.id = h.inspection_id JOIN units u ON u.id = h.unit_id
             WHERE i.campaign_id = ",
        );
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        p.hazards = qb.build_query_scalar().fetch_one(&self.pool).await?;
        Ok(p)
    }
}

#[async_trait]
impl CampaignRepo for Backend {
    async fn unit_standings(
        &self,
        scope: &Scope,
        f: &StandingFilter,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<UnitStanding>> {
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(
            "SELECT u.id, u.name, u.division_code, u.police_station_id, u.kind, u.is_key_unit, u.key_unit_category, u.is_counter_terror_target,
                    u.is_university,
                    (SELECT CAST(COALESCE(SUM(cr.points), 0) AS BIGINT) FROM credit_records cr
                      WHERE cr.unit_id = u.id AND cr.withdrawn_at IS NULL AND cr.expires_at > ",
        );
        qb.push_bind(ms(now)).push(
            ") AS deductions,
                    (SELECT MAX(i.submitted_at) FROM inspections i
                      WHERE i.unit_id = u.id AND i.status = 'submitted' AND i.kind <> 'self') AS last_inspected,
                    (SELECT COUNT(*) FROM hazards h WHERE h.unit_id = u.id
                      AND h.phase NOT IN ('closed','fine_decided','criminal_transfer')) AS open_hazards
             FROM units u WHERE u.state <> 'closed'",
        );
        // Closed (注销) units are due nothing (docs/REGISTRY.md).
        push_scope(&mut qb, scope);
        if let Some(p) = &f.division_prefix {
            qb.push(" AND u.division_code LIKE ")
                .push_bind(format!("{}%", escape_like(p)))
                .push(" ESCAPE '\\'");
        }
        if let Some(k) = &f.kind {
            qb.push(" AND u.kind = ").push_bind(k.clone());
        }
        if f.key_unit_only {
            qb.push(" AND u.is_key_unit = ").push_bind(true);
        }
        if let Some(c) = f.key_unit_category {
            qb.push(" AND u.key_unit_category = ").push_bind(c);
        }
        if f.counter_terror_only {
            qb.push(" AND u.is_counter_terror_target = ").push_bind(true);
        }
        if f.university_only {
            qb.push(" AND u.is_university = ").push_bind(true);
        }
        if let Some(id) = &f.unit_id {
            qb.push(" AND u.id = ").push_bind(id.clone());
        }
        qb.push(" ORDER BY u.division_code, u.name LIMIT ")
            .push_bind(STANDINGS_CAP);
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| UnitStanding {
                unit_id: r.get("id"),
                unit_name: r.get("name"),
                division_code: r.get("division_code"),
                police_station_id: r.get("police_station_id"),
                kind: r.get("kind"),
                is_key_unit: r.get("is_key_unit"),
                key_unit_category: r.get::<Option<i64>, _>("key_unit_category"),
                is_counter_terror_target: r.get("is_counter_terror_target"),
                is_university: r.get("is_university"),
                credit_deductions: r.get("deductions"),
                last_inspected_at: opt_ms(r, "last_inspected"),
                open_hazards: r.get("open_hazards"),
            })
            .collect())
    }

    async fn create_campaign(&self, c: &NewCampaign, audit: &AuditEntry, now: DateTime<Utc>) -> StoreResult<String> {
        let id = new_id();
        let (title, title_sealed) = self.cipher.seal_free_text("campaigns", "title", &c.title);
        let (description, description_sealed) = self.cipher.seal_free_text("campaigns", "description", &c.description);
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO campaigns (id, title, title_sealed, description, description_sealed, org_id, selection, due_at,
                                    created_by, created_by_name, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&id)
        .bind(&title)
        .bind(&title_sealed)
        .bind(&description)
        .bind(&description_sealed)
        .bind(&c.org_id)
        .bind(c.selection.to_string())
        .bind(ms(c.due_at))
        .bind(&c.created_by)
        .bind(&c.created_by_name)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        for i in &c.inspections {
            let mut i = i.clone();
            i.campaign_id = Some(id.clone());
            insert_inspection(&mut tx, &i, now).await?;
        }
        audit_in(&mut tx, audit, Some(&id), now).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn list_campaigns(&self, scope: &Scope, page: Page, now: DateTime<Utc>) -> StoreResult<Listing<Campaign>> {
        let filters = |qb: &mut QueryBuilder<'_, Db>| {
            qb.push(
                " AND EXISTS (SELECT 1 FROM inspections i JOIN units u ON u.id = i.unit_id WHERE i.campaign_id = cp.id",
            );
            push_scope(qb, scope);
            qb.push(")");
        };
        let mut listing = paged(
            &self.pool,
            "FROM campaigns cp WHERE 1=1",
            "SELECT cp.* FROM campaigns cp WHERE 1=1",
            filters,
            "cp.created_at DESC, cp.id DESC",
            page,
            campaign_from_row,
        )
        .await?;
        for c in &mut listing.items {
            c.progress = self.campaign_progress(scope, &c.id, now).await?;
        }
        Ok(listing)
    }

    async fn get_campaign(&self, scope: &Scope, id: &str, now: DateTime<Utc>) -> StoreResult<Campaign> {
        let r = sqlx::query(&sql("SELECT * FROM campaigns WHERE id = ?"))
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
        let mut c = campaign_from_row(&r);
        c.progress = self.campaign_progress(scope, id, now).await?;
        if c.progress.total == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(c)
    }
}

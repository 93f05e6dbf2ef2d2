//! SQL of the roll-up (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use std::collections::HashMap;

use super::common::{escape_like, ms, push_scope};
use super::db::Db;
use super::store::Backend;
use crate::error::StoreResult;
use crate::rollup::{RollupFilter, RollupRepo};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::assessment::Grade as AssessmentGrade;
use neibao_domain::rollup::{UnitFigures, ASSESSMENT_CYCLE_MS};
use sqlx::{QueryBuilder, Row};

fn push_filter(qb: &mut QueryBuilder<'_, Db>, scope: &Scope, f: &RollupFilter) {
    qb.push(" AND u.state <> 'closed'");
    push_scope(qb, scope);
    if let Some(p) = &f.division_prefix {
        qb.push(" AND u.division_code LIKE ")
            .push_bind(format!("{}%", escape_like(p)))
            .push(" ESCAPE '\\'");
    }
    match &f.station {
        Some(Some(id)) => {
            qb.push(" AND u.police_station_id = ").push_bind(id.clone());
        }
        Some(None) => {
            qb.push(" AND u.police_station_id IS NULL");
        }
        None => {}
    }
    match &f.department {
        Some(Some(id)) => {
            qb.push(" AND u.competent_department_id = ").push_bind(id.clone());
        }
        Some(None) => {
            qb.push(" AND u.competent_department_id IS NULL");
        }
        None => {}
    }
}

#[async_trait]
impl RollupRepo for Backend {
    async fn rollup_units(
        &self,
        scope: &Scope,
        f: &RollupFilter,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        from_day: &str,
        to_day: &str,
    ) -> StoreResult<Vec<UnitFigures>> {
        let (s, e) = (ms(start), ms(end));
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(
            "SELECT u.id, u.name, u.division_code, u.police_station_id, u.competent_department_id, u.is_key_unit,
               (SELECT COUNT(*) FROM hazards h WHERE h.unit_id = u.id AND h.created_at >= ",
        );
        qb.push_bind(s).push(" AND h.created_at < ").push_bind(e);
        qb.push(
            ") AS h_opened,
               (SELECT COUNT(*) FROM hazards h WHERE h.unit_id = u.id AND h.created_at >= ",
        );
        qb.push_bind(s).push(" AND h.created_at < ").push_bind(e);
        qb.push(" AND EXISTS (SELECT 1 FROM hazard_steps st WHERE st.hazard_id = h.id AND st.to_phase = 'closed' AND st.at < ")
            .push_bind(e);
        qb.push(
            ")) AS h_opened_closed,
               (SELECT COUNT(DISTINCT st.hazard_id) FROM hazard_steps st JOIN hazards h ON h.id = st.hazard_id
                 WHERE h.unit_id = u.id AND st.to_phase = 'closed' AND st.at >= ",
        );
        qb.push_bind(s).push(" AND st.at < ").push_bind(e);
        qb.push(
            ") AS h_closed,
               (SELECT COUNT(DISTINCT st.hazard_id) FROM hazard_steps st JOIN hazards h ON h.id = st.hazard_id
                 WHERE h.unit_id = u.id AND st.to_phase = 'overdue' AND st.from_phase <> 'overdue' AND st.at >= ",
        );
        qb.push_bind(s).push(" AND st.at < ").push_bind(e);
        qb.push(
            ") AS h_overdue,
               (SELECT COUNT(*) FROM filings fi WHERE fi.unit_id = u.id AND fi.due_on >= ",
        );
        qb.push_bind(from_day.to_string())
            .push(" AND fi.due_on <= ")
            .push_bind(to_day.to_string());
        qb.push(
            ") AS f_due,
               (SELECT COUNT(*) FROM filings fi WHERE fi.unit_id = u.id AND fi.due_on >= ",
        );
        qb.push_bind(from_day.to_string())
            .push(" AND fi.due_on <= ")
            .push_bind(to_day.to_string());
        qb.push(
            " AND fi.first_submitted_on IS NOT NULL AND fi.first_submitted_on <= fi.due_on) AS f_on_time,
               (SELECT COUNT(*) FROM alerts a WHERE a.unit_id = u.id AND a.first_seen >= ",
        );
        qb.push_bind(s).push(" AND a.first_seen < ").push_bind(e);
        qb.push(
            ") AS a_raised,
               (SELECT CAST(COALESCE(SUM(cr.points), 0) AS BIGINT) FROM credit_records cr WHERE cr.unit_id = u.id
                 AND cr.recorded_at < ",
        );
        qb.push_bind(e).push(" AND cr.expires_at > ").push_bind(e);
        qb.push(" AND (cr.withdrawn_at IS NULL OR cr.withdrawn_at > ")
            .push_bind(e);
        qb.push(")) AS deductions");
        // The latest signed safety assessment of the two-year cycle ending at the period's end (R32).
        for (col, alias) in [("total", "as_total"), ("grade", "as_grade")] {
            qb.push(format!(
                ", (SELECT a.{col} FROM assessments a WHERE a.unit_id = u.id AND a.state = 'signed' AND a.signed_at < "
            ))
            .push_bind(e)
            .push(" AND a.signed_at >= ")
            .push_bind(e - ASSESSMENT_CYCLE_MS)
            .push(format!(" ORDER BY a.signed_at DESC, a.id DESC LIMIT 1) AS {alias}"));
        }
        qb.push(" FROM units u WHERE 1=1");
        push_filter(&mut qb, scope, f);
        qb.push(" ORDER BY u.division_code, u.name, u.id");
        let rows = qb.build().fetch_all(&self.pool).await?;
        let mut units: Vec<UnitFigures> = rows
            .iter()
            .map(|r| UnitFigures {
                unit_id: r.get("id"),
                unit_name: r.get("name"),
                division_code: r.get("division_code"),
                police_station_id: r.get("police_station_id"),
                competent_department_id: r.get("competent_department_id"),
                is_key_unit: r.get("is_key_unit"),
                hazards_opened: r.get("h_opened"),
                hazards_opened_closed: r.get("h_opened_closed"),
                hazards_closed: r.get("h_closed"),
                hazards_overdue: r.get("h_overdue"),
                filings_due: r.get("f_due"),
                filings_on_time: r.get("f_on_time"),
                alerts_raised: r.get("a_raised"),
                ack_seconds: Vec::new(),
                credit_deductions: r.get("deductions"),
                assessment: r.get::<Option<f64>, _>("as_total").and_then(|t| {
                    r.get::<Option<&str>, _>("as_grade")
                        .and_then(AssessmentGrade::from_code)
                        .map(|g| (t, g))
                }),
            })
            .collect();
        // R24: the time to acknowledge of every alert of the period that was acknowledged.
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(
            "SELECT a.unit_id, a.acknowledged_at - a.first_seen AS waited FROM alerts a JOIN units u ON u.id = a.unit_id
             WHERE a.acknowledged_at IS NOT NULL AND a.first_seen >= ",
        );
        qb.push_bind(s).push(" AND a.first_seen < ").push_bind(e);
        push_filter(&mut qb, scope, f);
        let waits = qb.build().fetch_all(&self.pool).await?;
        let index: HashMap<String, usize> = units.iter().enumerate().map(|(i, u)| (u.unit_id.clone(), i)).collect();
        for r in &waits {
            let unit: String = r.get("unit_id");
            let waited: i64 = r.get("waited");
            if let Some(&i) = index.get(&unit) {
                units[i].ack_seconds.push(waited.max(0) as f64 / 1000.0);
            }
        }
        Ok(units)
    }

    async fn rollup_names(&self, division_codes: &[String], org_ids: &[String]) -> StoreResult<Vec<(String, String)>> {
        let mut out = Vec::new();
        if !division_codes.is_empty() {
            // Prefixes of 2 and 4 digits are the province and city codes padded with zeros.
            let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new("SELECT code, name FROM divisions WHERE code IN (");
            let mut sep = qb.separated(", ");
            for c in division_codes {
                sep.push_bind(format!("{c:0<6}"));
            }
            qb.push(")");
            for r in qb.build().fetch_all(&self.pool).await? {
                let code: String = r.get("code");
                let name: String = r.get("name");
                for c in division_codes.iter().filter(|c| format!("{c:0<6}") == code) {
                    out.push((c.clone(), name.clone()));
                }
            }
        }
        if !org_ids.is_empty() {
            let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new("SELECT id, name FROM organisations WHERE id IN (");
            let mut sep = qb.separated(", ");
            for id in org_ids {
                sep.push_bind(id.clone());
            }
            qb.push(")");
            for r in qb.build().fetch_all(&self.pool).await? {
                out.push((r.get("id"), r.get("name")));
            }
        }
        Ok(out)
    }
}

//! Helpers shared by the SQL backends. This file is compiled once per backend (see
//! `sqlite/mod.rs` and `postgres/mod.rs`), where `Db` names that backend's database type.

use chrono::{DateTime, TimeZone, Utc};
use neibao_domain::access::Scope;
use sqlx::QueryBuilder;

use sqlx::Row;

use super::db::{Db, DbRow};
use neibao_domain::paging::{Listing, Page, COUNT_CAP};

pub(crate) fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn from_ms(v: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(v).single().unwrap_or_default()
}

/// Appends ` AND <scope filter on units alias u>` to a query. Security-sensitive: this is the one
/// place where a [`Scope`] becomes SQL.
pub(crate) fn push_scope(qb: &mut QueryBuilder<'_, Db>, scope: &Scope) {
    match scope {
        Scope::All => {}
        Scope::Division { prefix } => {
            qb.push(" AND u.division_code LIKE ")
                .push_bind(format!("{}%", escape_like(prefix)))
                .push(" ESCAPE '\\'");
        }
        Scope::Station { org_id } => {
            qb.push(" AND u.police_station_id = ").push_bind(org_id.clone());
        }
        Scope::Department { org_id } => {
            qb.push(" AND u.competent_department_id = ").push_bind(org_id.clone());
        }
        Scope::Unit { unit_id } => {
            qb.push(" AND u.id = ").push_bind(unit_id.clone());
        }
        // A third-party assessor reaches its assigned units through the assessment capability
        // only ([`push_assessment_scope`]); everywhere else it reads nothing (deny by default).
        Scope::Assessor { .. } | Scope::Nothing => {
            qb.push(" AND 1=0");
        }
    }
}

/// What an assessment query filters (see [`push_assessment_scope`]).
#[derive(Debug, Clone, Copy)]
pub(crate) enum AssessmentReach<'a> {
    /// Units (alias `u`).
    Units,
    /// Assessments (alias given) of units aliased `u`.
    Assessments(&'a str),
    /// Assessment campaigns (alias given); other scopes are applied by the caller through the
    /// units the campaign concerns.
    Campaigns(&'a str),
}

/// Appends the scope of the assessment capability (docs/ASSESSMENT.md): every scope as
/// [`push_scope`], except a third-party assessor's (`Scope::Assessor`), which reaches the units
/// assigned to its organisation (`assessment_assignments`), only the assessments of the campaigns
/// they were assigned in, and only those campaigns. Security-sensitive: with [`push_scope`], the
/// one place a scope becomes SQL.
pub(crate) fn push_assessment_scope(qb: &mut QueryBuilder<'_, Db>, scope: &Scope, reach: AssessmentReach<'_>) {
    let Scope::Assessor { org_id } = scope else {
        if !matches!(reach, AssessmentReach::Campaigns(_)) {
            push_scope(qb, scope);
        }
        return;
    };
    match reach {
        AssessmentReach::Units => {
            qb.push(" AND u.id IN (SELECT aa.unit_id FROM assessment_assignments aa WHERE aa.org_id = ")
                .push_bind(org_id.clone())
                .push(")");
        }
        AssessmentReach::Assessments(a) => {
            qb.push(format!(
                " AND EXISTS (SELECT 1 FROM assessment_assignments aa WHERE aa.unit_id = u.id \
                 AND aa.campaign_id = {a}.campaign_id AND {a}.assessor = 'third_party' AND aa.org_id = "
            ))
            .push_bind(org_id.clone())
            .push(")");
        }
        AssessmentReach::Campaigns(c) => {
            qb.push(format!(
                " AND {c}.id IN (SELECT aa.campaign_id FROM assessment_assignments aa WHERE aa.org_id = "
            ))
            .push_bind(org_id.clone())
            .push(")");
        }
    }
}

pub(crate) fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Units a scope must cover to be listed by walking time-ordered rows rather than its units.
pub(crate) const WIDE_SCOPE_UNITS: i64 = 2_000;

/// An optional time column (milliseconds) as a time.
pub(crate) fn opt_ms(r: &DbRow, col: &str) -> Option<DateTime<Utc>> {
    r.get::<Option<i64>, _>(col).map(from_ms)
}

/// A JSON column, or `default` when it does not parse.
pub(crate) fn json_or<T: serde::de::DeserializeOwned>(s: &str, default: T) -> T {
    serde_json::from_str(s).unwrap_or(default)
}

/// One page of a list and its count (up to [`COUNT_CAP`]). `count_from` and `select` are SQL ending
/// in a `WHERE` condition so that `filters` can append `AND …` to both; `order` is the ORDER BY.
pub(crate) async fn paged<T>(
    pool: &sqlx::Pool<Db>,
    count_from: &str,
    select: &str,
    filters: impl Fn(&mut QueryBuilder<'_, Db>),
    order: &str,
    page: Page,
    map: impl Fn(&super::db::DbRow) -> T,
) -> crate::error::StoreResult<Listing<T>> {
    let mut count = QueryBuilder::new(format!("SELECT COUNT(*) FROM (SELECT 1 {count_from}"));
    filters(&mut count);
    count.push(" LIMIT ").push_bind(COUNT_CAP + 1).push(") capped");
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
    let mut qb = QueryBuilder::new(select);
    filters(&mut qb);
    qb.push(" ORDER BY ").push(order);
    qb.push(" LIMIT ")
        .push_bind(page.per_page as i64)
        .push(" OFFSET ")
        .push_bind(page.offset());
    let rows = qb.build().fetch_all(pool).await?;
    Ok(Listing {
        items: rows.iter().map(map).collect(),
        total: total.min(COUNT_CAP),
        total_capped: total > COUNT_CAP,
        page: page.page,
        per_page: page.per_page,
    })
}

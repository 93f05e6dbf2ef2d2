//! `neibao audit verify` and `neibao audit checkpoint`: the chain checked against anchors and
//! signed checkpoints kept outside the database (see `neibao_domain::audit`, modules `chain`
//! and `checkpoint`, and docs/SECURITY.md, "Audit log"). Security-sensitive.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context};
use neibao_domain::access::Principal;
use neibao_domain::audit::{Checkpoint, CHECKPOINT_KEY_MIN};
use neibao_engine::audit::{AuditReport, CheckpointLog};
use neibao_engine::Services;
use rand::RngCore;

/// Reads a checkpoint key file: its bytes with surrounding white space trimmed, at least
/// [`CHECKPOINT_KEY_MIN`] of them (a key made by [`create_checkpoint_key`] is 64 hex digits).
///
/// Errors: the file cannot be read, or the key is too short.
pub fn read_checkpoint_key(path: &Path) -> anyhow::Result<Vec<u8>> {
    let raw = std::fs::read(path).with_context(|| format!("无法读取检查点密钥 {}", path.display()))?;
    let key = raw.trim_ascii().to_vec();
    if key.len() < CHECKPOINT_KEY_MIN {
        bail!("检查点密钥 {} 太短：至少 {CHECKPOINT_KEY_MIN} 字节", path.display());
    }
    Ok(key)
}

/// Writes a new random checkpoint key (32 bytes, as 64 hex digits) to `path`, readable by its
/// owner only. Keep it where the database and the server's account cannot read it.
///
/// Errors: the file exists already (a key is never overwritten), or cannot be written.
pub fn create_checkpoint_key(path: &Path) -> anyhow::Result<()> {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts
        .open(path)
        .with_context(|| format!("无法创建检查点密钥 {}（已存在的密钥不会被覆盖）", path.display()))?;
    writeln!(f, "{}", hex::encode(bytes))?;
    f.sync_all()?;
    Ok(())
}

/// Signs the chain's current head with `key` and appends the checkpoint line to `log` (created
/// if absent, opened for appending only, synced before returning). Run it periodically (cron, a
/// systemd timer) under an account the server does not run as; put the log on append-only
/// storage (`chattr +a`, a remote log host).
///
/// Errors: the database, or the log cannot be written.
pub async fn audit_checkpoint(services: &Services, key: &[u8], log: &Path) -> anyhow::Result<Checkpoint> {
    let head = services.audit.head(&Principal::system("cli")).await?;
    let cp = Checkpoint::sign(
        key,
        head.last_seq,
        &head.last_hash,
        chrono::Utc::now().timestamp_millis(),
    );
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(log)
        .with_context(|| format!("无法写入检查点日志 {}", log.display()))?;
    writeln!(f, "{}", cp.line())?;
    f.sync_all()?;
    Ok(cp)
}

/// Walks the whole audit chain through the audit service, with the anchors (`SEQ:HASH`) and,
/// when given, the checkpoint log `log` signed with `key`.
///
/// Errors: a malformed anchor, an unreadable log, or the database.
pub async fn audit_verify_with(
    services: &Services,
    anchors: &[String],
    checkpoints: Option<(&[u8], &Path)>,
) -> anyhow::Result<AuditReport> {
    let text = match checkpoints {
        Some((_, log)) => {
            Some(std::fs::read_to_string(log).with_context(|| format!("无法读取检查点日志 {}", log.display()))?)
        }
        None => None,
    };
    let log = checkpoints
        .zip(text.as_deref())
        .map(|((key, _), log)| CheckpointLog { key, log });
    Ok(services.audit.verify(&Principal::system("cli"), anchors, log).await?)
}

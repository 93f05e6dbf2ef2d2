//! Inserts that run inside the transaction of a larger write: a hazard with its first step, an
//! inspection, a scheduled job, and the audit entry of the change.

use super::super::common::ms;
use super::super::db::{sql, Db};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use neibao_domain::audit::AuditEntry;
use neibao_domain::ids::new_id;
use neibao_domain::supervision::ladder::Case;
use neibao_domain::supervision::{NewHazard, NewInspection};

pub(super) type Tx = sqlx::Transaction<'static, Db>;

/// Appends the change's audit entry inside `tx`; on a create, `new_id` fills in an empty
/// `object_id`. A failed append is an internal error and fails the change with it.
pub(super) async fn audit_in(
    tx: &mut Tx,
    audit: &AuditEntry,
    new_id: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let mut e = audit.clone();
    if e.object_id.is_empty() {
        if let Some(id) = new_id {
            e.object_id = id.to_string();
        }
    }
    super::super::audit::append_in(tx, &e, now)
        .await
        .map_err(|err| StoreError::Other(anyhow::anyhow!("audit append for {} failed: {err}", e.action)))?;
    Ok(())
}

/// Inserts a hazard and its first step; the title and description go through the free-text
/// seal (docs/SECURITY.md, "Personal data in free text").
pub(crate) async fn insert_hazard(
    tx: &mut Tx,
    cipher: &crate::crypto::FieldCipher,
    h: &NewHazard,
    now: DateTime<Utc>,
) -> StoreResult<String> {
    let id = new_id();
    let (title, title_sealed) = cipher.seal_free_text("hazards", "title", &h.title);
    let (description, description_sealed) = cipher.seal_free_text("hazards", "description", &h.description);
    let case = Case::new();
    sqlx::query(&sql(
        "INSERT INTO hazards (id, unit_id, source, source_id, inspection_id, item_code, class, title, description, phase,
                              deadline, case_state, version, org_id, created_by, created_at, updated_at, title_sealed, description_sealed)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, 0, ?, ?, ?, ?, ?, ?)",
    ))
    .bind(&id)
    .bind(&h.unit_id)
    .bind(h.source.code())
    .bind(&h.source_id)
    .bind(&h.inspection_id)
    .bind(&h.item_code)
    .bind(h.class.code())
    .bind(&title)
    .bind(&description)
    .bind(case.phase.code())
    .bind(serde_json::to_string(&case).unwrap_or_default())
    .bind(&h.org_id)
    .bind(&h.created_by)
    .bind(ms(now))
    .bind(ms(now))
    .bind(&title_sealed)
    .bind(&description_sealed)
    .execute(&mut **tx)
    .await?;
    sqlx::query(&sql(
        "INSERT INTO hazard_steps (id, hazard_id, seq, action, from_phase, to_phase, actor_id, actor_name, at, reason, legal_basis, detail)
         VALUES (?, ?, 1, 'detect', 'detected', 'detected', NULL, ?, ?, ?, '', '{}')",
    ))
    .bind(new_id())
    .bind(&id)
    .bind(&h.created_by)
    .bind(ms(now))
    .bind(h.source.label_zh())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub(super) async fn insert_inspection(tx: &mut Tx, i: &NewInspection, now: DateTime<Utc>) -> StoreResult<String> {
    let id = new_id();
    sqlx::query(&sql(
        "INSERT INTO inspections (id, campaign_id, unit_id, checklist_id, kind, status, org_id, assignee_id, assignee_name,
                                  due_at, record, results, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'planned', ?, ?, ?, ?, '{}', '[]', ?, ?, ?)",
    ))
    .bind(&id)
    .bind(&i.campaign_id)
    .bind(&i.unit_id)
    .bind(&i.checklist_id)
    .bind(i.kind.code())
    .bind(&i.org_id)
    .bind(&i.assignee_id)
    .bind(&i.assignee_name)
    .bind(i.due_at.map(ms))
    .bind(&i.created_by)
    .bind(ms(now))
    .bind(ms(now))
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

//! SQL of video systems (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::audit::append_in;
use super::common::{from_ms, ms, paged, push_scope};
use super::db::{sql, Db, DbRow};
use super::registry::insert_history;
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::{actor_label, AuditEntry};
use neibao_domain::devices::DeviceFormat;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::registry::{change, NewHistory};
use neibao_domain::video::*;
use sqlx::{QueryBuilder, Row};

fn ids_of(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}

fn camera_from_row(r: &DbRow) -> Camera {
    let location = r
        .get::<Option<String>, _>("location_type")
        .and_then(|c| LocationType::from_code(&c));
    Camera {
        id: r.get("id"),
        name: r.get("name"),
        vendor: DeviceFormat::from_code(r.get::<&str, _>("format"))
            .map(|f| f.label_zh().to_string())
            .unwrap_or_default(),
        location_type: location.map(|l| l.code().to_string()),
        location_label: location.map(|l| l.label_zh()).unwrap_or("未登记").to_string(),
        prohibited: location.is_some_and(|l| l.prohibited()),
        view_note: r.get("view_note"),
        state: r.get("state"),
        version: r.get("version"),
    }
}

fn check_from_row(r: &DbRow) -> SignageCheck {
    SignageCheck {
        id: r.get("id"),
        group_id: r.get("group_id"),
        checked_on: r.get::<&str, _>("checked_on").parse().unwrap_or_default(),
        checked_by: r.get("checked_by"),
        present: r.get("present"),
        note: r.get("note"),
        photo_id: r.get("photo_id"),
        created_at: from_ms(r.get("created_at")),
    }
}

fn retrieval_from_row(r: &DbRow) -> Retrieval {
    Retrieval {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        action: r.get("action"),
        reason: r.get("reason"),
        camera_ids: ids_of(r.get("camera_ids")),
        footage_from: from_ms(r.get("footage_from")),
        footage_to: from_ms(r.get("footage_to")),
        requester_unit: r.get("requester_unit"),
        requester_name: r.get("requester_name"),
        approver: r.get("approver"),
        recorded_by: r.get("recorded_by"),
        recorded_at: from_ms(r.get("recorded_at")),
    }
}

fn system_from_row(unit_id: &str, r: Option<&DbRow>) -> VideoSystem {
    match r {
        None => VideoSystem {
            unit_id: unit_id.to_string(),
            commissioned_on: None,
            storage_days: None,
            version: 0,
            updated_by: None,
            updated_at: None,
        },
        Some(r) => VideoSystem {
            unit_id: unit_id.to_string(),
            commissioned_on: r
                .get::<Option<String>, _>("commissioned_on")
                .and_then(|d| d.parse().ok()),
            storage_days: r.get("storage_days"),
            version: r.get("version"),
            updated_by: Some(r.get("updated_by")),
            updated_at: Some(from_ms(r.get("updated_at"))),
        },
    }
}

const CHECK_SELECT: &str = "SELECT c.*, (SELECT a.id FROM attachments a WHERE a.owner_kind = 'video_signage' \
     AND a.owner_id = c.id ORDER BY a.created_at DESC LIMIT 1) AS photo_id FROM video_signage_checks c";

/// Refuses a change to a unit outside the scope (not found) or closed (注销).
async fn open_unit(tx: &mut sqlx::Transaction<'static, Db>, scope: &Scope, unit_id: &str) -> StoreResult<()> {
    let mut qb = QueryBuilder::new("SELECT u.state FROM units u WHERE u.id = ");
    qb.push_bind(unit_id.to_string());
    push_scope(&mut qb, scope);
    let state: String = qb
        .build_query_scalar()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    if state == "closed" {
        return Err(DomainError::with_message(
            ErrorCode::InvalidTransition,
            "单位已注销，其视频图像信息系统记录只能查看，不能再登记",
        )
        .into());
    }
    Ok(())
}

fn with_object(audit: &AuditEntry, id: &str, unit_id: &str) -> AuditEntry {
    let mut a = audit.clone();
    if a.object_id.is_empty() {
        a.object_id = id.to_string();
    }
    if a.unit_id.is_none() {
        a.unit_id = Some(unit_id.to_string());
    }
    a
}

#[async_trait]
impl VideoRepo for Backend {
    async fn video_register(&self, scope: &Scope, unit_id: &str, since: DateTime<Utc>) -> StoreResult<VideoRegister> {
        let unit = self.get_unit(scope, unit_id).await?;
        let cameras = sqlx::query(&sql(
            "SELECT id, name, format, location_type, view_note, state, version FROM devices \
             WHERE unit_id = ? AND kind = 'camera' AND state <> 'closed' ORDER BY name, id",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(camera_from_row)
        .collect();
        let nvrs: i64 = sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM devices WHERE unit_id = ? AND kind = 'nvr' AND state <> 'closed'",
        ))
        .bind(unit_id)
        .fetch_one(&self.pool)
        .await?;
        let system = sqlx::query(&sql("SELECT * FROM video_systems WHERE unit_id = ?"))
            .bind(unit_id)
            .fetch_optional(&self.pool)
            .await?;
        let checks: Vec<SignageCheck> = sqlx::query(&sql(&format!(
            "{CHECK_SELECT} JOIN video_signage_groups g ON g.id = c.group_id WHERE g.unit_id = ? \
             ORDER BY c.checked_on DESC, c.created_at DESC"
        )))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(check_from_row)
        .collect();
        let groups = sqlx::query(&sql(
            "SELECT * FROM video_signage_groups WHERE unit_id = ? ORDER BY name, id",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let id: String = r.get("id");
            SignageGroup {
                checks: checks.iter().filter(|c| c.group_id == id).cloned().collect(),
                id,
                unit_id: r.get("unit_id"),
                name: r.get("name"),
                camera_ids: ids_of(r.get("camera_ids")),
                created_by: r.get("created_by"),
                created_at: from_ms(r.get("created_at")),
            }
        })
        .collect();
        let retrievals_since: i64 = sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM video_retrievals WHERE unit_id = ? AND recorded_at >= ?",
        ))
        .bind(unit_id)
        .bind(ms(since))
        .fetch_one(&self.pool)
        .await?;
        Ok(VideoRegister {
            unit_name: unit.name,
            uscc: unit.uscc,
            address: unit.address,
            division_code: unit.division_code,
            cameras,
            nvrs,
            system: system_from_row(unit_id, system.as_ref()),
            groups,
            retrievals_since,
        })
    }

    async fn set_camera_placement(
        &self,
        scope: &Scope,
        device_id: &str,
        version: i64,
        location_type: Option<LocationType>,
        view_note: Option<&str>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let mut qb = QueryBuilder::new(
            "SELECT dv.version, dv.state, dv.unit_id, dv.name, dv.location_type, dv.view_note FROM devices dv \
             JOIN units u ON u.id = dv.unit_id WHERE dv.kind = 'camera' AND dv.id = ",
        );
        qb.push_bind(device_id.to_string());
        push_scope(&mut qb, scope);
        let row = qb.build().fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
        let (current, state, unit_id): (i64, String, String) =
            (row.get("version"), row.get("state"), row.get("unit_id"));
        if state == "closed" {
            return Err(DomainError::with_message(ErrorCode::InvalidTransition, "摄像机已注销，不能再修改").into());
        }
        if current != version {
            return Err(
                DomainError::with_message(ErrorCode::VersionConflict, "该摄像机已被他人修改，请刷新后重试").into(),
            );
        }
        sqlx::query(&sql(
            "UPDATE devices SET location_type = ?, view_note = ?, version = version + 1 WHERE id = ? AND version = ?",
        ))
        .bind(location_type.map(|l| l.code()))
        .bind(view_note)
        .bind(device_id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        // The unit's change history (变更记录), in the same transaction.
        let label = |c: Option<String>| {
            c.as_deref()
                .and_then(LocationType::from_code)
                .map_or("未登记", |l| l.label_zh())
                .to_string()
        };
        let before = label(row.get("location_type"));
        let after = label(location_type.map(|l| l.code().to_string()));
        let mut changes = Vec::new();
        changes.extend(change("安装位置类型", &before, &after));
        let old_note: Option<String> = row.get("view_note");
        if old_note.as_deref().unwrap_or("") != view_note.unwrap_or("") {
            changes.push("更新了监控范围说明".to_string());
        }
        let name: String = row.get("name");
        let sentence = if changes.is_empty() {
            format!(
                "{} 保存了摄像机「{name}」的安装位置（无变化）",
                actor_label(&audit.actor_name)
            )
        } else {
            format!(
                "{} 修改摄像机「{name}」：{}",
                actor_label(&audit.actor_name),
                changes.join("；")
            )
        };
        let history = NewHistory {
            action: "update".into(),
            actor_id: audit.actor_id.clone(),
            actor_name: audit.actor_name.clone(),
            sentence,
        };
        insert_history(&mut tx, &unit_id, "device", device_id, version + 1, &history, now).await?;
        append_in(&mut tx, &with_object(audit, device_id, &unit_id), now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_video_system(
        &self,
        scope: &Scope,
        unit_id: &str,
        version: i64,
        commissioned_on: Option<NaiveDate>,
        storage_days: Option<i64>,
        by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<VideoSystem> {
        let mut tx = self.begin_write().await?;
        open_unit(&mut tx, scope, unit_id).await?;
        let current: Option<i64> = sqlx::query_scalar(&sql("SELECT version FROM video_systems WHERE unit_id = ?"))
            .bind(unit_id)
            .fetch_optional(&mut *tx)
            .await?;
        if current.unwrap_or(0) != version {
            return Err(DomainError::with_message(
                ErrorCode::VersionConflict,
                "视频图像信息系统登记已被他人修改，请刷新后重试",
            )
            .into());
        }
        let on = commissioned_on.map(|d| d.to_string());
        if current.is_none() {
            sqlx::query(&sql(
                "INSERT INTO video_systems (unit_id, commissioned_on, storage_days, version, updated_by, updated_at) VALUES (?, ?, ?, 1, ?, ?)",
            ))
            .bind(unit_id)
            .bind(&on)
            .bind(storage_days)
            .bind(by)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query(&sql(
                "UPDATE video_systems SET commissioned_on = ?, storage_days = ?, version = version + 1, updated_by = ?, updated_at = ? WHERE unit_id = ? AND version = ?",
            ))
            .bind(&on)
            .bind(storage_days)
            .bind(by)
            .bind(ms(now))
            .bind(unit_id)
            .bind(version)
            .execute(&mut *tx)
            .await?;
        }
        append_in(&mut tx, &with_object(audit, unit_id, unit_id), now).await?;
        tx.commit().await?;
        Ok(VideoSystem {
            unit_id: unit_id.to_string(),
            commissioned_on,
            storage_days,
            version: version + 1,
            updated_by: Some(by.to_string()),
            updated_at: Some(from_ms(ms(now))),
        })
    }

    async fn add_signage_group(
        &self,
        scope: &Scope,
        unit_id: &str,
        name: &str,
        camera_ids: &[String],
        by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<SignageGroup> {
        let id = new_id();
        let mut tx = self.begin_write().await?;
        open_unit(&mut tx, scope, unit_id).await?;
        sqlx::query(&sql(
            "INSERT INTO video_signage_groups (id, unit_id, name, camera_ids, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        ))
        .bind(&id)
        .bind(unit_id)
        .bind(name)
        .bind(serde_json::json!(camera_ids).to_string())
        .bind(by)
        .bind(ms(now))
        .execute(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => {
                DomainError::with_message(ErrorCode::Conflict, format!("本单位已有名为「{name}」的提示标识分组")).into()
            }
            other => other,
        })?;
        append_in(&mut tx, &with_object(audit, &id, unit_id), now).await?;
        tx.commit().await?;
        Ok(SignageGroup {
            id,
            unit_id: unit_id.to_string(),
            name: name.to_string(),
            camera_ids: camera_ids.to_vec(),
            created_by: by.to_string(),
            created_at: from_ms(ms(now)),
            checks: vec![],
        })
    }

    async fn add_signage_check(
        &self,
        scope: &Scope,
        group_id: &str,
        checked_on: NaiveDate,
        checked_by: &str,
        present: bool,
        note: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<SignageCheck> {
        let unit_id: String = sqlx::query_scalar(&sql("SELECT unit_id FROM video_signage_groups WHERE id = ?"))
            .bind(group_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let id = new_id();
        let mut tx = self.begin_write().await?;
        open_unit(&mut tx, scope, &unit_id).await?;
        sqlx::query(&sql(
            "INSERT INTO video_signage_checks (id, group_id, checked_on, checked_by, present, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&id)
        .bind(group_id)
        .bind(checked_on.to_string())
        .bind(checked_by)
        .bind(present)
        .bind(note)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &with_object(audit, &id, &unit_id), now).await?;
        tx.commit().await?;
        Ok(SignageCheck {
            id,
            group_id: group_id.to_string(),
            checked_on,
            checked_by: checked_by.to_string(),
            present,
            note: note.to_string(),
            photo_id: None,
            created_at: from_ms(ms(now)),
        })
    }

    async fn signage_check_unit(&self, scope: &Scope, check_id: &str) -> StoreResult<String> {
        let mut qb = QueryBuilder::new(
            "SELECT u.id FROM video_signage_checks c JOIN video_signage_groups g ON g.id = c.group_id \
             JOIN units u ON u.id = g.unit_id WHERE c.id = ",
        );
        qb.push_bind(check_id.to_string());
        push_scope(&mut qb, scope);
        qb.build_query_scalar::<String>()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn add_retrieval(
        &self,
        scope: &Scope,
        r: &NewRetrieval,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Retrieval> {
        let id = new_id();
        let mut tx = self.begin_write().await?;
        open_unit(&mut tx, scope, &r.unit_id).await?;
        let ids = serde_json::json!(r.camera_ids).to_string();
        sqlx::query(&sql(
            "INSERT INTO video_retrievals (id, unit_id, action, reason, camera_ids, footage_from, footage_to, requester_unit, requester_name, approver, recorded_by, recorded_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&id)
        .bind(&r.unit_id)
        .bind(&r.action)
        .bind(&r.reason)
        .bind(&ids)
        .bind(ms(r.footage_from))
        .bind(ms(r.footage_to))
        .bind(&r.requester_unit)
        .bind(&r.requester_name)
        .bind(&r.approver)
        .bind(&r.recorded_by)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &with_object(audit, &id, &r.unit_id), now).await?;
        tx.commit().await?;
        Ok(Retrieval {
            id,
            unit_id: r.unit_id.clone(),
            action: r.action.clone(),
            reason: r.reason.clone(),
            camera_ids: r.camera_ids.clone(),
            footage_from: from_ms(ms(r.footage_from)),
            footage_to: from_ms(ms(r.footage_to)),
            requester_unit: r.requester_unit.clone(),
            requester_name: r.requester_name.clone(),
            approver: r.approver.clone(),
            recorded_by: r.recorded_by.clone(),
            recorded_at: from_ms(ms(now)),
        })
    }

    async fn list_retrievals(&self, scope: &Scope, unit_id: &str, page: Page) -> StoreResult<Listing<Retrieval>> {
        self.get_unit(scope, unit_id).await?;
        let unit = unit_id.to_string();
        paged(
            &self.pool,
            "FROM video_retrievals r WHERE 1=1",
            "SELECT r.* FROM video_retrievals r WHERE 1=1",
            |qb| {
                qb.push(" AND r.unit_id = ").push_bind(unit.clone());
            },
            "r.recorded_at DESC, r.id DESC",
            page,
            retrieval_from_row,
        )
        .await
    }
}

//! SQL of protective equipment (compiled once per backend: see `crate::sqlite` and
//! `crate::postgres`).

use super::audit::append_in;
use super::common::{from_ms, ms, push_scope};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::equipment::*;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::ids::new_id;
use neibao_domain::jobs::NewJob;
use sqlx::{QueryBuilder, Row};

type Tx = sqlx::Transaction<'static, Db>;

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap_or_default()
}

const POST_SELECT: &str = "SELECT p.*, k.name AS key_area_name FROM equipment_posts p \
     JOIN units u ON u.id = p.unit_id LEFT JOIN key_areas k ON k.id = p.key_area_id WHERE ";

fn post_from_row(r: &DbRow) -> Post {
    Post {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        name: r.get("name"),
        location: r.get("location"),
        kind: PostKind::from_code(r.get::<&str, _>("kind")).unwrap_or(PostKind::Other),
        key_area_id: r.get("key_area_id"),
        key_area_name: r.get("key_area_name"),
        version: r.get("version"),
        created_at: from_ms(r.get("created_at")),
    }
}

fn item_from_row(r: &DbRow) -> Item {
    Item {
        id: r.get("id"),
        post_id: r.get("post_id"),
        unit_id: r.get("unit_id"),
        item_type: ItemType::from_code(r.get::<&str, _>("item_type")).unwrap_or(ItemType::Other),
        quantity: r.get("quantity"),
        purchased_on: date(r.get::<&str, _>("purchased_on")),
        expires_on: r.get::<Option<&str>, _>("expires_on").map(date),
        note: r.get("note"),
        version: r.get("version"),
        updated_at: from_ms(r.get("updated_at")),
        last_check: None,
    }
}

fn check_from_row(r: &DbRow) -> Check {
    Check {
        id: r.get("id"),
        item_id: r.get("item_id"),
        unit_id: r.get("unit_id"),
        checked_on: date(r.get::<&str, _>("checked_on")),
        checked_at: from_ms(r.get("checked_at")),
        checker_name: r.get("checker_name"),
        result: CheckResult::from_code(r.get::<&str, _>("result")).unwrap_or(CheckResult::Good),
        note: r.get("note"),
        photo_id: r.get("photo_id"),
    }
}

fn standard_from_row(r: &DbRow) -> Standard {
    Standard {
        id: r.get("id"),
        name: r.get("name"),
        applies_to: r.get("applies_to"),
        post_kind: r.get::<Option<&str>, _>("post_kind").and_then(PostKind::from_code),
        items: serde_json::from_str(r.get::<&str, _>("items")).unwrap_or_default(),
        source: r.get("source"),
        version: r.get("version"),
        updated_at: from_ms(r.get("updated_at")),
    }
}

/// A check's columns with its photo: the latest attachment of owner kind `equipment`.
const CHECK_COLUMNS: &str =
    "c.id, c.item_id, c.unit_id, c.checked_on, c.checked_at, c.checker_name, c.result, c.note, \
     (SELECT a.id FROM attachments a WHERE a.owner_kind = 'equipment' AND a.owner_id = c.id \
      ORDER BY a.created_at DESC, a.id DESC LIMIT 1) AS photo_id";

/// The items of a unit (or of one item) with their last checks.
async fn items_where<'e, E>(exec: E, column: &str, value: &str) -> StoreResult<Vec<Item>>
where
    E: sqlx::Executor<'e, Database = Db> + Copy,
{
    let mut items: Vec<Item> = sqlx::query(&sql(&format!(
        "SELECT * FROM equipment_items WHERE {column} = ? ORDER BY item_type, purchased_on, id"
    )))
    .bind(value)
    .fetch_all(exec)
    .await?
    .iter()
    .map(item_from_row)
    .collect();
    let checks: Vec<Check> = sqlx::query(&sql(&format!(
        "SELECT {CHECK_COLUMNS} FROM equipment_checks c JOIN equipment_items i ON i.id = c.item_id \
         WHERE i.{column} = ? AND c.id = (SELECT c2.id FROM equipment_checks c2 WHERE c2.item_id = c.item_id \
         ORDER BY c2.checked_at DESC, c2.id DESC LIMIT 1)"
    )))
    .bind(value)
    .fetch_all(exec)
    .await?
    .iter()
    .map(check_from_row)
    .collect();
    for i in items.iter_mut() {
        i.last_check = checks.iter().find(|c| c.item_id == i.id).cloned();
    }
    Ok(items)
}

/// The unit's name and state in scope; `NotFound` outside it.
async fn unit_row<'e, E>(exec: E, scope: &Scope, unit_id: &str) -> StoreResult<DbRow>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let mut qb = QueryBuilder::new(
        "SELECT u.id, u.name, u.state, u.division_code, u.is_key_unit, u.key_unit_category, u.is_university, \
         u.is_counter_terror_target FROM units u WHERE u.id = ",
    );
    qb.push_bind(unit_id.to_string());
    push_scope(&mut qb, scope);
    qb.build().fetch_optional(exec).await?.ok_or(StoreError::NotFound)
}

fn facts_of(r: &DbRow) -> UnitFacts {
    UnitFacts {
        is_key_unit: r.get("is_key_unit"),
        key_unit_category: r.get::<Option<i64>, _>("key_unit_category").map(|c| c as u8),
        is_university: r.get("is_university"),
        is_counter_terror_target: r.get("is_counter_terror_target"),
    }
}

/// Refuses a change to a closed unit; `NotFound` outside the scope.
async fn open_unit(tx: &mut Tx, scope: &Scope, unit_id: &str) -> StoreResult<()> {
    let row = unit_row(&mut **tx, scope, unit_id).await?;
    if row.get::<&str, _>("state") == "closed" {
        return Err(DomainError::with_message(
            ErrorCode::InvalidTransition,
            "单位已注销，其防护器械记录只能查看，不能再修改",
        )
        .into());
    }
    Ok(())
}

async fn post_in(tx: &mut Tx, scope: &Scope, id: &str) -> StoreResult<Post> {
    let mut qb = QueryBuilder::new(POST_SELECT);
    qb.push("p.id = ").push_bind(id.to_string());
    push_scope(&mut qb, scope);
    let row = qb
        .build()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(post_from_row(&row))
}

async fn item_in(tx: &mut Tx, scope: &Scope, id: &str) -> StoreResult<Item> {
    let mut qb = QueryBuilder::new("SELECT i.* FROM equipment_items i JOIN units u ON u.id = i.unit_id WHERE i.id = ");
    qb.push_bind(id.to_string());
    push_scope(&mut qb, scope);
    let row = qb
        .build()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut item = item_from_row(&row);
    item.last_check = sqlx::query(&sql(&format!(
        "SELECT {CHECK_COLUMNS} FROM equipment_checks c WHERE c.item_id = ? ORDER BY c.checked_at DESC, c.id DESC LIMIT 1"
    )))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .map(|r| check_from_row(&r));
    Ok(item)
}

/// Refuses a key area that is not the unit's.
async fn key_area_of(tx: &mut Tx, unit_id: &str, key_area_id: Option<&str>) -> StoreResult<()> {
    let Some(k) = key_area_id else { return Ok(()) };
    let found: Option<String> = sqlx::query_scalar(&sql("SELECT id FROM key_areas WHERE id = ? AND unit_id = ?"))
        .bind(k)
        .bind(unit_id)
        .fetch_optional(&mut **tx)
        .await?;
    if found.is_none() {
        return Err(DomainError::with_message(ErrorCode::ValidationFailed, "所选重要部位不属于本单位").into());
    }
    Ok(())
}

fn with_unit(audit: &AuditEntry, object_id: &str, unit_id: &str) -> AuditEntry {
    let mut a = audit.clone();
    if a.object_id.is_empty() {
        a.object_id = object_id.to_string();
    }
    if a.unit_id.is_none() {
        a.unit_id = Some(unit_id.to_string());
    }
    a
}

async fn history_in(
    tx: &mut Tx,
    item_id: &str,
    actor: &str,
    action: &str,
    detail: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(&sql(
        "INSERT INTO equipment_history (id, item_id, at, actor_name, action, detail) VALUES (?, ?, ?, ?, ?, ?)",
    ))
    .bind(new_id())
    .bind(item_id)
    .bind(ms(now))
    .bind(actor)
    .bind(action)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn describe(f: &ItemFields) -> String {
    format!(
        "{} {} 件，购置 {}{}",
        f.item_type.label_zh(),
        f.quantity,
        f.purchased_on,
        f.expires_on.map(|e| format!("，有效期至 {e}")).unwrap_or_default()
    )
}

fn changes(old: &Item, f: &ItemFields) -> String {
    let mut c = Vec::new();
    if old.item_type != f.item_type {
        c.push(format!(
            "类型 {} → {}",
            old.item_type.label_zh(),
            f.item_type.label_zh()
        ));
    }
    if old.quantity != f.quantity {
        c.push(format!("数量 {} → {}", old.quantity, f.quantity));
    }
    if old.purchased_on != f.purchased_on {
        c.push(format!("购置日期 {} → {}", old.purchased_on, f.purchased_on));
    }
    if old.expires_on != f.expires_on {
        let d = |x: Option<NaiveDate>| x.map(|d| d.to_string()).unwrap_or_else(|| "无".into());
        c.push(format!("有效期至 {} → {}", d(old.expires_on), d(f.expires_on)));
    }
    if old.note != f.note {
        c.push("备注已修改".into());
    }
    if c.is_empty() {
        "未改变".into()
    } else {
        c.join("；")
    }
}

async fn unit_data(pool: &sqlx::Pool<Db>, row: &DbRow) -> StoreResult<UnitEquipmentData> {
    let unit_id: String = row.get("id");
    let posts = sqlx::query(&sql(
        "SELECT p.*, k.name AS key_area_name FROM equipment_posts p LEFT JOIN key_areas k ON k.id = p.key_area_id \
         WHERE p.unit_id = ? ORDER BY p.name, p.id",
    ))
    .bind(&unit_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(post_from_row)
    .collect();
    let items = items_where(pool, "unit_id", &unit_id).await?;
    Ok(UnitEquipmentData {
        unit_name: row.get("name"),
        division_code: row.get("division_code"),
        facts: facts_of(row),
        unit_id,
        posts,
        items,
    })
}

#[async_trait]
impl EquipmentRepo for Backend {
    async fn equipment_unit(&self, scope: &Scope, unit_id: &str) -> StoreResult<UnitEquipmentData> {
        let row = unit_row(&self.pool, scope, unit_id).await?;
        unit_data(&self.pool, &row).await
    }

    async fn equipment_units(&self, scope: &Scope) -> StoreResult<Vec<UnitEquipmentData>> {
        let mut qb = QueryBuilder::new(
            "SELECT u.id, u.name, u.state, u.division_code, u.is_key_unit, u.key_unit_category, u.is_university, \
             u.is_counter_terror_target FROM units u WHERE u.state <> 'closed' \
             AND EXISTS (SELECT 1 FROM equipment_posts p WHERE p.unit_id = u.id)",
        );
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY u.division_code, u.name, u.id");
        let rows = qb.build().fetch_all(&self.pool).await?;
        let mut out = Vec::new();
        for r in &rows {
            out.push(unit_data(&self.pool, r).await?);
        }
        Ok(out)
    }

    async fn equipment_post(&self, scope: &Scope, id: &str) -> StoreResult<Option<Post>> {
        let mut qb = QueryBuilder::new(POST_SELECT);
        qb.push("p.id = ").push_bind(id.to_string());
        push_scope(&mut qb, scope);
        Ok(qb.build().fetch_optional(&self.pool).await?.map(|r| post_from_row(&r)))
    }

    async fn create_equipment_post(&self, scope: &Scope, p: &NewPost, audit: &AuditEntry) -> StoreResult<Post> {
        let mut tx = self.begin_write().await?;
        open_unit(&mut tx, scope, &p.unit_id).await?;
        key_area_of(&mut tx, &p.unit_id, p.key_area_id.as_deref()).await?;
        sqlx::query(&sql(
            "INSERT INTO equipment_posts (id, unit_id, name, location, kind, key_area_id, version, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
        ))
        .bind(&p.id)
        .bind(&p.unit_id)
        .bind(&p.name)
        .bind(&p.location)
        .bind(p.kind.code())
        .bind(&p.key_area_id)
        .bind(ms(p.at))
        .bind(ms(p.at))
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &with_unit(audit, &p.id, &p.unit_id), p.at).await?;
        let post = post_in(&mut tx, scope, &p.id).await?;
        tx.commit().await?;
        Ok(post)
    }

    async fn update_equipment_post(
        &self,
        scope: &Scope,
        p: &NewPost,
        version: i64,
        audit: &AuditEntry,
    ) -> StoreResult<Post> {
        let mut tx = self.begin_write().await?;
        let current = post_in(&mut tx, scope, &p.id).await?;
        open_unit(&mut tx, scope, &current.unit_id).await?;
        key_area_of(&mut tx, &current.unit_id, p.key_area_id.as_deref()).await?;
        let changed = sqlx::query(&sql(
            "UPDATE equipment_posts SET name = ?, location = ?, kind = ?, key_area_id = ?, version = version + 1, \
             updated_at = ? WHERE id = ? AND version = ?",
        ))
        .bind(&p.name)
        .bind(&p.location)
        .bind(p.kind.code())
        .bind(&p.key_area_id)
        .bind(ms(p.at))
        .bind(&p.id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(
                DomainError::with_message(ErrorCode::VersionConflict, "岗位已被他人修改，请刷新后重新填写").into(),
            );
        }
        append_in(&mut tx, &with_unit(audit, &p.id, &current.unit_id), p.at).await?;
        let post = post_in(&mut tx, scope, &p.id).await?;
        tx.commit().await?;
        Ok(post)
    }

    async fn equipment_item(&self, scope: &Scope, id: &str) -> StoreResult<Option<Item>> {
        let mut tx = self.pool.begin().await?;
        let r = match item_in(&mut tx, scope, id).await {
            Ok(i) => Some(i),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e),
        };
        tx.rollback().await?;
        Ok(r)
    }

    async fn add_equipment_item(
        &self,
        scope: &Scope,
        id: &str,
        post_id: &str,
        f: &ItemFields,
        actor: &str,
        job: Option<&NewJob>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Item> {
        let mut tx = self.begin_write().await?;
        let post = post_in(&mut tx, scope, post_id).await?;
        open_unit(&mut tx, scope, &post.unit_id).await?;
        sqlx::query(&sql(
            "INSERT INTO equipment_items (id, post_id, unit_id, item_type, quantity, purchased_on, expires_on, note, \
             version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
        ))
        .bind(id)
        .bind(post_id)
        .bind(&post.unit_id)
        .bind(f.item_type.code())
        .bind(f.quantity)
        .bind(f.purchased_on.to_string())
        .bind(f.expires_on.map(|d| d.to_string()))
        .bind(&f.note)
        .bind(ms(now))
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        history_in(&mut tx, id, actor, "add", &describe(f), now).await?;
        if let Some(job) = job {
            super::jobs::insert_in(&mut tx, job, now).await?;
        }
        append_in(&mut tx, &with_unit(audit, id, &post.unit_id), now).await?;
        let item = item_in(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(item)
    }

    async fn update_equipment_item(
        &self,
        scope: &Scope,
        id: &str,
        version: i64,
        f: &ItemFields,
        actor: &str,
        job: Option<&NewJob>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Item> {
        let mut tx = self.begin_write().await?;
        let old = item_in(&mut tx, scope, id).await?;
        open_unit(&mut tx, scope, &old.unit_id).await?;
        let changed = sqlx::query(&sql(
            "UPDATE equipment_items SET item_type = ?, quantity = ?, purchased_on = ?, expires_on = ?, note = ?, \
             version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
        ))
        .bind(f.item_type.code())
        .bind(f.quantity)
        .bind(f.purchased_on.to_string())
        .bind(f.expires_on.map(|d| d.to_string()))
        .bind(&f.note)
        .bind(ms(now))
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(DomainError::with_message(
                ErrorCode::VersionConflict,
                "防护器械记录已被他人修改，请刷新后重新填写",
            )
            .into());
        }
        history_in(&mut tx, id, actor, "update", &changes(&old, f), now).await?;
        if let Some(job) = job {
            super::jobs::insert_in(&mut tx, job, now).await?;
        }
        append_in(&mut tx, &with_unit(audit, id, &old.unit_id), now).await?;
        let item = item_in(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(item)
    }

    async fn equipment_history(&self, scope: &Scope, item_id: &str) -> StoreResult<Vec<ItemHistory>> {
        if self.equipment_item(scope, item_id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        Ok(sqlx::query(&sql(
            "SELECT at, actor_name, action, detail FROM equipment_history WHERE item_id = ? ORDER BY at, id",
        ))
        .bind(item_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| ItemHistory {
            at: from_ms(r.get("at")),
            actor_name: r.get("actor_name"),
            action: r.get("action"),
            detail: r.get("detail"),
        })
        .collect())
    }

    async fn add_equipment_check(&self, scope: &Scope, c: &NewCheck, audit: &AuditEntry) -> StoreResult<Check> {
        let mut tx = self.begin_write().await?;
        let item = item_in(&mut tx, scope, &c.item_id).await?;
        open_unit(&mut tx, scope, &item.unit_id).await?;
        sqlx::query(&sql(
            "INSERT INTO equipment_checks (id, item_id, unit_id, checked_on, checked_at, checker_name, result, note) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&c.id)
        .bind(&c.item_id)
        .bind(&item.unit_id)
        .bind(c.checked_on.to_string())
        .bind(ms(c.at))
        .bind(&c.checker_name)
        .bind(c.result.code())
        .bind(&c.note)
        .execute(&mut *tx)
        .await?;
        let detail = format!("{} 检查：{}", c.checked_on, c.result.label_zh());
        history_in(&mut tx, &c.item_id, &c.checker_name, "check", &detail, c.at).await?;
        append_in(&mut tx, &with_unit(audit, &c.item_id, &item.unit_id), c.at).await?;
        tx.commit().await?;
        Ok(Check {
            id: c.id.clone(),
            item_id: c.item_id.clone(),
            unit_id: item.unit_id,
            checked_on: c.checked_on,
            checked_at: from_ms(ms(c.at)),
            checker_name: c.checker_name.clone(),
            result: c.result,
            note: c.note.clone(),
            photo_id: None,
        })
    }

    async fn equipment_check(&self, scope: &Scope, id: &str) -> StoreResult<Option<Check>> {
        let mut qb = QueryBuilder::new(format!(
            "SELECT {CHECK_COLUMNS} FROM equipment_checks c JOIN units u ON u.id = c.unit_id WHERE c.id = "
        ));
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        Ok(qb.build().fetch_optional(&self.pool).await?.map(|r| check_from_row(&r)))
    }

    async fn equipment_standards(&self) -> StoreResult<Vec<Standard>> {
        Ok(sqlx::query(&sql("SELECT * FROM equipment_standards ORDER BY name, id"))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(standard_from_row)
            .collect())
    }

    async fn save_equipment_standard(
        &self,
        s: &Standard,
        version: Option<i64>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Standard> {
        let mut tx = self.begin_write().await?;
        let items = serde_json::to_string(&s.items).unwrap_or_else(|_| "[]".into());
        match version {
            None => {
                sqlx::query(&sql(
                    "INSERT INTO equipment_standards (id, name, applies_to, post_kind, items, source, version, updated_at) \
                     VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
                ))
                .bind(&s.id)
                .bind(&s.name)
                .bind(&s.applies_to)
                .bind(s.post_kind.map(|k| k.code()))
                .bind(&items)
                .bind(&s.source)
                .bind(ms(now))
                .execute(&mut *tx)
                .await?;
            }
            Some(v) => {
                let exists: Option<String> =
                    sqlx::query_scalar(&sql("SELECT id FROM equipment_standards WHERE id = ?"))
                        .bind(&s.id)
                        .fetch_optional(&mut *tx)
                        .await?;
                if exists.is_none() {
                    return Err(StoreError::NotFound);
                }
                let changed = sqlx::query(&sql(
                    "UPDATE equipment_standards SET name = ?, applies_to = ?, post_kind = ?, items = ?, source = ?, \
                     version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
                ))
                .bind(&s.name)
                .bind(&s.applies_to)
                .bind(s.post_kind.map(|k| k.code()))
                .bind(&items)
                .bind(&s.source)
                .bind(ms(now))
                .bind(&s.id)
                .bind(v)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed == 0 {
                    return Err(DomainError::with_message(
                        ErrorCode::VersionConflict,
                        "最低配备标准已被他人修改，请刷新后重新填写",
                    )
                    .into());
                }
            }
        }
        let mut a = audit.clone();
        if a.object_id.is_empty() {
            a.object_id = s.id.clone();
        }
        append_in(&mut tx, &a, now).await?;
        let row = sqlx::query(&sql("SELECT * FROM equipment_standards WHERE id = ?"))
            .bind(&s.id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(standard_from_row(&row))
    }

    async fn sync_equipment_flags(
        &self,
        unit_id: &str,
        post_id: &str,
        flags: &[Flag],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<NewFlag>> {
        let mut tx = self.begin_write().await?;
        let open: Vec<String> = sqlx::query_scalar(&sql("SELECT code FROM equipment_flags WHERE post_id = ?"))
            .bind(post_id)
            .fetch_all(&mut *tx)
            .await?;
        for code in open.iter().filter(|c| !flags.iter().any(|f| &f.code == *c)) {
            sqlx::query(&sql("DELETE FROM equipment_flags WHERE post_id = ? AND code = ?"))
                .bind(post_id)
                .bind(code)
                .execute(&mut *tx)
                .await?;
        }
        let mut new = Vec::new();
        for f in flags.iter().filter(|f| !open.contains(&f.code)) {
            let id = new_id();
            let added = sqlx::query(&sql(
                "INSERT INTO equipment_flags (id, post_id, unit_id, code, detail, raised_at) VALUES (?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (post_id, code) DO NOTHING",
            ))
            .bind(&id)
            .bind(post_id)
            .bind(unit_id)
            .bind(&f.code)
            .bind(&f.detail)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if added > 0 {
                new.push(NewFlag { id, flag: f.clone() });
            }
        }
        tx.commit().await?;
        Ok(new)
    }
}

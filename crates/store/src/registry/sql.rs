//! SQL of registry (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::common::{escape_like, from_ms, ms, push_scope};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::{actor_label, AuditEntry};
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::registry::{
    closed_refusal, stale, ArmedSchedule, KeyArea, LifeState, NewHistory, NewResponsiblePerson, NewUnit, Organisation,
    PersonRole, ResponsiblePerson, StateFilter, Unit, UnitFilter, UnitKind, UnitSort,
};
use neibao_domain::sensitive::{Sensitive, SensitiveKind};
use sqlx::{QueryBuilder, Row};

fn org_from_row(r: &DbRow) -> Organisation {
    Organisation {
        id: r.get("id"),
        name: r.get("name"),
        kind: r.get("kind"),
        division_code: r.get("division_code"),
        parent_id: r.get("parent_id"),
        sector: r.get("sector"),
    }
}

pub(crate) const AAD_CITIZEN_ID: &str = "responsible_persons.citizen_id";

pub(crate) const AAD_PHONE: &str = "responsible_persons.phone";

/// The sealed columns of a responsible person (see `Backend::seal_person`).
pub(crate) struct SealedPerson {
    pub citizen_id_enc: Option<String>,
    pub phone_enc: Option<String>,
    pub citizen_id_bidx: Option<String>,
}

/// Blind-index domain of citizen identity numbers.
pub(crate) const BIDX_CITIZEN_ID: &str = "citizen_id";

/// A unit with its place's full name (浙江省杭州市西湖区西溪街道: the division and up to three levels
/// above it), its police station and competent department.
const UNIT_SELECT: &str = "SELECT u.*,
            COALESCE(d3.name, '') || COALESCE(d2.name, '') || COALESCE(d1.name, '') || d.name AS division_name,
            ps.name AS station_name, cd.name AS department_name
     FROM units u
     LEFT JOIN divisions d ON d.code = u.division_code
     LEFT JOIN divisions d1 ON d1.code = d.parent_code
     LEFT JOIN divisions d2 ON d2.code = d1.parent_code
     LEFT JOIN divisions d3 ON d3.code = d2.parent_code
     LEFT JOIN organisations ps ON ps.id = u.police_station_id
     LEFT JOIN organisations cd ON cd.id = u.competent_department_id
     WHERE 1=1";

fn unit_from_row(r: &DbRow) -> Unit {
    let schedule: Option<String> = r.get("armed_schedule");
    Unit {
        id: r.get("id"),
        name: r.get("name"),
        kind: UnitKind::from_code(r.get::<&str, _>("kind")).unwrap_or(UnitKind::Enterprise),
        is_university: r.get("is_university"),
        is_private_enterprise: r.get("is_private_enterprise"),
        uscc: r.get("uscc"),
        address: r.get("address"),
        division_code: r.get("division_code"),
        division_name: r.get("division_name"),
        police_station_id: r.get("police_station_id"),
        police_station_name: r.get("station_name"),
        competent_department_id: r.get("competent_department_id"),
        competent_department_name: r.get("department_name"),
        is_key_unit: r.get("is_key_unit"),
        key_unit_category: r.get::<Option<i64>, _>("key_unit_category").map(|c| c as u8),
        is_counter_terror_target: r.get("is_counter_terror_target"),
        armed_schedule: schedule.and_then(|s| serde_json::from_str(&s).ok()),
        responsible_persons: Vec::new(),
        version: r.get("version"),
        state: LifeState::from_code(r.get::<&str, _>("state")),
        closed_at: r.get::<Option<i64>, _>("closed_at").map(from_ms),
        created_at: from_ms(r.get("created_at")),
        updated_at: from_ms(r.get("updated_at")),
    }
}

/// The audit entry of a create, with the new object's id (and its unit) filled in where the
/// service could not know them.
pub(crate) fn created_audit(audit: &AuditEntry, id: &str, unit_id: &str) -> AuditEntry {
    let mut e = audit.clone();
    if e.object_id.is_empty() {
        e.object_id = id.to_string();
    }
    if e.unit_id.is_none() {
        e.unit_id = Some(unit_id.to_string());
    }
    e
}

/// A key area as stored.
pub(crate) fn key_area_from_row(r: &DbRow) -> KeyArea {
    KeyArea {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        name: r.get("name"),
        description: r.get("description"),
        version: r.get("version"),
        state: LifeState::from_code(r.get::<&str, _>("state")),
        created_at: from_ms(r.get("created_at")),
    }
}

/// Writes a row of a unit's change history (变更记录) inside `tx`; `version` is the object's
/// version after the change.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_history(
    tx: &mut sqlx::Transaction<'_, Db>,
    unit_id: &str,
    object_type: &str,
    object_id: &str,
    version: i64,
    h: &NewHistory,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(&sql(
        "INSERT INTO registry_history (id, unit_id, object_type, object_id, action, actor_id, actor_name, at, version, sentence) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ))
    .bind(new_id())
    .bind(unit_id)
    .bind(object_type)
    .bind(object_id)
    .bind(&h.action)
    .bind(&h.actor_id)
    .bind(&h.actor_name)
    .bind(ms(now))
    .bind(version)
    .bind(&h.sentence)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The history row of a creation, written by the store from the creation's audit entry (the
/// create methods keep their signatures): 「张三 登记单位「甲」」.
pub(crate) fn created_history(audit: &AuditEntry, sentence: String) -> NewHistory {
    NewHistory {
        action: "create".into(),
        actor_id: audit.actor_id.clone(),
        actor_name: audit.actor_name.clone(),
        sentence,
    }
}

/// Checks inside `tx` that the row `id` of `table` (`units`, `key_areas`, `devices`) is at
/// `version` and not closed, and raises its version: a concurrent change in between is refused
/// (409 `version_conflict`), a closed one too (409 `invalid_transition`). Returns the state
/// before the change. `what` names the object in the refusal (单位, 重要部位, 设备).
pub(crate) async fn check_and_bump(
    tx: &mut sqlx::Transaction<'_, Db>,
    table: &'static str,
    id: &str,
    version: i64,
    what: &str,
) -> StoreResult<LifeState> {
    let row = sqlx::query(&sql(&format!("SELECT version, state FROM {table} WHERE id = ?")))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let state = LifeState::from_code(row.get::<&str, _>("state"));
    if state == LifeState::Closed {
        return Err(StoreError::Domain(closed_refusal(what)));
    }
    bump(tx, table, id, version, row.get::<i64, _>("version"), what).await?;
    Ok(state)
}

/// Raises the version of the row `id` of `table` inside `tx` when the caller saw `version` and
/// the row is at `current`; a stale version (or a concurrent change between the read and the
/// write) is refused (409 `version_conflict`).
pub(crate) async fn bump(
    tx: &mut sqlx::Transaction<'_, Db>,
    table: &'static str,
    id: &str,
    version: i64,
    current: i64,
    what: &str,
) -> StoreResult<()> {
    if current != version {
        return Err(StoreError::Domain(stale(what)));
    }
    let n = sqlx::query(&sql(&format!(
        "UPDATE {table} SET version = version + 1 WHERE id = ? AND version = ?"
    )))
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Domain(stale(what)));
    }
    Ok(())
}

impl Backend {
    async fn check_orgs(&self, unit: &NewUnit) -> StoreResult<()> {
        for (id, kind, label) in [
            (&unit.police_station_id, "police_station", "派出所"),
            (&unit.competent_department_id, "department", "行业主管部门"),
        ] {
            if let Some(id) = id {
                let found: Option<String> = sqlx::query_scalar(&sql(
                    // A closed (撤销) organisation supervises nothing new (docs/ORGANISATIONS.md).
                    "SELECT kind FROM organisations WHERE id = ? AND status = 'open'",
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                if found.as_deref() != Some(kind) {
                    return Err(neibao_domain::error::DomainError::with_message(
                        neibao_domain::error::ErrorCode::ValidationFailed,
                        format!("{label}不存在"),
                    )
                    .into());
                }
            }
        }
        Ok(())
    }

    async fn write_persons(
        &self,
        tx: &mut sqlx::Transaction<'_, Db>,
        unit_id: &str,
        persons: &[NewResponsiblePerson],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(&sql("DELETE FROM responsible_persons WHERE unit_id = ?"))
            .bind(unit_id)
            .execute(&mut **tx)
            .await?;
        for p in persons {
            self.insert_person(tx, &new_id(), unit_id, p, now).await?;
        }
        Ok(())
    }

    /// The sealed columns of a person: the ID number and phone encrypted, the ID number's blind
    /// index (plaintext is never stored).
    pub(crate) fn seal_person(&self, p: &NewResponsiblePerson) -> SealedPerson {
        let id = p.citizen_id.clone().map(|c| c.into_sensitive());
        SealedPerson {
            citizen_id_enc: id.as_ref().map(|c| self.cipher.encrypt(AAD_CITIZEN_ID, c.expose())),
            phone_enc: p
                .phone
                .clone()
                .map(|c| self.cipher.encrypt(AAD_PHONE, c.into_sensitive().expose())),
            citizen_id_bidx: id
                .as_ref()
                .map(|c| self.cipher.blind_index(BIDX_CITIZEN_ID, c.expose())),
        }
    }

    /// Inserts one responsible person of `unit_id` (version 1) inside `tx`.
    pub(crate) async fn insert_person(
        &self,
        tx: &mut sqlx::Transaction<'_, Db>,
        id: &str,
        unit_id: &str,
        p: &NewResponsiblePerson,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let sealed = self.seal_person(p);
        sqlx::query(&sql("INSERT INTO responsible_persons (id, unit_id, role, name, citizen_id_enc, phone_enc, citizen_id_bidx, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"))
            .bind(id)
            .bind(unit_id)
            .bind(p.role.code())
            .bind(&p.name)
            .bind(sealed.citizen_id_enc)
            .bind(sealed.phone_enc)
            .bind(sealed.citizen_id_bidx)
            .bind(ms(now))
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// A stored person row as read back (ID number and phone decrypted into masked values).
    pub(crate) fn person_from_row(&self, p: &DbRow) -> StoreResult<ResponsiblePerson> {
        let decrypt = |col: &str, aad: &str, kind: SensitiveKind| -> StoreResult<Option<Sensitive>> {
            match p.get::<Option<String>, _>(col) {
                None => Ok(None),
                Some(ct) => Ok(Some(Sensitive::new(kind, self.cipher.decrypt(aad, &ct)?))),
            }
        };
        Ok(ResponsiblePerson {
            id: p.get("id"),
            version: p.get("version"),
            role: PersonRole::from_code(p.get::<&str, _>("role")).unwrap_or(PersonRole::SecurityHead),
            name: p.get("name"),
            citizen_id: decrypt("citizen_id_enc", AAD_CITIZEN_ID, SensitiveKind::CitizenId)?,
            phone: decrypt("phone_enc", AAD_PHONE, SensitiveKind::Phone)?,
        })
    }
}

#[async_trait]
impl OrganisationRepo for Backend {
    async fn create_organisation(&self, o: &Organisation) -> StoreResult<()> {
        sqlx::query(&sql(
            "INSERT INTO organisations (id, name, kind, division_code, parent_id, sector) VALUES (?, ?, ?, ?, ?, ?)",
        ))
        .bind(&o.id)
        .bind(&o.name)
        .bind(&o.kind)
        .bind(&o.division_code)
        .bind(&o.parent_id)
        .bind(&o.sector)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    async fn get_organisation(&self, id: &str) -> StoreResult<Organisation> {
        let r = sqlx::query(&sql("SELECT * FROM organisations WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        r.as_ref().map(org_from_row).ok_or(StoreError::NotFound)
    }

    async fn list_organisations(
        &self,
        kind: Option<&str>,
        division_prefix: Option<&str>,
    ) -> StoreResult<Vec<Organisation>> {
        // Closed (撤销) organisations leave the pickers and lists (docs/ORGANISATIONS.md).
        let mut qb = sqlx::QueryBuilder::new("SELECT * FROM organisations WHERE status = 'open'");
        if let Some(k) = kind {
            qb.push(" AND kind = ").push_bind(k.to_string());
        }
        if let Some(p) = division_prefix {
            qb.push(" AND division_code LIKE ")
                .push_bind(format!("{}%", super::common::escape_like(p)))
                .push(" ESCAPE '\\'");
        }
        qb.push(" ORDER BY division_code, name");
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(org_from_row).collect())
    }
}

#[async_trait]
impl UnitRepo for Backend {
    async fn create_key_area(
        &self,
        scope: &Scope,
        unit_id: &str,
        name: &str,
        description: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<KeyArea> {
        self.get_unit(scope, unit_id).await?;
        let id = new_id();
        // The description is a free text (docs/SECURITY.md, "Personal data in free text").
        let (description, description_sealed) = self.cipher.seal_free_text("key_areas", "description", description);
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO key_areas (id, unit_id, name, description, created_at, description_sealed) VALUES (?, ?, ?, ?, ?, ?)",
        ))
        .bind(&id)
        .bind(unit_id)
        .bind(name)
        .bind(&description)
        .bind(ms(now))
        .bind(&description_sealed)
        .execute(&mut *tx)
        .await?;
        let history = created_history(
            audit,
            format!("{} 新增重要部位「{name}」", actor_label(&audit.actor_name)),
        );
        insert_history(&mut tx, unit_id, "key_area", &id, 1, &history, now).await?;
        super::audit::append_in(&mut tx, &created_audit(audit, &id, unit_id), now).await?;
        tx.commit().await?;
        Ok(KeyArea {
            id,
            unit_id: unit_id.into(),
            name: name.into(),
            description,
            version: 1,
            state: LifeState::Active,
            created_at: now,
        })
    }

    async fn list_key_areas(&self, scope: &Scope, unit_id: &str) -> StoreResult<Vec<KeyArea>> {
        let mut qb =
            QueryBuilder::new("SELECT ka.* FROM key_areas ka JOIN units u ON u.id = ka.unit_id WHERE ka.unit_id = ");
        qb.push_bind(unit_id.to_string());
        push_scope(&mut qb, scope);
        // In use first, closed (注销) ones last.
        qb.push(" ORDER BY CASE ka.state WHEN 'closed' THEN 1 ELSE 0 END, ka.name");
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(key_area_from_row).collect())
    }

    async fn create_unit(&self, unit: NewUnit, audit: &AuditEntry, now: DateTime<Utc>) -> StoreResult<Unit> {
        self.check_orgs(&unit).await?;
        let id = new_id();
        // The address is a free text (docs/SECURITY.md, "Personal data in free text").
        let (address, address_sealed) = self.cipher.seal_free_text("units", "address", &unit.address);
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO units (id, name, kind, is_university, is_private_enterprise, uscc, address, division_code,
               police_station_id, competent_department_id, is_key_unit, key_unit_category, is_counter_terror_target,
               armed_schedule, created_at, updated_at, address_sealed)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&id)
        .bind(&unit.name)
        .bind(unit.kind.code())
        .bind(unit.is_university)
        .bind(unit.is_private_enterprise)
        .bind(unit.uscc.as_str())
        .bind(&address)
        .bind(unit.division_code.as_str())
        .bind(&unit.police_station_id)
        .bind(&unit.competent_department_id)
        .bind(unit.is_key_unit)
        .bind(unit.key_unit_category.map(i64::from))
        .bind(unit.is_counter_terror_target)
        .bind(
            unit.armed_schedule
                .as_ref()
                .map(|s| serde_json::to_string(s).unwrap_or_default()),
        )
        .bind(ms(now))
        .bind(ms(now))
        .bind(&address_sealed)
        .execute(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict("统一社会信用代码已登记".into()),
            other => other,
        })?;
        self.write_persons(&mut tx, &id, &unit.responsible_persons, now).await?;
        let history = created_history(
            audit,
            format!("{} 登记单位「{}」", actor_label(&audit.actor_name), unit.name),
        );
        insert_history(&mut tx, &id, "unit", &id, 1, &history, now).await?;
        super::audit::append_in(&mut tx, &created_audit(audit, &id, &id), now).await?;
        tx.commit().await?;
        self.get_unit(&Scope::All, &id).await
    }

    async fn update_unit(
        &self,
        scope: &Scope,
        id: &str,
        version: i64,
        unit: NewUnit,
        replace_persons: bool,
        history: &NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Unit> {
        self.get_unit(scope, id).await?;
        self.check_orgs(&unit).await?;
        // An address sent back as shown (masked) keeps its sealed plaintext; the right-hand sides
        // of an UPDATE read the row before it.
        let (address, address_sealed) = self.cipher.seal_free_text("units", "address", &unit.address);
        let mut tx = self.begin_write().await?;
        check_and_bump(&mut tx, "units", id, version, "单位").await?;
        sqlx::query(
            &sql("UPDATE units SET name = ?, kind = ?, is_university = ?, is_private_enterprise = ?, uscc = ?,
               address_sealed = CASE WHEN address = ? THEN address_sealed ELSE ? END, address = ?,
               division_code = ?, police_station_id = ?, competent_department_id = ?, is_key_unit = ?, key_unit_category = ?,
               is_counter_terror_target = ?, armed_schedule = ?, updated_at = ? WHERE id = ?"),
        )
        .bind(&unit.name)
        .bind(unit.kind.code())
        .bind(unit.is_university)
        .bind(unit.is_private_enterprise)
        .bind(unit.uscc.as_str())
        .bind(&address)
        .bind(&address_sealed)
        .bind(&address)
        .bind(unit.division_code.as_str())
        .bind(&unit.police_station_id)
        .bind(&unit.competent_department_id)
        .bind(unit.is_key_unit)
        .bind(unit.key_unit_category.map(i64::from))
        .bind(unit.is_counter_terror_target)
        .bind(unit.armed_schedule.as_ref().map(|s| serde_json::to_string(s).unwrap_or_default()))
        .bind(ms(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if replace_persons {
            self.write_persons(&mut tx, id, &unit.responsible_persons, now).await?;
        }
        insert_history(&mut tx, id, "unit", id, version + 1, history, now).await?;
        super::audit::append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        // The update may move the unit out of the caller's scope; read it back unscoped.
        self.get_unit(&Scope::All, id).await
    }

    async fn set_armed_schedule(
        &self,
        scope: &Scope,
        id: &str,
        schedule: Option<&ArmedSchedule>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let unit = self.get_unit(scope, id).await?;
        if unit.state == LifeState::Closed {
            return Err(StoreError::Domain(closed_refusal("单位")));
        }
        let mut tx = self.begin_write().await?;
        // The schedule is part of the unit's entry: its version rises, so that a full edit
        // based on the entry before is refused rather than putting the old schedule back.
        let version: i64 = sqlx::query_scalar(&sql(
            "UPDATE units SET armed_schedule = ?, updated_at = ?, version = version + 1 WHERE id = ? RETURNING version",
        ))
        .bind(schedule.map(|s| serde_json::to_string(s).unwrap_or_default()))
        .bind(ms(now))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let history = NewHistory {
            action: "update".into(),
            actor_id: audit.actor_id.clone(),
            actor_name: audit.actor_name.clone(),
            sentence: format!("{} 修改单位「{}」的布防时段", actor_label(&audit.actor_name), unit.name),
        };
        insert_history(&mut tx, id, "unit", id, version, &history, now).await?;
        super::audit::append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_unit(&self, scope: &Scope, id: &str) -> StoreResult<Unit> {
        let mut qb = QueryBuilder::new(UNIT_SELECT);
        qb.push(" AND u.id = ").push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let row = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut unit = unit_from_row(&row);
        let persons = sqlx::query(&sql("SELECT * FROM responsible_persons WHERE unit_id = ? ORDER BY CASE role WHEN 'principal' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END, created_at, id"))
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        for p in persons {
            unit.responsible_persons.push(self.person_from_row(&p)?);
        }
        Ok(unit)
    }

    async fn list_units(&self, scope: &Scope, f: &UnitFilter, page: Page) -> StoreResult<Listing<Unit>> {
        let filters = |qb: &mut QueryBuilder<'_, Db>| {
            push_scope(qb, scope);
            if let Some(q) = f.q.as_ref().filter(|q| !q.trim().is_empty()) {
                let q = q.trim();
                qb.push(" AND (u.name LIKE ")
                    .push_bind(format!("%{}%", escape_like(q)))
                    .push(" ESCAPE '\\' OR u.uscc = ")
                    .push_bind(q.to_ascii_uppercase())
                    .push(")");
            }
            if let Some(p) = &f.division_prefix {
                qb.push(" AND u.division_code LIKE ")
                    .push_bind(format!("{}%", escape_like(p)))
                    .push(" ESCAPE '\\'");
            }
            if let Some(k) = f.is_key_unit {
                qb.push(" AND u.is_key_unit = ").push_bind(k);
            }
            if let Some(k) = f.kind {
                qb.push(" AND u.kind = ").push_bind(k.code());
            }
            match f.state {
                StateFilter::Live => {
                    qb.push(" AND u.state <> 'closed'");
                }
                StateFilter::Only(st) => {
                    qb.push(" AND u.state = ").push_bind(st.code());
                }
                StateFilter::All => {}
            }
        };
        // Fixed SQL per column (the caller's value only picks one of these); the id last, so
        // that equal names page stably.
        let order = match f.sort {
            None => "u.division_code, u.name, u.id".to_string(),
            Some(s) => {
                let column = match s.column {
                    UnitSort::Name => "u.name",
                    UnitSort::Division => "u.division_code",
                };
                format!("{column} {dir}, u.name, u.id", dir = s.direction())
            }
        };
        super::common::paged(
            &self.pool,
            "FROM units u WHERE 1=1",
            UNIT_SELECT,
            filters,
            &order,
            page,
            unit_from_row,
        )
        .await
    }
}

//! Units and their responsible persons. Identity numbers and phones are encrypted with the
//! field cipher before they reach SQL and come back only as masked `Sensitive` values.

use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::ids::new_id;
use neibao_domain::registry::UnitKind;
use neibao_domain::sensitive::{Sensitive, SensitiveKind};
use sqlx::{QueryBuilder, Row};

use super::{escape_like, from_ms, ms, push_scope, sql, Backend, Db, DbRow};
use crate::repo::{StoreError, StoreResult};
use neibao_domain::paging::{Listing, Page};
use neibao_domain::registry::{
    ArmedSchedule, NewResponsiblePerson, NewUnit, PersonRole, ResponsiblePerson, Unit, UnitFilter,
};

const AAD_CITIZEN_ID: &str = "responsible_persons.citizen_id";
const AAD_PHONE: &str = "responsible_persons.phone";

const UNIT_SELECT: &str = "SELECT u.*, d.name AS division_name, ps.name AS station_name, cd.name AS department_name
     FROM units u
     LEFT JOIN divisions d ON d.code = u.division_code
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
        created_at: from_ms(r.get("created_at")),
        updated_at: from_ms(r.get("updated_at")),
    }
}

impl Backend {
    async fn check_orgs(&self, unit: &NewUnit) -> StoreResult<()> {
        for (id, kind, label) in [
            (&unit.police_station_id, "police_station", "派出所"),
            (&unit.competent_department_id, "department", "行业主管部门"),
        ] {
            if let Some(id) = id {
                let found: Option<String> = sqlx::query_scalar(&sql("SELECT kind FROM organisations WHERE id = ?"))
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
            let id_enc = p
                .citizen_id
                .clone()
                .map(|c| self.cipher.encrypt(AAD_CITIZEN_ID, c.into_sensitive().expose()));
            let phone_enc = p
                .phone
                .clone()
                .map(|c| self.cipher.encrypt(AAD_PHONE, c.into_sensitive().expose()));
            let id_bidx = p.citizen_id.clone().map(|c| {
                self.cipher
                    .blind_index(super::security::BIDX_CITIZEN_ID, c.into_sensitive().expose())
            });
            sqlx::query(&sql("INSERT INTO responsible_persons (id, unit_id, role, name, citizen_id_enc, phone_enc, citizen_id_bidx, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"))
                .bind(new_id())
                .bind(unit_id)
                .bind(p.role.code())
                .bind(&p.name)
                .bind(id_enc)
                .bind(phone_enc)
                .bind(id_bidx)
                .bind(ms(now))
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    pub(crate) async fn create_unit_impl(&self, unit: NewUnit, now: DateTime<Utc>) -> StoreResult<Unit> {
        self.check_orgs(&unit).await?;
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO units (id, name, kind, is_university, is_private_enterprise, uscc, address, division_code,
               police_station_id, competent_department_id, is_key_unit, key_unit_category, is_counter_terror_target,
               armed_schedule, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&id)
        .bind(&unit.name)
        .bind(unit.kind.code())
        .bind(unit.is_university)
        .bind(unit.is_private_enterprise)
        .bind(unit.uscc.as_str())
        .bind(&unit.address)
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
        .execute(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict("统一社会信用代码已登记".into()),
            other => other,
        })?;
        self.write_persons(&mut tx, &id, &unit.responsible_persons, now).await?;
        tx.commit().await?;
        self.get_unit_impl(&Scope::All, &id).await
    }

    pub(crate) async fn update_unit_impl(
        &self,
        scope: &Scope,
        id: &str,
        unit: NewUnit,
        now: DateTime<Utc>,
    ) -> StoreResult<Unit> {
        self.get_unit_impl(scope, id).await?;
        self.check_orgs(&unit).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            &sql("UPDATE units SET name = ?, kind = ?, is_university = ?, is_private_enterprise = ?, uscc = ?, address = ?,
               division_code = ?, police_station_id = ?, competent_department_id = ?, is_key_unit = ?, key_unit_category = ?,
               is_counter_terror_target = ?, armed_schedule = ?, updated_at = ? WHERE id = ?"),
        )
        .bind(&unit.name)
        .bind(unit.kind.code())
        .bind(unit.is_university)
        .bind(unit.is_private_enterprise)
        .bind(unit.uscc.as_str())
        .bind(&unit.address)
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
        self.write_persons(&mut tx, id, &unit.responsible_persons, now).await?;
        tx.commit().await?;
        // The update may move the unit out of the caller's scope; read it back unscoped.
        self.get_unit_impl(&Scope::All, id).await
    }

    pub(crate) async fn set_armed_schedule_impl(
        &self,
        scope: &Scope,
        id: &str,
        schedule: Option<&ArmedSchedule>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.get_unit_impl(scope, id).await?;
        sqlx::query(&sql("UPDATE units SET armed_schedule = ?, updated_at = ? WHERE id = ?"))
            .bind(schedule.map(|s| serde_json::to_string(s).unwrap_or_default()))
            .bind(ms(now))
            .bind(id)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    pub(crate) async fn get_unit_impl(&self, scope: &Scope, id: &str) -> StoreResult<Unit> {
        let mut qb = QueryBuilder::new(UNIT_SELECT);
        qb.push(" AND u.id = ").push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let row = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut unit = unit_from_row(&row);
        let persons = sqlx::query(&sql("SELECT * FROM responsible_persons WHERE unit_id = ? ORDER BY CASE role WHEN 'principal' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END"))
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        for p in persons {
            let decrypt = |col: &str, aad: &str, kind: SensitiveKind| -> StoreResult<Option<Sensitive>> {
                match p.get::<Option<String>, _>(col) {
                    None => Ok(None),
                    Some(ct) => Ok(Some(Sensitive::new(kind, self.cipher.decrypt(aad, &ct)?))),
                }
            };
            unit.responsible_persons.push(ResponsiblePerson {
                id: p.get("id"),
                role: PersonRole::from_code(p.get::<&str, _>("role")).unwrap_or(PersonRole::SecurityHead),
                name: p.get("name"),
                citizen_id: decrypt("citizen_id_enc", AAD_CITIZEN_ID, SensitiveKind::CitizenId)?,
                phone: decrypt("phone_enc", AAD_PHONE, SensitiveKind::Phone)?,
            });
        }
        Ok(unit)
    }

    pub(crate) async fn list_units_impl(
        &self,
        scope: &Scope,
        f: &UnitFilter,
        page: Page,
    ) -> StoreResult<Listing<Unit>> {
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
        };
        super::common::paged(
            &self.pool,
            "FROM units u WHERE 1=1",
            UNIT_SELECT,
            filters,
            "u.division_code, u.name",
            page,
            unit_from_row,
        )
        .await
    }
}

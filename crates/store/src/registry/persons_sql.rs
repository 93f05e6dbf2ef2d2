//! SQL of responsible persons (compiled once per backend: see `crate::sqlite` and
//! `crate::postgres`): the blind-index look-up and the purpose-logged reveal, and each person's
//! own lifecycle (added, edited at its version, removed) with its history rows
//! (docs/REGISTRY.md, "Responsible persons"). The ID number and phone are stored encrypted with
//! the ID number's blind index, never in plaintext.

use super::audit::append_in;
use super::common::push_scope;
use super::db::{sql, Db};
use super::registry::{bump, created_audit, insert_history, AAD_CITIZEN_ID, AAD_PHONE, BIDX_CITIZEN_ID};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::ids::new_id;
use neibao_domain::registry::{
    closed_refusal, NewHistory, NewResponsiblePerson, PersonMatch, PersonRole, ResponsiblePerson, RevealedPerson,
};
use neibao_domain::sensitive::{Sensitive, SensitiveKind};
use sqlx::{QueryBuilder, Row};

/// What the refusals name.
const WHAT: &str = "责任人";

impl Backend {
    /// Opens the transaction of a change to a person of a unit in `scope` that the caller saw at
    /// `version`: the unit must not be closed (its version rises), the person's version is
    /// checked and raised.
    async fn begin_person_change(
        &self,
        scope: &Scope,
        unit_id: &str,
        person_id: &str,
        version: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<sqlx::Transaction<'static, Db>> {
        self.get_person(scope, unit_id, person_id).await?;
        let mut tx = self.begin_write().await?;
        let current = Backend::person_version(&mut tx, unit_id, person_id).await?;
        touch_unit(&mut tx, unit_id, now).await?;
        bump(&mut tx, "responsible_persons", person_id, version, current, WHAT).await?;
        Ok(tx)
    }

    /// The current version of a person of `unit_id` inside `tx` (NotFound: removed since).
    async fn person_version(tx: &mut sqlx::Transaction<'_, Db>, unit_id: &str, person_id: &str) -> StoreResult<i64> {
        let v: Option<i64> = sqlx::query_scalar(&sql(
            "SELECT version FROM responsible_persons WHERE id = ? AND unit_id = ?",
        ))
        .bind(person_id)
        .bind(unit_id)
        .fetch_optional(&mut **tx)
        .await?;
        v.ok_or(StoreError::NotFound)
    }
}

/// Inside `tx`: the unit takes the change only when it is not closed (注销); its version rises,
/// since its entry (`PUT /api/v1/units/{id}`) carries the persons and an edit based on the
/// entry before must not put the old persons back.
async fn touch_unit(tx: &mut sqlx::Transaction<'_, Db>, unit_id: &str, now: DateTime<Utc>) -> StoreResult<()> {
    let n = sqlx::query(&sql(
        "UPDATE units SET version = version + 1, updated_at = ? WHERE id = ? AND state <> 'closed'",
    ))
    .bind(super::common::ms(now))
    .bind(unit_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Domain(closed_refusal("单位")));
    }
    Ok(())
}

/// Writes the change's history row (`version`: the person's after it) and audit entry, and
/// commits.
async fn finish_person_change(
    mut tx: sqlx::Transaction<'static, Db>,
    unit_id: &str,
    person_id: &str,
    version: i64,
    history: &NewHistory,
    audit: &AuditEntry,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    insert_history(&mut tx, unit_id, "person", person_id, version, history, now).await?;
    append_in(&mut tx, audit, now).await?;
    tx.commit().await?;
    Ok(())
}

#[async_trait]
impl PersonRepo for Backend {
    /// Responsible persons (in scope) whose ID number has this blind index.
    async fn find_persons_by_citizen_id(&self, scope: &Scope, citizen_id: &str) -> StoreResult<Vec<PersonMatch>> {
        let bidx = self.cipher.blind_index(BIDX_CITIZEN_ID, citizen_id);
        let mut qb = QueryBuilder::new(
            "SELECT p.id, p.unit_id, p.role, p.name, p.citizen_id_enc, u.name AS unit_name
             FROM responsible_persons p JOIN units u ON u.id = p.unit_id WHERE p.citizen_id_bidx = ",
        );
        qb.push_bind(bidx);
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY u.name LIMIT 100");
        let rows = qb.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(PersonMatch {
                    person_id: r.get("id"),
                    unit_id: r.get("unit_id"),
                    unit_name: r.get("unit_name"),
                    role: PersonRole::from_code(r.get::<&str, _>("role")).unwrap_or(PersonRole::SecurityHead),
                    name: r.get("name"),
                    citizen_id: r
                        .get::<Option<String>, _>("citizen_id_enc")
                        .map(|ct| self.cipher.decrypt(AAD_CITIZEN_ID, &ct))
                        .transpose()?
                        .map(|v| Sensitive::new(SensitiveKind::CitizenId, v)),
                })
            })
            .collect()
    }

    /// The plaintext of a responsible person's sensitive fields (in scope). The caller logs the
    /// read with its purpose before returning it.
    async fn reveal_person(&self, scope: &Scope, person_id: &str) -> StoreResult<RevealedPerson> {
        let mut qb = QueryBuilder::new(
            "SELECT p.id, p.unit_id, p.name, p.citizen_id_enc, p.phone_enc
             FROM responsible_persons p JOIN units u ON u.id = p.unit_id WHERE p.id = ",
        );
        qb.push_bind(person_id.to_string());
        push_scope(&mut qb, scope);
        let r = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let dec = |col: &str, aad: &str| -> StoreResult<Option<String>> {
            Ok(r.get::<Option<String>, _>(col)
                .map(|ct| self.cipher.decrypt(aad, &ct))
                .transpose()?)
        };
        Ok(RevealedPerson {
            person_id: r.get("id"),
            unit_id: r.get("unit_id"),
            name: r.get("name"),
            citizen_id: dec("citizen_id_enc", AAD_CITIZEN_ID)?,
            phone: dec("phone_enc", AAD_PHONE)?,
        })
    }

    async fn get_person(&self, scope: &Scope, unit_id: &str, person_id: &str) -> StoreResult<ResponsiblePerson> {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT p.* FROM responsible_persons p JOIN units u ON u.id = p.unit_id WHERE p.id = ",
        );
        qb.push_bind(person_id.to_string());
        qb.push(" AND p.unit_id = ").push_bind(unit_id.to_string());
        push_scope(&mut qb, scope);
        let row = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.person_from_row(&row)
    }

    async fn find_unit_person(
        &self,
        scope: &Scope,
        unit_id: &str,
        role: PersonRole,
        citizen_id: &str,
    ) -> StoreResult<Option<ResponsiblePerson>> {
        let bidx = self.cipher.blind_index(BIDX_CITIZEN_ID, citizen_id);
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT p.* FROM responsible_persons p JOIN units u ON u.id = p.unit_id WHERE p.unit_id = ",
        );
        qb.push_bind(unit_id.to_string());
        qb.push(" AND p.role = ").push_bind(role.code());
        qb.push(" AND p.citizen_id_bidx = ").push_bind(bidx);
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY p.created_at, p.id LIMIT 1");
        let row = qb.build().fetch_optional(&self.pool).await?;
        row.map(|r| self.person_from_row(&r)).transpose()
    }

    async fn add_person(
        &self,
        scope: &Scope,
        unit_id: &str,
        person: &NewResponsiblePerson,
        history: &NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<ResponsiblePerson> {
        self.unit_in_scope(scope, unit_id).await?;
        let id = new_id();
        let mut tx = self.begin_write().await?;
        touch_unit(&mut tx, unit_id, now).await?;
        self.insert_person(&mut tx, &id, unit_id, person, now).await?;
        insert_history(&mut tx, unit_id, "person", &id, 1, history, now).await?;
        append_in(&mut tx, &created_audit(audit, &id, unit_id), now).await?;
        tx.commit().await?;
        self.get_person(&Scope::All, unit_id, &id).await
    }

    async fn update_person(
        &self,
        scope: &Scope,
        unit_id: &str,
        person_id: &str,
        version: i64,
        person: &NewResponsiblePerson,
        history: &NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<ResponsiblePerson> {
        let sealed = self.seal_person(person);
        let mut tx = self
            .begin_person_change(scope, unit_id, person_id, version, now)
            .await?;
        sqlx::query(&sql(
            "UPDATE responsible_persons SET role = ?, name = ?, citizen_id_enc = ?, phone_enc = ?, citizen_id_bidx = ? WHERE id = ?",
        ))
        .bind(person.role.code())
        .bind(&person.name)
        .bind(sealed.citizen_id_enc)
        .bind(sealed.phone_enc)
        .bind(sealed.citizen_id_bidx)
        .bind(person_id)
        .execute(&mut *tx)
        .await?;
        finish_person_change(tx, unit_id, person_id, version + 1, history, audit, now).await?;
        self.get_person(&Scope::All, unit_id, person_id).await
    }

    async fn remove_person(
        &self,
        scope: &Scope,
        unit_id: &str,
        person_id: &str,
        version: i64,
        history: &NewHistory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self
            .begin_person_change(scope, unit_id, person_id, version, now)
            .await?;
        sqlx::query(&sql("DELETE FROM responsible_persons WHERE id = ?"))
            .bind(person_id)
            .execute(&mut *tx)
            .await?;
        finish_person_change(tx, unit_id, person_id, version + 1, history, audit, now).await
    }
}

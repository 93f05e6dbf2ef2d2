//! SQL of universities (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::audit::append_in;
use super::common::{escape_like, from_ms, json_or, ms, opt_ms, paged, push_scope};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
use crate::universities::*;
use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::universities::*;
use sqlx::{QueryBuilder, Row};

fn refused(code: ErrorCode, m: &str) -> StoreError {
    DomainError::with_message(code, m).into()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

fn day_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Beijing midnight of `d`, in milliseconds.
fn beijing_midnight_ms(d: NaiveDate) -> i64 {
    let t = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    Utc.from_utc_datetime(&t).timestamp_millis() - 8 * 3_600_000
}

fn semester_from_row(r: &DbRow) -> Semester {
    Semester {
        id: r.get("id"),
        city_code: r.get("city_code"),
        name: r.get("name"),
        starts_on: day(r.get::<&str, _>("starts_on")),
        ends_on: day(r.get::<&str, _>("ends_on")),
        safety_week_from: r.get::<Option<String>, _>("safety_week_from").map(|s| day(&s)),
        holidays: json_or(r.get::<&str, _>("holidays"), Vec::new()),
        created_by: r.get("created_by"),
        created_at: from_ms(r.get("created_at")),
    }
}

/// Semesters in the scope: see [`UniversityRepo`].
fn push_semester_scope(qb: &mut QueryBuilder<'_, Db>, scope: &Scope) {
    match scope {
        Scope::All => {}
        Scope::Division { prefix } => {
            qb.push(" AND (substr(s.city_code, 1, 4) LIKE ")
                .push_bind(format!("{}%", escape_like(prefix)))
                .push(" ESCAPE '\\' OR ")
                .push_bind(prefix.clone())
                .push(" LIKE substr(s.city_code, 1, 4) || '%')");
        }
        _ => {
            qb.push(" AND EXISTS (SELECT 1 FROM units u WHERE u.division_code LIKE substr(s.city_code, 1, 4) || '%'");
            push_scope(qb, scope);
            qb.push(")");
        }
    }
}

impl Backend {
    /// The unit in the scope that a university write may change: `NotFound` outside the scope,
    /// `InvalidTransition` when not a university or closed.
    async fn writable_university(
        &self,
        tx: &mut sqlx::Transaction<'static, Db>,
        scope: &Scope,
        unit_id: &str,
    ) -> StoreResult<()> {
        let mut qb = QueryBuilder::new("SELECT u.is_university, u.state FROM units u WHERE u.id = ");
        qb.push_bind(unit_id.to_string());
        push_scope(&mut qb, scope);
        let row = qb
            .build()
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !row.get::<bool, _>("is_university") {
            return Err(refused(
                ErrorCode::InvalidTransition,
                "该单位未登记为高等学校，请先在单位信息中勾选“高等学校”",
            ));
        }
        if row.get::<&str, _>("state") == "closed" {
            return Err(refused(ErrorCode::InvalidTransition, "单位已注销，不能再修改高校信息"));
        }
        Ok(())
    }

    async fn audit_change(
        &self,
        tx: &mut sqlx::Transaction<'static, Db>,
        audit: &AuditEntry,
        object_id: &str,
        unit_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut au = audit.clone();
        if au.object_id.is_empty() {
            au.object_id = object_id.to_string();
        }
        au.unit_id.get_or_insert_with(|| unit_id.to_string());
        append_in(tx, &au, now).await?;
        Ok(())
    }

    async fn insert_key_area(
        &self,
        tx: &mut sqlx::Transaction<'static, Db>,
        unit_id: &str,
        name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<String> {
        let id = new_id();
        sqlx::query(&sql(
            "INSERT INTO key_areas (id, unit_id, name, description, created_at, description_sealed) VALUES (?, ?, ?, '', ?, NULL)",
        ))
        .bind(&id)
        .bind(unit_id)
        .bind(name)
        .bind(ms(now))
        .execute(&mut **tx)
        .await?;
        Ok(id)
    }
}

#[async_trait]
impl UniversityRepo for Backend {
    async fn university_profile(&self, scope: &Scope, unit_id: &str) -> StoreResult<UniversityProfile> {
        let mut qb = QueryBuilder::new(
            "SELECT u.id, u.name, u.division_code, u.is_university, p.party_secretary, p.president, p.security_office, \
             p.security_office_head, p.version, p.updated_by, p.updated_at \
             FROM units u LEFT JOIN university_profiles p ON p.unit_id = u.id WHERE u.id = ",
        );
        qb.push_bind(unit_id.to_string());
        push_scope(&mut qb, scope);
        let r = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let text = |c: &str| r.get::<Option<String>, _>(c).unwrap_or_default();
        let colleges = sqlx::query(&sql(
            "SELECT * FROM university_colleges WHERE unit_id = ? ORDER BY name",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|c| College {
            id: c.get("id"),
            name: c.get("name"),
            head: c.get("head"),
            safety_officer: c.get("safety_officer"),
            created_at: from_ms(c.get("created_at")),
        })
        .collect();
        let areas = sqlx::query(&sql(
            "SELECT a.campus_id, k.id, k.name FROM university_campus_areas a JOIN key_areas k ON k.id = a.key_area_id \
             WHERE a.unit_id = ? AND k.state <> 'closed' ORDER BY k.name",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?;
        let campuses = sqlx::query(&sql(
            "SELECT c.*, o.name AS station_name FROM university_campuses c \
             LEFT JOIN organisations o ON o.id = c.police_station_id WHERE c.unit_id = ? ORDER BY c.created_at, c.name",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|c| {
            let id: String = c.get("id");
            Campus {
                key_areas: areas
                    .iter()
                    .filter(|a| a.get::<&str, _>("campus_id") == id)
                    .map(|a| CampusArea {
                        key_area_id: a.get("id"),
                        name: a.get("name"),
                    })
                    .collect(),
                id,
                name: c.get("name"),
                address: c.get("address"),
                police_station_id: c.get("police_station_id"),
                police_station_name: c.get("station_name"),
                created_at: from_ms(c.get("created_at")),
            }
        })
        .collect();
        let dormitories = sqlx::query(&sql(
            "SELECT d.*, c.name AS campus_name FROM university_dormitories d JOIN university_campuses c ON c.id = d.campus_id \
             WHERE d.unit_id = ? ORDER BY c.name, d.name",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|d| Dormitory {
            id: d.get("id"),
            campus_id: d.get("campus_id"),
            campus_name: d.get("campus_name"),
            name: d.get("name"),
            rooms: d.get("rooms"),
            key_area_id: d.get("key_area_id"),
            created_at: from_ms(d.get("created_at")),
        })
        .collect();
        let duty = sqlx::query(&sql(
            "SELECT * FROM university_duty WHERE unit_id = ? ORDER BY duty_date, created_at LIMIT 500",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|d| DutyEntry {
            id: d.get("id"),
            date: day(d.get::<&str, _>("duty_date")),
            holiday: d.get("holiday"),
            person: d.get("person"),
            post: d.get("post"),
            created_by: d.get("created_by"),
        })
        .collect();
        Ok(UniversityProfile {
            unit_id: r.get("id"),
            unit_name: r.get("name"),
            division_code: r.get("division_code"),
            is_university: r.get("is_university"),
            party_secretary: text("party_secretary"),
            president: text("president"),
            security_office: text("security_office"),
            security_office_head: text("security_office_head"),
            version: r.get::<Option<i64>, _>("version").unwrap_or(0),
            updated_by: r.get("updated_by"),
            updated_at: opt_ms(&r, "updated_at"),
            colleges,
            campuses,
            dormitories,
            duty,
        })
    }

    async fn save_university_profile(
        &self,
        scope: &Scope,
        unit_id: &str,
        f: &ProfileFields,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<UniversityProfile> {
        let mut tx = self.begin_write().await?;
        self.writable_university(&mut tx, scope, unit_id).await?;
        let stored: i64 = sqlx::query_scalar(&sql("SELECT version FROM university_profiles WHERE unit_id = ?"))
            .bind(unit_id)
            .fetch_optional(&mut *tx)
            .await?
            .unwrap_or(0);
        if stored != f.version {
            return Err(refused(
                ErrorCode::VersionConflict,
                "高校信息已被他人修改，请刷新后在最新内容上修改",
            ));
        }
        if stored == 0 {
            sqlx::query(&sql(
                "INSERT INTO university_profiles (unit_id, party_secretary, president, security_office, security_office_head, \
                 version, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
            ))
            .bind(unit_id)
            .bind(&f.party_secretary)
            .bind(&f.president)
            .bind(&f.security_office)
            .bind(&f.security_office_head)
            .bind(&f.by)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query(&sql(
                "UPDATE university_profiles SET party_secretary = ?, president = ?, security_office = ?, \
                 security_office_head = ?, version = version + 1, updated_by = ?, updated_at = ? WHERE unit_id = ? AND version = ?",
            ))
            .bind(&f.party_secretary)
            .bind(&f.president)
            .bind(&f.security_office)
            .bind(&f.security_office_head)
            .bind(&f.by)
            .bind(ms(now))
            .bind(unit_id)
            .bind(stored)
            .execute(&mut *tx)
            .await?;
        }
        self.audit_change(&mut tx, audit, unit_id, unit_id, now).await?;
        tx.commit().await?;
        self.university_profile(&Scope::All, unit_id).await
    }

    async fn add_university_college(
        &self,
        scope: &Scope,
        unit_id: &str,
        c: &NewCollege,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<College> {
        let mut tx = self.begin_write().await?;
        self.writable_university(&mut tx, scope, unit_id).await?;
        let taken: i64 = sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM university_colleges WHERE unit_id = ? AND name = ?",
        ))
        .bind(unit_id)
        .bind(&c.name)
        .fetch_one(&mut *tx)
        .await?;
        if taken > 0 {
            return Err(refused(ErrorCode::Conflict, &format!("本校已有院系「{}」", c.name)));
        }
        sqlx::query(&sql(
            "INSERT INTO university_colleges (id, unit_id, name, head, safety_officer, created_by, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&c.id)
        .bind(unit_id)
        .bind(&c.name)
        .bind(&c.head)
        .bind(&c.safety_officer)
        .bind(&c.by)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        self.audit_change(&mut tx, audit, &c.id, unit_id, now).await?;
        tx.commit().await?;
        Ok(College {
            id: c.id.clone(),
            name: c.name.clone(),
            head: c.head.clone(),
            safety_officer: c.safety_officer.clone(),
            created_at: from_ms(ms(now)),
        })
    }

    async fn add_university_campus(
        &self,
        scope: &Scope,
        unit_id: &str,
        c: &NewCampus,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Campus> {
        let mut tx = self.begin_write().await?;
        self.writable_university(&mut tx, scope, unit_id).await?;
        let taken: i64 = sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM university_campuses WHERE unit_id = ? AND name = ?",
        ))
        .bind(unit_id)
        .bind(&c.name)
        .fetch_one(&mut *tx)
        .await?;
        if taken > 0 {
            return Err(refused(ErrorCode::Conflict, &format!("本校已有校区「{}」", c.name)));
        }
        let mut station_name = None;
        if let Some(st) = &c.police_station_id {
            let row = sqlx::query(&sql("SELECT kind, name FROM organisations WHERE id = ?"))
                .bind(st)
                .fetch_optional(&mut *tx)
                .await?;
            match row {
                Some(r) if r.get::<&str, _>("kind") == "police_station" => {
                    station_name = Some(r.get::<String, _>("name"))
                }
                _ => {
                    return Err(refused(
                        ErrorCode::ValidationFailed,
                        "所选辖区派出所不存在，请从列表中选择",
                    ))
                }
            }
        }
        sqlx::query(&sql(
            "INSERT INTO university_campuses (id, unit_id, name, address, police_station_id, created_by, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&c.id)
        .bind(unit_id)
        .bind(&c.name)
        .bind(&c.address)
        .bind(&c.police_station_id)
        .bind(&c.by)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        let mut key_areas = Vec::new();
        for a in &c.key_areas {
            let name = format!("{}·{}", c.name, a);
            let id = self.insert_key_area(&mut tx, unit_id, &name, now).await?;
            sqlx::query(&sql(
                "INSERT INTO university_campus_areas (key_area_id, campus_id, unit_id) VALUES (?, ?, ?)",
            ))
            .bind(&id)
            .bind(&c.id)
            .bind(unit_id)
            .execute(&mut *tx)
            .await?;
            key_areas.push(CampusArea { key_area_id: id, name });
        }
        self.audit_change(&mut tx, audit, &c.id, unit_id, now).await?;
        tx.commit().await?;
        Ok(Campus {
            id: c.id.clone(),
            name: c.name.clone(),
            address: c.address.clone(),
            police_station_id: c.police_station_id.clone(),
            police_station_name: station_name,
            key_areas,
            created_at: from_ms(ms(now)),
        })
    }

    async fn add_university_dormitory(
        &self,
        scope: &Scope,
        unit_id: &str,
        d: &NewDormitory,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Dormitory> {
        let mut tx = self.begin_write().await?;
        self.writable_university(&mut tx, scope, unit_id).await?;
        let campus: Option<String> = sqlx::query_scalar(&sql(
            "SELECT name FROM university_campuses WHERE id = ? AND unit_id = ?",
        ))
        .bind(&d.campus_id)
        .bind(unit_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(campus_name) = campus else {
            return Err(refused(ErrorCode::ValidationFailed, "请选择本校的校区"));
        };
        let taken: i64 = sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM university_dormitories WHERE campus_id = ? AND name = ?",
        ))
        .bind(&d.campus_id)
        .bind(&d.name)
        .fetch_one(&mut *tx)
        .await?;
        if taken > 0 {
            return Err(refused(
                ErrorCode::Conflict,
                &format!("{campus_name}已有宿舍楼「{}」", d.name),
            ));
        }
        let area = self
            .insert_key_area(&mut tx, unit_id, &format!("{campus_name}·{}（宿舍楼）", d.name), now)
            .await?;
        sqlx::query(&sql(
            "INSERT INTO university_dormitories (id, unit_id, campus_id, name, rooms, key_area_id, created_by, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&d.id)
        .bind(unit_id)
        .bind(&d.campus_id)
        .bind(&d.name)
        .bind(d.rooms)
        .bind(&area)
        .bind(&d.by)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        self.audit_change(&mut tx, audit, &d.id, unit_id, now).await?;
        tx.commit().await?;
        Ok(Dormitory {
            id: d.id.clone(),
            campus_id: d.campus_id.clone(),
            campus_name,
            name: d.name.clone(),
            rooms: d.rooms,
            key_area_id: area,
            created_at: from_ms(ms(now)),
        })
    }

    async fn add_university_duty(
        &self,
        scope: &Scope,
        unit_id: &str,
        d: &NewDuty,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<DutyEntry> {
        let mut tx = self.begin_write().await?;
        self.writable_university(&mut tx, scope, unit_id).await?;
        sqlx::query(&sql(
            "INSERT INTO university_duty (id, unit_id, duty_date, holiday, person, post, created_by, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&d.id)
        .bind(unit_id)
        .bind(day_text(d.date))
        .bind(&d.holiday)
        .bind(&d.person)
        .bind(&d.post)
        .bind(&d.by)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        self.audit_change(&mut tx, audit, &d.id, unit_id, now).await?;
        tx.commit().await?;
        Ok(DutyEntry {
            id: d.id.clone(),
            date: d.date,
            holiday: d.holiday.clone(),
            person: d.person.clone(),
            post: d.post.clone(),
            created_by: d.by.clone(),
        })
    }

    async fn is_dormitory_area(&self, key_area_id: &str) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM university_dormitories WHERE key_area_id = ?",
        ))
        .bind(key_area_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    async fn create_semester(&self, s: &NewSemester, audit: &AuditEntry, now: DateTime<Utc>) -> StoreResult<Semester> {
        let mut tx = self.begin_write().await?;
        let taken: i64 = sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM university_semesters WHERE city_code = ? AND name = ?",
        ))
        .bind(&s.city_code)
        .bind(&s.name)
        .fetch_one(&mut *tx)
        .await?;
        if taken > 0 {
            return Err(refused(ErrorCode::Conflict, &format!("本市已有学期「{}」", s.name)));
        }
        sqlx::query(&sql(
            "INSERT INTO university_semesters (id, city_code, name, starts_on, ends_on, safety_week_from, holidays, created_by, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&s.id)
        .bind(&s.city_code)
        .bind(&s.name)
        .bind(day_text(s.starts_on))
        .bind(day_text(s.ends_on))
        .bind(s.safety_week_from.map(day_text))
        .bind(serde_json::to_string(&s.holidays).unwrap_or_else(|_| "[]".into()))
        .bind(&s.by)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        let mut au = audit.clone();
        if au.object_id.is_empty() {
            au.object_id = s.id.clone();
        }
        append_in(&mut tx, &au, now).await?;
        tx.commit().await?;
        self.semester(&Scope::All, &s.id).await?.ok_or(StoreError::NotFound)
    }

    async fn semester(&self, scope: &Scope, id: &str) -> StoreResult<Option<Semester>> {
        let mut qb = QueryBuilder::new("SELECT s.* FROM university_semesters s WHERE s.id = ");
        qb.push_bind(id.to_string());
        push_semester_scope(&mut qb, scope);
        Ok(qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(semester_from_row))
    }

    async fn semesters(&self, scope: &Scope, page: Page) -> StoreResult<Listing<Semester>> {
        let scope = scope.clone();
        paged(
            &self.pool,
            "FROM university_semesters s WHERE 1=1",
            "SELECT s.* FROM university_semesters s WHERE 1=1",
            |qb| push_semester_scope(qb, &scope),
            "s.starts_on DESC, s.city_code, s.id",
            page,
            semester_from_row,
        )
        .await
    }

    async fn semester_rounds(&self, semester_id: &str) -> StoreResult<Vec<SemesterRound>> {
        let rows = sqlx::query(&sql(
            "SELECT * FROM university_semester_rounds WHERE semester_id = ? ORDER BY round",
        ))
        .bind(semester_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| SemesterRound {
                round: r.get("round"),
                due_on: day(r.get::<&str, _>("due_on")),
                campaign_id: r.get("campaign_id"),
                scheduled_at: from_ms(r.get("scheduled_at")),
            })
            .collect())
    }

    async fn claim_semester_round(
        &self,
        semester_id: &str,
        round: i64,
        due_on: NaiveDate,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let taken: i64 = sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM university_semester_rounds WHERE semester_id = ? AND round = ?",
        ))
        .bind(semester_id)
        .bind(round)
        .fetch_one(&mut *tx)
        .await?;
        if taken > 0 {
            return Ok(false);
        }
        let inserted = sqlx::query(&sql(
            "INSERT INTO university_semester_rounds (semester_id, round, due_on, campaign_id, scheduled_at) VALUES (?, ?, ?, NULL, ?)",
        ))
        .bind(semester_id)
        .bind(round)
        .bind(day_text(due_on))
        .bind(ms(now))
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) => {
                return match StoreError::from(e) {
                    StoreError::Conflict(_) => Ok(false),
                    other => Err(other),
                }
            }
        }
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn link_semester_round(&self, semester_id: &str, round: i64, campaign_id: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "UPDATE university_semester_rounds SET campaign_id = ? WHERE semester_id = ? AND round = ?",
        ))
        .bind(campaign_id)
        .bind(semester_id)
        .bind(round)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn release_semester_round(&self, semester_id: &str, round: i64) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "DELETE FROM university_semester_rounds WHERE semester_id = ? AND round = ? AND campaign_id IS NULL",
        ))
        .bind(semester_id)
        .bind(round)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn semester_universities(
        &self,
        scope: &Scope,
        city_prefix: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<SemesterUniversity>> {
        let start = beijing_midnight_ms(from);
        let end = beijing_midnight_ms(to + Duration::days(1));
        let mut qb = QueryBuilder::new(
            "SELECT u.id, u.name, (SELECT COUNT(*) FROM drills d WHERE d.unit_id = u.id AND d.planned_at >= ",
        );
        qb.push_bind(start)
            .push(" AND d.planned_at < ")
            .push_bind(end)
            .push(") AS planned, (SELECT COUNT(*) FROM drills d WHERE d.unit_id = u.id AND d.planned_at >= ")
            .push_bind(start)
            .push(" AND d.planned_at < ")
            .push_bind(end)
            .push(" AND d.state IN ('finished', 'evaluated')) AS done, (SELECT COUNT(*) FROM university_duty t WHERE t.unit_id = u.id AND t.duty_date >= ")
            .push_bind(day_text(from))
            .push(" AND t.duty_date <= ")
            .push_bind(day_text(to))
            .push(") AS duty FROM units u WHERE u.is_university = ")
            .push_bind(true)
            .push(" AND u.state <> 'closed' AND u.division_code LIKE ")
            .push_bind(format!("{}%", escape_like(city_prefix)))
            .push(" ESCAPE '\\'");
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY u.name LIMIT 1000");
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| SemesterUniversity {
                unit_id: r.get("id"),
                unit_name: r.get("name"),
                drills_planned: r.get("planned"),
                drills_done: r.get("done"),
                duty_entries: r.get("duty"),
            })
            .collect())
    }
}

//! [`UniversityService`]: universities as first-class units (docs/UNIVERSITIES.md; R39,
//! R84–R88).
//!
//! Who may do what: everyone reads the universities of their scope (a unit's accounts their
//! own); police and the university's security manager keep its organisation and holiday duty
//! roster ([`Permission::UniversityWrite`]); provincial and city police set the semester
//! calendar of a city and schedule its inspections ([`Permission::SemesterConfigure`], which
//! launches campaigns and so also needs [`Permission::CampaignLaunch`]). A unit or semester
//! outside the scope is not found.

use chrono::{Duration, NaiveDate, Utc};
use neibao_domain::access::{Permission, Principal, Scope};
use neibao_domain::error::ErrorCode;
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::supervision::dispatch::HandOut;
use neibao_domain::text::checked_text;
use neibao_domain::universities::*;
use neibao_store::universities::{NewCampus, NewCollege, NewDormitory, NewDuty, NewSemester, ProfileFields};
use serde::{Deserialize, Serialize};

use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::notifications::notice::{send, Notice};
use crate::supervision::campaigns::{launch, CampaignInput, CampaignSelection};

/// Most key areas given with a campus.
pub const MAX_CAMPUS_AREAS: usize = 30;
/// Most holidays of a semester.
pub const MAX_HOLIDAYS: usize = 20;
/// Longest semester (days).
pub const MAX_SEMESTER_DAYS: i64 = 250;

/// The university's organisation as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct UniversityProfileInput {
    /// The version read (0 before the first save); a stale one is refused (409).
    #[serde(default)]
    pub version: i64,
    /// 党委书记 (at most 30 characters).
    #[serde(default)]
    #[schema(max_length = 30)]
    pub party_secretary: String,
    /// 校长 (at most 30 characters).
    #[serde(default)]
    #[schema(max_length = 30)]
    pub president: String,
    /// 保卫处 (required, at most 30 characters).
    #[serde(default)]
    #[schema(max_length = 30)]
    pub security_office: String,
    /// 保卫处负责人 (at most 30 characters).
    #[serde(default)]
    #[schema(max_length = 30)]
    pub security_office_head: String,
}

/// A college or department.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CollegeInput {
    /// 院系名称 (required, at most 50 characters).
    #[serde(default)]
    #[schema(max_length = 50)]
    pub name: String,
    /// 院系负责人 (required, at most 30 characters).
    #[serde(default)]
    #[schema(max_length = 30)]
    pub head: String,
    /// 安全工作联络人 (at most 30 characters).
    #[serde(default)]
    #[schema(max_length = 30)]
    pub safety_officer: String,
}

/// A campus with its key areas.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CampusInput {
    /// 校区名称 (required, at most 30 characters).
    #[serde(default)]
    #[schema(max_length = 30)]
    pub name: String,
    /// 地址 (at most 100 characters).
    #[serde(default)]
    #[schema(max_length = 100)]
    pub address: String,
    /// The police station covering the campus (an organisation id).
    #[serde(default)]
    pub police_station_id: Option<String>,
    /// The campus's key areas (重要部位: 实验楼、图书馆 …), each at most 30 characters; each
    /// becomes a registry key area of the unit named 校区·部位.
    #[serde(default)]
    #[schema(max_items = 30)]
    pub key_areas: Vec<String>,
}

/// A dormitory building.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DormitoryInput {
    /// One of the university's campuses.
    #[serde(default)]
    pub campus_id: String,
    /// 楼名 (required, at most 30 characters).
    #[serde(default)]
    #[schema(max_length = 30)]
    pub name: String,
    /// Number of rooms, 0–10000.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10000)]
    pub rooms: i64,
}

/// A holiday duty roster entry.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DutyInput {
    /// The duty date (required).
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// 节假日 (required, at most 30 characters).
    #[serde(default)]
    #[schema(max_length = 30)]
    pub holiday: String,
    /// 值班人员 (required, at most 30 characters).
    #[serde(default)]
    #[schema(max_length = 30)]
    pub person: String,
    /// 岗位：值班领导、值班人员 … (at most 30 characters).
    #[serde(default)]
    #[schema(max_length = 30)]
    pub post: String,
}

/// A semester of a city's calendar.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SemesterInput {
    /// The city's 6-digit division code (330100), inside the caller's jurisdiction.
    #[serde(default)]
    #[schema(pattern = "^[0-9]{6}$")]
    pub city_code: String,
    /// 学期名称 (required, at most 40 characters), e.g. 2026—2027学年第一学期.
    #[serde(default)]
    #[schema(max_length = 40)]
    pub name: String,
    #[serde(default)]
    pub starts_on: Option<NaiveDate>,
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
    /// The Monday school-safety education week starts (default: the last week of March when
    /// the semester holds it).
    #[serde(default)]
    pub safety_week_from: Option<NaiveDate>,
    /// Holidays within the semester (at most 20).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub holidays: Vec<Holiday>,
}

/// What scheduling a semester did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScheduleReport {
    /// The semester's inspection rounds now.
    pub rounds: Vec<SemesterRound>,
    /// Campaigns launched by this call (0 on a rerun).
    pub launched: i64,
    /// Why a round was not scheduled (its due date passed), zh-CN.
    pub skipped: Vec<String>,
    /// Universities the safety-week reminder is addressed to (inbox and own channels; each
    /// university gets it once, a rerun adds nothing).
    pub reminders: i64,
}

/// Universities' organisation, duty rosters and the semester calendar.
#[derive(Clone)]
pub struct UniversityService {
    pub(crate) ctx: Ctx,
}

fn display(who: &Principal) -> String {
    if who.display_name.trim().is_empty() {
        who.username.clone()
    } else {
        who.display_name.clone()
    }
}

fn text(v: &str, label: &str, max: usize, required: bool) -> ServiceResult<String> {
    Ok(checked_text(v, label, max, required, false)?)
}

/// Today in Beijing.
fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

fn round_zh(round: i64) -> &'static str {
    if round == 1 {
        "第一次"
    } else {
        "第二次"
    }
}

impl UniversityService {
    pub fn new(ctx: Ctx) -> UniversityService {
        UniversityService { ctx }
    }

    /// The unit's university profile: organisation, colleges, campuses with their key areas
    /// and police stations, dormitory buildings, duty roster. 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn profile(&self, who: &Principal, unit_id: &str) -> ServiceResult<UniversityProfile> {
        Ok(self.ctx.store.university_profile(&who.scope, unit_id).await?)
    }

    /// The police stations of the university's city (id, name), for the campus form. 404
    /// outside the scope.
    pub async fn campus_stations(&self, who: &Principal, unit_id: &str) -> ServiceResult<Vec<(String, String)>> {
        let p = self.ctx.store.university_profile(&who.scope, unit_id).await?;
        let city = p.division_code.get(..4).unwrap_or("");
        Ok(self
            .ctx
            .store
            .list_organisations(Some("police_station"), Some(city))
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect())
    }

    /// Saves the organisation ([`Permission::UniversityWrite`]): 保卫处 required, every name
    /// at most 30 characters. 409 when the unit is not a university, closed, or the version
    /// is stale. Audited as `university.profile`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn save_profile(
        &self,
        who: &Principal,
        unit_id: &str,
        p: UniversityProfileInput,
    ) -> ServiceResult<UniversityProfile> {
        who.require(Permission::UniversityWrite)?;
        self.ctx.store.university_profile(&who.scope, unit_id).await?;
        let f = ProfileFields {
            party_secretary: text(&p.party_secretary, "党委书记", 30, false)?,
            president: text(&p.president, "校长", 30, false)?,
            security_office: text(&p.security_office, "保卫处（部）名称", 30, true)?,
            security_office_head: text(&p.security_office_head, "保卫处负责人", 30, false)?,
            version: p.version,
            by: display(who),
        };
        let audit = who.audit("university.profile", "university", unit_id, Some(unit_id));
        Ok(self
            .ctx
            .store
            .save_university_profile(&who.scope, unit_id, &f, &audit, Utc::now())
            .await?)
    }

    /// Adds a college or department ([`Permission::UniversityWrite`]): name and head
    /// required. 409 for a name the university has. Audited as `university.college`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn add_college(&self, who: &Principal, unit_id: &str, c: CollegeInput) -> ServiceResult<College> {
        who.require(Permission::UniversityWrite)?;
        self.ctx.store.university_profile(&who.scope, unit_id).await?;
        let c = NewCollege {
            id: new_id(),
            name: text(&c.name, "院系名称", 50, true)?,
            head: text(&c.head, "院系负责人", 30, true)?,
            safety_officer: text(&c.safety_officer, "安全工作联络人", 30, false)?,
            by: display(who),
        };
        let audit = who.audit("university.college", "university_college", &c.id, Some(unit_id));
        Ok(self
            .ctx
            .store
            .add_university_college(&who.scope, unit_id, &c, &audit, Utc::now())
            .await?)
    }

    /// Adds a campus with its police station and key areas ([`Permission::UniversityWrite`]).
    /// Audited as `university.campus`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn add_campus(&self, who: &Principal, unit_id: &str, c: CampusInput) -> ServiceResult<Campus> {
        who.require(Permission::UniversityWrite)?;
        self.ctx.store.university_profile(&who.scope, unit_id).await?;
        let mut areas: Vec<String> = Vec::new();
        for (i, a) in c.key_areas.iter().filter(|a| !a.trim().is_empty()).enumerate() {
            let a = text(a, &format!("第{}个重要部位", i + 1), 30, true)?;
            if !areas.contains(&a) {
                areas.push(a);
            }
        }
        if areas.len() > MAX_CAMPUS_AREAS {
            return Err(ServiceError::invalid(format!(
                "一个校区的重要部位最多 {MAX_CAMPUS_AREAS} 个"
            )));
        }
        let c = NewCampus {
            id: new_id(),
            name: text(&c.name, "校区名称", 30, true)?,
            address: text(&c.address, "校区地址", 100, false)?,
            police_station_id: c
                .police_station_id
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
            key_areas: areas,
            by: display(who),
        };
        let mut audit = who.audit("university.campus", "university_campus", &c.id, Some(unit_id));
        audit.detail = serde_json::json!({ "key_areas": c.key_areas.len() }).to_string();
        Ok(self
            .ctx
            .store
            .add_university_campus(&who.scope, unit_id, &c, &audit, Utc::now())
            .await?)
    }

    /// Adds a dormitory building of a campus ([`Permission::UniversityWrite`]), registered as
    /// a key area of the unit: a camera on it must give its location type, and a camera inside
    /// a dormitory room is refused (R85). Audited as `university.dormitory`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn add_dormitory(&self, who: &Principal, unit_id: &str, d: DormitoryInput) -> ServiceResult<Dormitory> {
        who.require(Permission::UniversityWrite)?;
        self.ctx.store.university_profile(&who.scope, unit_id).await?;
        if !(0..=10_000).contains(&d.rooms) {
            return Err(ServiceError::invalid("房间数应为 0–10000 的整数"));
        }
        if d.campus_id.trim().is_empty() {
            return Err(ServiceError::invalid("请选择宿舍楼所在的校区"));
        }
        let d = NewDormitory {
            id: new_id(),
            campus_id: d.campus_id.trim().to_string(),
            name: text(&d.name, "宿舍楼名称", 30, true)?,
            rooms: d.rooms,
            by: display(who),
        };
        let audit = who.audit("university.dormitory", "university_dormitory", &d.id, Some(unit_id));
        Ok(self
            .ctx
            .store
            .add_university_dormitory(&who.scope, unit_id, &d, &audit, Utc::now())
            .await?)
    }

    /// Adds a holiday duty roster entry ([`Permission::UniversityWrite`]): date, holiday and
    /// person required. Audited as `university.duty`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn add_duty(&self, who: &Principal, unit_id: &str, d: DutyInput) -> ServiceResult<DutyEntry> {
        who.require(Permission::UniversityWrite)?;
        self.ctx.store.university_profile(&who.scope, unit_id).await?;
        let date = d
            .date
            .ok_or_else(|| ServiceError::invalid("请填写值班日期（年-月-日）"))?;
        let d = NewDuty {
            id: new_id(),
            date,
            holiday: text(&d.holiday, "节假日名称", 30, true)?,
            person: text(&d.person, "值班人员", 30, true)?,
            post: text(&d.post, "值班岗位", 30, false)?,
            by: display(who),
        };
        let audit = who.audit("university.duty", "university_duty", &d.id, Some(unit_id));
        Ok(self
            .ctx
            .store
            .add_university_duty(&who.scope, unit_id, &d, &audit, Utc::now())
            .await?)
    }

    /// The semesters of the cities in the caller's scope, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn semesters(&self, who: &Principal, page: Page) -> ServiceResult<Listing<Semester>> {
        Ok(self.ctx.store.semesters(&who.scope, page).await?)
    }

    /// Sets a semester of a city ([`Permission::SemesterConfigure`]): the city inside the
    /// caller's jurisdiction, a name, start before end and at most 250 days, the safety week
    /// (default: the last week of March when the semester holds it) and holidays within the
    /// semester. 409 when the city has a semester of that name. Audited as
    /// `semester.create`.
    #[tracing::instrument(skip_all)]
    pub async fn create_semester(&self, who: &Principal, s: SemesterInput) -> ServiceResult<Semester> {
        who.require(Permission::SemesterConfigure)?;
        let city = city_code(&s.city_code)
            .ok_or_else(|| ServiceError::invalid("请填写设区市的6位行政区划代码（如杭州市 330100）"))?;
        match &who.scope {
            Scope::All => {}
            Scope::Division { prefix } if city_prefix(&city).starts_with(prefix.as_str()) => {}
            _ => return Err(ServiceError::forbidden("只能设置本辖区城市的学期校历")),
        }
        let name = text(&s.name, "学期名称", 40, true)?;
        let starts_on = s.starts_on.ok_or_else(|| ServiceError::invalid("请填写学期开始日期"))?;
        let ends_on = s.ends_on.ok_or_else(|| ServiceError::invalid("请填写学期结束日期"))?;
        if ends_on <= starts_on {
            return Err(ServiceError::invalid("学期结束日期须晚于开始日期"));
        }
        if (ends_on - starts_on).num_days() > MAX_SEMESTER_DAYS {
            return Err(ServiceError::invalid(format!("一个学期不超过 {MAX_SEMESTER_DAYS} 天")));
        }
        let safety_week_from = match s.safety_week_from {
            Some(d) if d < starts_on || d > ends_on => {
                return Err(ServiceError::invalid("安全教育周须在学期之内"));
            }
            Some(d) => Some(d),
            None => safety_week_in(starts_on, ends_on),
        };
        if s.holidays.len() > MAX_HOLIDAYS {
            return Err(ServiceError::invalid(format!("节假日最多 {MAX_HOLIDAYS} 个")));
        }
        let mut holidays = Vec::new();
        for (i, h) in s.holidays.iter().enumerate() {
            let n = i + 1;
            let name = text(&h.name, &format!("第{n}个节假日的名称"), 30, true)?;
            if h.to < h.from {
                return Err(ServiceError::invalid(format!("节假日「{name}」的结束日期早于开始日期")));
            }
            if h.from < starts_on || h.to > ends_on + Duration::days(60) {
                return Err(ServiceError::invalid(format!(
                    "节假日「{name}」须在学期之内（寒暑假可到学期结束后60天）"
                )));
            }
            holidays.push(Holiday {
                name,
                from: h.from,
                to: h.to,
            });
        }
        let n = NewSemester {
            id: new_id(),
            city_code: city,
            name,
            starts_on,
            ends_on,
            safety_week_from,
            holidays,
            by: display(who),
        };
        let mut audit = who.audit("semester.create", "semester", &n.id, None);
        audit.detail = serde_json::json!({ "city_code": n.city_code, "starts_on": n.starts_on }).to_string();
        Ok(self.ctx.store.create_semester(&n, &audit, Utc::now()).await?)
    }

    /// A semester with its inspection rounds and the universities of its city in the caller's
    /// scope (their drills and duty entries in the semester). 404 outside the scope.
    #[tracing::instrument(skip_all, fields(semester = %id))]
    pub async fn semester(&self, who: &Principal, id: &str) -> ServiceResult<SemesterDetail> {
        let s = self
            .ctx
            .store
            .semester(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)?;
        let rounds = self.ctx.store.semester_rounds(id).await?;
        let universities = self
            .ctx
            .store
            .semester_universities(&who.scope, city_prefix(&s.city_code), s.starts_on, s.ends_on)
            .await?;
        Ok(SemesterDetail {
            semester: s,
            rounds,
            universities,
        })
    }

    /// Schedules the semester ([`Permission::SemesterConfigure`] and
    /// [`Permission::CampaignLaunch`]): two safety-inspection campaigns over the city's
    /// universities (R86: at least twice per semester), due in the middle and at the end of
    /// the semester, and the safety-week reminder to each university. Idempotent: a round
    /// scheduled before is not launched again, a reminder goes once per university. A round
    /// whose due date passed is skipped (said in the answer); 409 once the semester ended.
    /// Audited as `semester.schedule` per round (the campaign as `campaign.launch`).
    #[tracing::instrument(skip_all, fields(semester = %id))]
    pub async fn schedule(&self, who: &Principal, id: &str) -> ServiceResult<ScheduleReport> {
        who.require(Permission::SemesterConfigure)?;
        let s = self
            .ctx
            .store
            .semester(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)?;
        let today = today();
        if s.ends_on < today {
            return Err(ServiceError::refused(
                ErrorCode::InvalidTransition,
                "该学期已结束，不能再安排检查",
            ));
        }
        let existing = self.ctx.store.semester_rounds(id).await?;
        let mut launched = 0;
        let mut skipped = Vec::new();
        for (i, due) in round_due_dates(s.starts_on, s.ends_on).into_iter().enumerate() {
            let round = i as i64 + 1;
            if existing.iter().any(|r| r.round == round) {
                continue;
            }
            if due <= today {
                skipped.push(format!(
                    "{}安全检查的截止日期（{}）已过，未安排",
                    round_zh(round),
                    due.format("%Y年%m月%d日")
                ));
                continue;
            }
            let mut audit = who.audit("semester.schedule", "semester", id, None);
            audit.detail = serde_json::json!({ "round": round, "due_on": due }).to_string();
            if !self
                .ctx
                .store
                .claim_semester_round(id, round, due, &audit, Utc::now())
                .await?
            {
                continue;
            }
            let input = CampaignInput {
                title: format!("{}{}高校安全检查", s.name, round_zh(round)),
                description: format!(
                    "依据学期校历安排的高校安全检查（每学期至少两次，R86），使用高等学校检查表（含 GB/T 31068 重点部位）。学期：{}至{}。",
                    s.starts_on.format("%Y年%m月%d日"),
                    s.ends_on.format("%Y年%m月%d日")
                ),
                selection: CampaignSelection {
                    division_prefix: Some(city_prefix(&s.city_code).to_string()),
                    university_only: true,
                    ..Default::default()
                },
                due_date: due,
                assignee_name: None,
                hand_out: HandOut::default(),
            };
            match launch(self.ctx.store.as_ref(), who, input, Utc::now()).await {
                Ok(c) => {
                    self.ctx.store.link_semester_round(id, round, &c.id).await?;
                    launched += 1;
                }
                Err(e) => {
                    self.ctx.store.release_semester_round(id, round).await?;
                    return Err(e);
                }
            }
        }
        let reminders = self.remind_safety_week(who, &s).await?;
        Ok(ScheduleReport {
            rounds: self.ctx.store.semester_rounds(id).await?,
            launched,
            skipped,
            reminders,
        })
    }

    /// The school-safety education week reminder (last week of March, R86) to every university
    /// of the semester's city in the caller's scope, once per university (the notice key).
    async fn remind_safety_week(&self, who: &Principal, s: &Semester) -> ServiceResult<i64> {
        let Some(from) = s.safety_week_from else {
            return Ok(0);
        };
        if from + Duration::days(6) < today() {
            return Ok(0);
        }
        let to = from + Duration::days(6);
        let universities = self
            .ctx
            .store
            .semester_universities(&who.scope, city_prefix(&s.city_code), s.starts_on, s.ends_on)
            .await?;
        let mut sent = 0;
        for u in universities {
            send(
                self.ctx.store.as_ref(),
                &Notice {
                    key: format!("safety-week:{}:{}", s.id, u.unit_id),
                    unit_id: Some(u.unit_id.clone()),
                    org_ids: Vec::new(),
                    title: format!(
                        "学校安全教育周：{}至{}",
                        from.format("%m月%d日"),
                        to.format("%m月%d日")
                    ),
                    unit_name: u.unit_name.clone(),
                    summary: "请在安全教育周组织安全教育（含反恐怖防范知识，R88）并登记活动；本学期至少开展两次安全检查和应急演练。".into(),
                    link: format!("/units/{}/university", u.unit_id),
                    at: Utc::now(),
                },
                self.ctx.config.public_url.as_deref(),
            )
            .await?;
            sent += 1;
        }
        Ok(sent)
    }
}

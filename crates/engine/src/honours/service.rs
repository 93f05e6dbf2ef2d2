//! [`HonoursService`]: 平安单位 applications, decisions and revocations, and the unit's honours
//! standing (the block from the ladder and the record the police decide on).

use chrono::{DateTime, Datelike, Duration, Utc};
use neibao_domain::access::{Permission, Principal, Scope};
use neibao_domain::assessment::{Grade as AssessmentGrade, UnitResult, CYCLE_DAYS};
use neibao_domain::honours::{
    block_at, is_open_listing, validity, CaseView, HonoursBlock, SafeUnitTitle, TitleState, MAX_TEXT_CHARS,
};
use neibao_domain::ids::new_id;
use neibao_domain::paging::Page;
use neibao_domain::supervision::calendar::date_zh;
use neibao_domain::supervision::ladder::HazardClass;
use neibao_domain::supervision::{Hazard, HazardFilter};
use neibao_domain::text::checked_text;
use neibao_store::honours::{NewApplication, TitleChange};
use serde::Serialize;

use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use neibao_domain::error::ErrorCode;

/// A listed-supervision case still open.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OpenListing {
    pub hazard_id: String,
    pub title: String,
    pub listed_at: Option<DateTime<Utc>>,
    pub deadline: Option<DateTime<Utc>>,
}

/// What the police decide a title on, and the unit's titles.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HonoursStanding {
    pub unit_id: String,
    pub unit_name: String,
    /// The honours block in force now (S10 Art 29), computed from the ladder; `null`: none.
    pub block: Option<HonoursBlock>,
    /// Open listed-supervision (挂牌督办) cases: a title cannot be granted while one is open.
    pub open_listings: Vec<OpenListing>,
    /// Major hazards (重大隐患) found in the last 365 days, shown to the deciding officer.
    pub major_hazards_last_year: i64,
    /// The safety assessment the decision uses (R32, docs/ASSESSMENT.md): the unit's latest
    /// signed result of the last two years as a person reads it, e.g. 「优秀（92分，2026年3月5日签发）」;
    /// `null`: none in the last two years (an obstacle).
    pub assessment: Option<String>,
    /// Whether a title could be granted now (no block, no open listing, assessment not failing).
    pub may_be_granted: bool,
    /// Why not, as a person reads it.
    pub obstacles: Vec<String>,
    pub titles: Vec<SafeUnitTitle>,
}

fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

fn name_of(who: &Principal) -> String {
    let name = if who.display_name.trim().is_empty() {
        who.username.clone()
    } else {
        who.display_name.clone()
    };
    match (&who.org_name, &who.unit_name) {
        (Some(org), _) => format!("{name}（{org}）"),
        (None, Some(unit)) => format!("{name}（{unit}）"),
        _ => name,
    }
}

#[derive(Clone)]
pub struct HonoursService {
    pub(crate) ctx: Ctx,
}

impl HonoursService {
    pub fn new(ctx: Ctx) -> HonoursService {
        HonoursService { ctx }
    }

    /// The unit's latest signed safety assessment of the two years before `at` (R32). The caller
    /// has already found the unit in its scope.
    async fn assessment(&self, unit_id: &str, at: DateTime<Utc>) -> ServiceResult<Option<UnitResult>> {
        let scope = Scope::Unit {
            unit_id: unit_id.to_string(),
        };
        let from = at - Duration::days(CYCLE_DAYS);
        Ok(self
            .ctx
            .store
            .latest_assessment_results(&scope, from, at)
            .await?
            .into_iter()
            .find(|r| r.unit_id == unit_id))
    }

    async fn hazards(&self, who: &Principal, unit_id: &str) -> ServiceResult<Vec<Hazard>> {
        let f = HazardFilter {
            unit_id: Some(unit_id.to_string()),
            ..Default::default()
        };
        let mut out = Vec::new();
        let mut n = 1;
        loop {
            let l = self
                .ctx
                .store
                .list_hazards(&who.scope, &f, Page { page: n, per_page: 200 })
                .await?;
            let got = l.items.len();
            out.extend(l.items);
            if got < 200 || n >= 50 {
                break;
            }
            n += 1;
        }
        Ok(out)
    }

    /// The unit's honours standing at `at` (block, open listings, major hazards, assessment,
    /// titles). Those who apply or decide; 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn standing(&self, who: &Principal, unit_id: &str) -> ServiceResult<HonoursStanding> {
        if !who.can(Permission::HonoursApply) && !who.can(Permission::HonoursDecide) {
            return Err(ServiceError::forbidden(
                "仅单位保卫负责人和县级以上公安机关可以查看平安单位申请",
            ));
        }
        let at = now();
        let unit = self.ctx.store.get_unit(&who.scope, unit_id).await?;
        let hazards = self.hazards(who, unit_id).await?;
        let cases: Vec<CaseView<'_>> = hazards
            .iter()
            .map(|h| CaseView {
                hazard_id: &h.id,
                hazard_title: &h.title,
                case: &h.case_state,
            })
            .collect();
        let block = block_at(&cases, at);
        let open_listings: Vec<OpenListing> = hazards
            .iter()
            .filter(|h| is_open_listing(&h.case_state))
            .map(|h| OpenListing {
                hazard_id: h.id.clone(),
                title: h.title.clone(),
                listed_at: h.case_state.listed_at,
                deadline: h.case_state.deadline,
            })
            .collect();
        let major_hazards_last_year = hazards
            .iter()
            .filter(|h| h.class == HazardClass::Major && h.created_at > at - Duration::days(365))
            .count() as i64;
        let mut obstacles = Vec::new();
        if let Some(b) = &block {
            obstacles.push(format!("荣誉限制期至{}：{}", date_zh(b.until), b.rule_zh));
        }
        for l in &open_listings {
            obstacles.push(format!("隐患「{}」正在挂牌督办，尚未销号", l.title));
        }
        let assessment = self.assessment(unit_id, at).await?;
        match &assessment {
            None => obstacles.push("近两年内没有签发的安全评估结果（每两年评估一次），请先完成安全评估".to_string()),
            Some(r) if r.grade == AssessmentGrade::Fail => {
                obstacles.push(format!("最近一次安全评估不合格（{}分）", r.total))
            }
            Some(_) => {}
        }
        let assessment =
            assessment.map(|r| format!("{}（{}分，{}签发）", r.grade.label_zh(), r.total, date_zh(r.signed_at)));
        let titles = self.ctx.store.safe_unit_titles(&who.scope, unit_id).await?;
        Ok(HonoursStanding {
            unit_id: unit_id.to_string(),
            unit_name: unit.name.clone(),
            block,
            open_listings,
            major_hazards_last_year,
            assessment,
            may_be_granted: obstacles.is_empty(),
            obstacles,
            titles,
        })
    }

    /// The unit's application for the 平安单位 title of `year` (this year or next;
    /// [`Permission::HonoursApply`]: the unit's security manager; 404 outside the scope):
    /// `statement` required (≤ 2000). 400 for another year; 409 when the unit is closed or
    /// already applied for the year (a refused application may be repeated). Audited as
    /// `honours.apply`. The honours block does not stop the application; it stops the grant.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn apply(
        &self,
        who: &Principal,
        unit_id: &str,
        year: Option<i32>,
        statement: &str,
    ) -> ServiceResult<SafeUnitTitle> {
        who.require(Permission::HonoursApply)?;
        // Outside the scope: 404 before anything sent is judged.
        self.ctx.store.get_unit(&who.scope, unit_id).await?;
        let at = now();
        let this_year = at.with_timezone(&chrono_tz::Asia::Shanghai).year();
        let year = year.ok_or_else(|| ServiceError::invalid("请填写申请年度"))?;
        if year != this_year && year != this_year + 1 {
            return Err(ServiceError::invalid(format!(
                "申请年度应为{this_year}年或{}年",
                this_year + 1
            )));
        }
        let statement = checked_text(statement, "申请说明", MAX_TEXT_CHARS, true, true)?;
        let a = NewApplication {
            id: new_id(),
            unit_id: unit_id.to_string(),
            year,
            statement,
            by: who.user_id.clone(),
            by_name: name_of(who),
            at,
        };
        let mut audit = who.audit("honours.apply", "safe_unit_title", &a.id, Some(unit_id));
        audit.detail = format!("{year}年度");
        Ok(self.ctx.store.apply_safe_unit(&who.scope, &a, &audit).await?)
    }

    /// The application `id` (404 outside the scope).
    pub async fn title(&self, who: &Principal, id: &str) -> ServiceResult<SafeUnitTitle> {
        if !who.can(Permission::HonoursApply) && !who.can(Permission::HonoursDecide) {
            return Err(ServiceError::forbidden(
                "仅单位保卫负责人和县级以上公安机关可以查看平安单位申请",
            ));
        }
        self.ctx
            .store
            .safe_unit_title(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    /// Decides an application ([`Permission::HonoursDecide`]: county-level and higher police;
    /// 404 outside the scope): `grant` or `refuse`, `reason` required (≤ 2000). A grant needs
    /// `no_major_case` (the officer confirms no major case in the year before; 400 without) and
    /// is refused with 409 `invalid_transition` while the unit is under the honours block (S10 Art
    /// 29: 6 months from a listing, 1 year from a missed listed-supervision deadline), has an
    /// open listed-supervision case, or has no passing safety assessment of the last two years. Granted: valid
    /// from the later of today and 1 January through 31 December of the year (409 when the year
    /// is over). 409 when already decided. Audited `honours.grant` / `honours.refuse`.
    #[tracing::instrument(skip_all, fields(title = %id))]
    pub async fn decide(
        &self,
        who: &Principal,
        id: &str,
        decision: &str,
        reason: &str,
        no_major_case: bool,
    ) -> ServiceResult<SafeUnitTitle> {
        who.require(Permission::HonoursDecide)?;
        let t = self.title(who, id).await?;
        let to = match decision.trim() {
            "grant" => TitleState::Granted,
            "refuse" => TitleState::Refused,
            "" => return Err(ServiceError::invalid("请选择审核结果（授予或不予授予）")),
            other => {
                return Err(ServiceError::invalid(format!(
                    "审核结果「{other}」不存在，应为 grant（授予）或 refuse（不予授予）"
                )))
            }
        };
        let reason = checked_text(reason, "审核意见", MAX_TEXT_CHARS, true, true)?;
        let at = now();
        let mut valid = None;
        if to == TitleState::Granted {
            if !no_major_case {
                return Err(ServiceError::invalid(
                    "授予前请核实并确认申请单位近一年内未发生重大案事件",
                ));
            }
            let s = self.standing(who, &t.unit_id).await?;
            if !s.obstacles.is_empty() {
                return Err(ServiceError::refused(
                    ErrorCode::InvalidTransition,
                    format!("不能授予平安单位称号：{}", s.obstacles.join("；")),
                ));
            }
            let today = at.with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
            valid = Some(validity(t.year, today).ok_or_else(|| {
                ServiceError::refused(
                    ErrorCode::InvalidTransition,
                    format!("{}年度已结束，不能再授予", t.year),
                )
            })?);
        }
        let c = TitleChange {
            to,
            reason,
            by: who.user_id.clone(),
            by_name: name_of(who),
            at,
            valid,
        };
        let action = if to == TitleState::Granted {
            "honours.grant"
        } else {
            "honours.refuse"
        };
        let mut audit = who.audit(action, "safe_unit_title", id, Some(&t.unit_id));
        audit.detail = format!("{}年度", t.year);
        Ok(self
            .ctx
            .store
            .change_safe_unit_title(&who.scope, id, &c, &audit)
            .await?)
    }

    /// Revokes a granted title on a major case ([`Permission::HonoursDecide`]; 404 outside the
    /// scope): `reason` (the case, required, ≤ 2000). 409 unless granted. Audited
    /// `honours.revoke`.
    #[tracing::instrument(skip_all, fields(title = %id))]
    pub async fn revoke(&self, who: &Principal, id: &str, reason: &str) -> ServiceResult<SafeUnitTitle> {
        who.require(Permission::HonoursDecide)?;
        let t = self.title(who, id).await?;
        let reason = checked_text(reason, "撤销理由", MAX_TEXT_CHARS, true, true)?;
        let c = TitleChange {
            to: TitleState::Revoked,
            reason,
            by: who.user_id.clone(),
            by_name: name_of(who),
            at: now(),
            valid: None,
        };
        let mut audit = who.audit("honours.revoke", "safe_unit_title", id, Some(&t.unit_id));
        audit.detail = format!("{}年度", t.year);
        Ok(self
            .ctx
            .store
            .change_safe_unit_title(&who.scope, id, &c, &audit)
            .await?)
    }
}

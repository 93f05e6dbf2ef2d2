//! [`PatrolService`]: a unit's patrol routes and rounds (docs/PATROL.md; Decree 421 Art 11(3),
//! R12(3)).
//!
//! Who may do what: everyone reads the routes and rounds of the units in their scope (police and
//! competent departments those of their jurisdiction, a unit's accounts their own); the unit's
//! security manager manages routes ([`Permission::PatrolManage`]); the unit's manager and guards
//! walk rounds ([`Permission::PatrolWalk`]). A unit, route or round outside the scope is not found.

use chrono::{Duration, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::patrol::*;
use neibao_domain::registry::ArmedPeriod;
use neibao_domain::text::checked_text;

use super::misses::{finished_late, first_check, overtime_job, round_misses, round_overtime};
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};

/// Longest route or checkpoint name (characters).
pub const MAX_NAME_CHARS: usize = 50;
/// Longest route note (characters).
pub const MAX_NOTE_CHARS: usize = 500;
/// Longest location note of a checkpoint (characters).
pub const MAX_LOCATION_CHARS: usize = 100;
/// Longest tag id (characters).
pub const MAX_TAG_CHARS: usize = 64;
/// Most checkpoints of one route.
pub const MAX_CHECKPOINTS: usize = 100;
/// Most schedule periods of one route.
pub const MAX_PERIODS: usize = 50;

/// A route as typed: name, note, schedule (start windows), longest time, checkpoints in order.
#[derive(Debug, Clone)]
pub struct RouteDraft {
    pub name: String,
    pub note: String,
    pub schedule: Vec<ArmedPeriod>,
    pub max_minutes: i64,
    pub checkpoints: Vec<CheckpointDraft>,
}

/// One visit as sent from the phone page: the tag id read or typed (`scan`), or the checkpoint
/// tapped (`tap`).
#[derive(Debug, Clone, Default)]
pub struct VisitInput {
    pub tag: Option<String>,
    pub checkpoint_id: Option<String>,
}

/// A unit's patrols.
#[derive(Clone)]
pub struct PatrolService {
    pub(crate) ctx: Ctx,
}

/// Now, to the millisecond (as stored).
fn now() -> chrono::DateTime<Utc> {
    let t = Utc::now();
    chrono::DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

/// A tag id: letters, digits, `-`, `_`, `.`, `:`; compared without case.
fn checked_tag(tag: &str, n: usize) -> ServiceResult<String> {
    let t = tag.trim();
    if t.is_empty() {
        return Err(ServiceError::invalid(format!("第{n}个巡查点：标签编号不能为空")));
    }
    if t.chars().count() > MAX_TAG_CHARS
        || !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
    {
        return Err(ServiceError::invalid(format!(
            "第{n}个巡查点：标签编号为 1–64 位字母、数字或 - _ . :（NFC 卡号或二维码内容）"
        )));
    }
    Ok(t.to_ascii_uppercase())
}

fn checked_schedule(periods: &[ArmedPeriod]) -> ServiceResult<Vec<ArmedPeriod>> {
    if periods.len() > MAX_PERIODS {
        return Err(ServiceError::invalid(format!("巡查排班最多 {MAX_PERIODS} 个时段")));
    }
    let mut out = Vec::new();
    for (i, p) in periods.iter().enumerate() {
        let n = i + 1;
        let mut days: Vec<u8> = p.weekdays.clone();
        days.sort_unstable();
        days.dedup();
        if days.is_empty() || days.iter().any(|d| !(1..=7).contains(d)) {
            return Err(ServiceError::invalid(format!(
                "巡查排班第{n}行：星期为 1（周一）至 7（周日），至少一天"
            )));
        }
        let time = |s: &str, label: &str| {
            chrono::NaiveTime::parse_from_str(s.trim(), "%H:%M")
                .map(|t| t.format("%H:%M").to_string())
                .map_err(|_| ServiceError::invalid(format!("巡查排班第{n}行：「{label}」应为 时:分（如 08:00）")))
        };
        let start = time(&p.start, "开始")?;
        let end = time(&p.end, "结束")?;
        if start == end {
            return Err(ServiceError::invalid(format!(
                "巡查排班第{n}行：开始与结束不能相同（开始到结束是允许开始巡查的时段）"
            )));
        }
        out.push(ArmedPeriod {
            weekdays: days,
            start,
            end,
        });
    }
    Ok(out)
}

/// Validates a draft into a route to store.
fn checked_route(id: &str, unit_id: &str, d: RouteDraft) -> ServiceResult<NewRoute> {
    let name = checked_text(&d.name, "路线名称", MAX_NAME_CHARS, true, false)?;
    let note = checked_text(&d.note, "路线说明", MAX_NOTE_CHARS, false, true)?;
    if !(5..=720).contains(&d.max_minutes) {
        return Err(ServiceError::invalid("单次最长用时为 5–720 分钟"));
    }
    if d.checkpoints.len() > MAX_CHECKPOINTS {
        return Err(ServiceError::invalid(format!(
            "一条路线最多 {MAX_CHECKPOINTS} 个巡查点"
        )));
    }
    let mut checkpoints = Vec::new();
    for (i, c) in d.checkpoints.iter().enumerate() {
        let n = i + 1;
        let tag = checked_tag(&c.tag, n)?;
        if checkpoints.iter().any(|x: &CheckpointDraft| x.tag == tag) {
            return Err(ServiceError::invalid(format!(
                "第{n}个巡查点：标签编号 {tag} 与前面的巡查点重复"
            )));
        }
        checkpoints.push(CheckpointDraft {
            id: c.id.clone().filter(|s| !s.trim().is_empty()),
            name: checked_text(&c.name, &format!("第{n}个巡查点的名称"), MAX_NAME_CHARS, true, false)?,
            location: checked_text(
                &c.location,
                &format!("第{n}个巡查点的位置"),
                MAX_LOCATION_CHARS,
                false,
                false,
            )?,
            tag,
        });
    }
    Ok(NewRoute {
        id: id.to_string(),
        unit_id: unit_id.to_string(),
        name,
        note,
        schedule: checked_schedule(&d.schedule)?,
        max_minutes: d.max_minutes,
        checkpoints,
        at: now(),
    })
}

impl PatrolService {
    pub fn new(ctx: Ctx) -> PatrolService {
        PatrolService { ctx }
    }

    /// The unit's name and its routes with their checkpoints (by name). 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn routes(&self, who: &Principal, unit_id: &str) -> ServiceResult<(String, Vec<PatrolRoute>)> {
        Ok(self.ctx.store.patrol_routes(&who.scope, unit_id).await?)
    }

    /// One route with its checkpoints. 404 when absent or outside the scope.
    #[tracing::instrument(skip_all, fields(route = %id))]
    pub async fn route(&self, who: &Principal, id: &str) -> ServiceResult<PatrolRoute> {
        self.ctx
            .store
            .patrol_route(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    /// Creates a route of the unit ([`Permission::PatrolManage`]; 404 outside the scope).
    /// Refused (400 `validation_failed`): empty or too long name (50) or note (500); longest
    /// time outside 5–720 minutes; a checkpoint without name or with a malformed tag (1–64 of
    /// letters, digits, `- _ . :`; stored upper-case); two checkpoints with one tag; a schedule
    /// row without weekday, with a malformed time, or starting when it ends. 409 `conflict`: a
    /// tag another route of the unit uses. Audited as `patrol.route_create`; the first late-round
    /// check is scheduled with it.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn create_route(&self, who: &Principal, unit_id: &str, d: RouteDraft) -> ServiceResult<PatrolRoute> {
        who.require(Permission::PatrolManage)?;
        let r = checked_route(&new_id(), unit_id, d)?;
        let audit = who.audit("patrol.route_create", "patrol_route", &r.id, Some(unit_id));
        let job = first_check(&r.id, &r.schedule, r.at);
        Ok(self
            .ctx
            .store
            .create_patrol_route(&who.scope, &r, job.as_ref(), &audit)
            .await?)
    }

    /// Replaces a route's fields and checkpoints when it is still at `version` (409 otherwise);
    /// checkpoints sent with their id keep it. Refusals as [`PatrolService::create_route`].
    /// Audited as `patrol.route_update`.
    #[tracing::instrument(skip_all, fields(route = %id, version))]
    pub async fn update_route(
        &self,
        who: &Principal,
        id: &str,
        version: i64,
        d: RouteDraft,
    ) -> ServiceResult<PatrolRoute> {
        who.require(Permission::PatrolManage)?;
        let current = self.route(who, id).await?;
        let r = checked_route(id, &current.unit_id, d)?;
        let audit = who.audit("patrol.route_update", "patrol_route", id, Some(&current.unit_id));
        let job = first_check(id, &r.schedule, r.at);
        Ok(self
            .ctx
            .store
            .update_patrol_route(&who.scope, &r, version, job.as_ref(), &audit)
            .await?)
    }

    /// Starts a round of the route as the caller ([`Permission::PatrolWalk`]: the unit's own
    /// manager and guards; 404 outside the scope). 400 for a route without checkpoints. Audited
    /// as `patrol.round_start`; the overtime check (`patrol.overtime`) is scheduled at the round's
    /// longest time.
    #[tracing::instrument(skip_all, fields(route = %route_id))]
    pub async fn start_round(&self, who: &Principal, route_id: &str) -> ServiceResult<PatrolRound> {
        who.require(Permission::PatrolWalk)?;
        if who.user_id.is_empty() {
            return Err(ServiceError::forbidden("只有本单位的账号可以巡查"));
        }
        let r = NewRound {
            id: new_id(),
            route_id: route_id.to_string(),
            guard_id: who.user_id.clone(),
            guard_name: if who.display_name.trim().is_empty() {
                who.username.clone()
            } else {
                who.display_name.clone()
            },
            at: now(),
        };
        let audit = who.audit("patrol.round_start", "patrol_round", &r.id, None);
        let round = self.ctx.store.start_patrol_round(&who.scope, &r, &audit).await?;
        // The overtime check at the round's longest time (misses.rs).
        self.ctx
            .store
            .schedule_job(&overtime_job(&round.id, round.started_at, round.max_minutes), now())
            .await?;
        Ok(round)
    }

    /// One round with its visits. 404 when absent or outside the scope.
    #[tracing::instrument(skip_all, fields(round = %id))]
    pub async fn round(&self, who: &Principal, id: &str) -> ServiceResult<PatrolRound> {
        self.ctx
            .store
            .patrol_round(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    /// Records a checkpoint of a round in progress ([`Permission::PatrolWalk`]): by the tag id
    /// read or typed (compared without case), or by the checkpoint tapped. 400 `validation_failed`
    /// for a tag or checkpoint not on the round's route (nothing recorded, the round goes on) or
    /// neither given; 409 for a finished round. A checkpoint recorded before answers the first
    /// visit (`false`) — a double tap records one visit. Audited as `patrol.visit`.
    #[tracing::instrument(skip_all, fields(round = %round_id))]
    pub async fn visit(&self, who: &Principal, round_id: &str, input: VisitInput) -> ServiceResult<(Visit, bool)> {
        who.require(Permission::PatrolWalk)?;
        let round = self.round(who, round_id).await?;
        let tag = input.tag.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let (checkpoint, method) = if let Some(tag) = tag {
            let found = round.expected.iter().find(|c| c.tag.eq_ignore_ascii_case(tag));
            match found {
                Some(c) => (c.clone(), "scan"),
                None => {
                    let shown: String = tag.chars().take(MAX_TAG_CHARS).collect();
                    return Err(ServiceError::invalid(format!(
                        "标签「{shown}」不是路线「{}」的巡查点，未记录；请核对位置后重新扫描，或点选巡查点",
                        round.route_name
                    )));
                }
            }
        } else if let Some(id) = input.checkpoint_id.as_deref().filter(|s| !s.trim().is_empty()) {
            match round.expected.iter().find(|c| c.id == id) {
                Some(c) => (c.clone(), "tap"),
                None => return Err(ServiceError::invalid("所选巡查点不属于本次巡查的路线，未记录")),
            }
        } else {
            return Err(ServiceError::invalid("请扫描巡查点标签，或点选一个巡查点"));
        };
        let v = NewVisit {
            id: new_id(),
            round_id: round.id.clone(),
            checkpoint_id: checkpoint.id.clone(),
            method: method.to_string(),
            photo_id: None,
            at: now(),
        };
        let mut audit = who.audit("patrol.visit", "patrol_round", &round.id, Some(&round.unit_id));
        audit.detail = serde_json::json!({ "checkpoint": checkpoint.name, "method": method }).to_string();
        Ok(self.ctx.store.add_patrol_visit(&who.scope, &v, &audit).await?)
    }

    /// Finishes a round ([`Permission::PatrolWalk`]); a finished round is answered as it is.
    /// Each expected checkpoint not visited is a miss: a `patrol.checkpoint_missed` event through
    /// the pipeline, one alert per miss (finishing again raises none); a round that took longer
    /// than its longest time is a `patrol.round_late` miss (one alert, also if the overtime check
    /// raised it while the round was open). Audited as
    /// `patrol.round_finish`.
    #[tracing::instrument(skip_all, fields(round = %id))]
    pub async fn finish_round(&self, who: &Principal, id: &str) -> ServiceResult<PatrolRound> {
        who.require(Permission::PatrolWalk)?;
        let round = self.round(who, id).await?;
        let mut audit = who.audit("patrol.round_finish", "patrol_round", id, Some(&round.unit_id));
        audit.detail = serde_json::json!({
            "visited": round.visits.len(),
            "missed": round.missed().len(),
        })
        .to_string();
        let (round, _) = self
            .ctx
            .store
            .finish_patrol_round(&who.scope, id, &audit, now())
            .await?;
        round_misses(&self.ctx, &round).await.map_err(ServiceError::Internal)?;
        if finished_late(&round) {
            round_overtime(&self.ctx, &round, false)
                .await
                .map_err(ServiceError::Internal)?;
        }
        Ok(round)
    }

    /// The rounds of a unit (of one route when given), newest first. 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn rounds(
        &self,
        who: &Principal,
        unit_id: &str,
        route_id: Option<&str>,
        page: Page,
    ) -> ServiceResult<Listing<PatrolRound>> {
        self.ctx.store.patrol_routes(&who.scope, unit_id).await?;
        Ok(self
            .ctx
            .store
            .patrol_rounds(&who.scope, unit_id, route_id, page)
            .await?)
    }

    /// The unit's patrol record of the last 30 days for the inspection checklist (a pure read):
    /// routes and checkpoints, rounds, how many complete, missed checkpoints, late rounds. 404
    /// outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn summary(&self, who: &Principal, unit_id: &str) -> ServiceResult<PatrolSummary> {
        let since = Utc::now() - Duration::days(SUMMARY_DAYS);
        Ok(self.ctx.store.patrol_summary(&who.scope, unit_id, since).await?)
    }
}

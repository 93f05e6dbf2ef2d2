//! [`DrillService`]: a unit's emergency drills (docs/DRILLS.md; R18, R46 ¶2).
//!
//! Who may do what: everyone reads the drills of the units in their scope (police and competent
//! departments those of their jurisdiction, a unit's accounts their own; names of people masked
//! for all but the unit's manager); the unit's security manager plans and evaluates drills and
//! opens hazards for their shortfalls ([`Permission::DrillManage`]); the manager and guards run
//! them ([`Permission::DrillRun`]). A unit or drill outside the scope is not found.

use chrono::{DateTime, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::drills::*;
use neibao_domain::emergency::Scenario;
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::supervision::ladder::{HazardClass, HazardSource};
use neibao_domain::supervision::NewHazard;
use neibao_domain::text::checked_text;

use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};

/// Longest title (characters).
pub const MAX_TITLE_CHARS: usize = 60;
/// Most expected actions of a drill.
pub const MAX_ACTIONS: usize = 20;
/// Most names in a list of people.
pub const MAX_PEOPLE: usize = 200;
/// Most strengths or shortfalls.
pub const MAX_FINDINGS: usize = 30;

/// A drill as planned.
#[derive(Debug, Clone, Default)]
pub struct DrillDraft {
    /// A [`Scenario`] code.
    pub scenario: String,
    pub plan_id: Option<String>,
    pub title: String,
    pub planned_at: Option<DateTime<Utc>>,
    pub participants_count: i64,
    pub participants: Vec<String>,
    pub observers: Vec<String>,
    /// The police station taking part ("" when none).
    pub police_station: String,
    pub police_officer: String,
    /// (label, target minutes); empty: the scenario's defaults.
    pub actions: Vec<(String, i64)>,
}

/// An evaluation as written: score overrides (seq, 0–100), strengths, shortfalls.
#[derive(Debug, Clone, Default)]
pub struct EvaluationDraft {
    pub scores: Vec<(i64, i64)>,
    pub strengths: Vec<String>,
    pub shortfalls: Vec<String>,
}

/// A unit's emergency drills.
#[derive(Clone)]
pub struct DrillService {
    pub(crate) ctx: Ctx,
}

/// Now, to the millisecond (as stored).
pub(crate) fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

fn names(list: &[String], label: &str) -> ServiceResult<Vec<String>> {
    let out: Vec<String> = list
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if out.len() > MAX_PEOPLE {
        return Err(ServiceError::invalid(format!("{label}最多 {MAX_PEOPLE} 人")));
    }
    for n in &out {
        checked_text(n, label, 30, true, false)?;
    }
    Ok(out)
}

fn findings(list: &[String], label: &str) -> ServiceResult<Vec<String>> {
    let out: Vec<String> = list
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if out.len() > MAX_FINDINGS {
        return Err(ServiceError::invalid(format!("{label}最多 {MAX_FINDINGS} 条")));
    }
    for (i, n) in out.iter().enumerate() {
        checked_text(n, &format!("第{}条{label}", i + 1), 200, true, false)?;
    }
    Ok(out)
}

/// Validates a draft into a drill to store.
fn checked_drill(who: &Principal, unit_id: &str, d: DrillDraft) -> ServiceResult<NewDrill> {
    let scenario = Scenario::from_code(d.scenario.trim())
        .ok_or_else(|| ServiceError::invalid("请选择演练场景（暴力袭击、非法侵入、火灾等）"))?;
    let title = checked_text(&d.title, "演练名称", MAX_TITLE_CHARS, true, false)?;
    let planned_at = d
        .planned_at
        .ok_or_else(|| ServiceError::invalid("请填写演练时间（年-月-日 时:分）"))?;
    if !(1..=10_000).contains(&d.participants_count) {
        return Err(ServiceError::invalid("参演人数应为 1–10000 的整数"));
    }
    let plan_id = match d.plan_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => Some(checked_text(p, "预案编号", 64, true, false)?),
        None => None,
    };
    let police_station = checked_text(&d.police_station, "参演派出所", 60, false, false)?;
    let police_officer = checked_text(&d.police_officer, "参演民警", 30, false, false)?;
    if police_station.is_empty() && !police_officer.is_empty() {
        return Err(ServiceError::invalid("填写参演民警时请同时填写其所在派出所"));
    }
    let expected = if d.actions.is_empty() {
        default_actions(scenario)
    } else {
        if d.actions.len() > MAX_ACTIONS {
            return Err(ServiceError::invalid(format!("预定动作最多 {MAX_ACTIONS} 项")));
        }
        let mut out = Vec::new();
        for (i, (label, minutes)) in d.actions.iter().enumerate() {
            let n = i + 1;
            let label = checked_text(label, &format!("第{n}项预定动作的名称"), 30, true, false)?;
            if !(0..=600).contains(minutes) {
                return Err(ServiceError::invalid(format!(
                    "第{n}项预定动作「{label}」：目标用时应为 0–600 分钟"
                )));
            }
            out.push(ExpectedAction {
                seq: n as i64,
                label,
                target_minutes: *minutes,
            });
        }
        out
    };
    Ok(NewDrill {
        id: new_id(),
        unit_id: unit_id.to_string(),
        scenario,
        plan_id,
        title,
        planned_at,
        participants_count: d.participants_count,
        people: DrillPeople {
            participants: names(&d.participants, "参演人员")?,
            observers: names(&d.observers, "观摩评估人员")?,
            police_officer,
        },
        police_station,
        expected,
        created_by: display(who),
        at: now(),
    })
}

pub(crate) fn display(who: &Principal) -> String {
    if who.display_name.trim().is_empty() {
        who.username.clone()
    } else {
        who.display_name.clone()
    }
}

impl DrillService {
    pub fn new(ctx: Ctx) -> DrillService {
        DrillService { ctx }
    }

    /// Masks the names for callers who do not manage the unit's drills.
    fn shown(who: &Principal, mut d: Drill) -> Drill {
        if !who.can(Permission::DrillManage) {
            d.people = d.people.masked();
        }
        d
    }

    /// The unit's name and whether it is a counter-terror target. 404 outside the scope.
    pub async fn unit(&self, who: &Principal, unit_id: &str) -> ServiceResult<(String, bool)> {
        let (name, ct, _) = self.ctx.store.drill_unit(&who.scope, unit_id).await?;
        Ok((name, ct))
    }

    /// The drills of a unit, newest planned first. 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn list(&self, who: &Principal, unit_id: &str, page: Page) -> ServiceResult<Listing<Drill>> {
        let mut l = self.ctx.store.unit_drills(&who.scope, unit_id, page).await?;
        l.items = l.items.into_iter().map(|d| Self::shown(who, d)).collect();
        Ok(l)
    }

    /// Plans a drill of the unit ([`Permission::DrillManage`]; 404 outside the scope). Refused
    /// (400 `validation_failed`): an unknown scenario; an empty or too long title (60); no time;
    /// participants outside 1–10000; an action without name or with a target outside 0–600
    /// minutes; more than 20 actions. Without actions, the scenario's defaults. Audited as
    /// `drill.plan`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn plan(&self, who: &Principal, unit_id: &str, d: DrillDraft) -> ServiceResult<Drill> {
        who.require(Permission::DrillManage)?;
        self.ctx.store.drill_unit(&who.scope, unit_id).await?;
        let d = checked_drill(who, unit_id, d)?;
        let mut audit = who.audit("drill.plan", "drill", &d.id, Some(unit_id));
        audit.detail = serde_json::json!({ "scenario": d.scenario.code(), "title": d.title }).to_string();
        Ok(self.ctx.store.create_drill(&who.scope, &d, &audit).await?)
    }

    /// One drill with its steps and evaluation. 404 when absent or outside the scope.
    #[tracing::instrument(skip_all, fields(drill = %id))]
    pub async fn get(&self, who: &Principal, id: &str) -> ServiceResult<Drill> {
        let d = self
            .ctx
            .store
            .drill(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)?;
        Ok(Self::shown(who, d))
    }

    /// Starts a planned drill now ([`Permission::DrillRun`]); a started drill is answered as it
    /// is. Audited as `drill.start`.
    #[tracing::instrument(skip_all, fields(drill = %id))]
    pub async fn start(&self, who: &Principal, id: &str) -> ServiceResult<Drill> {
        who.require(Permission::DrillRun)?;
        let audit = who.audit("drill.start", "drill", id, None);
        let (d, _) = self.ctx.store.start_drill(&who.scope, id, &audit, now()).await?;
        Ok(Self::shown(who, d))
    }

    /// Records expected action `seq` as done now ([`Permission::DrillRun`]): the server's time is
    /// the step's time. A step recorded before answers the first one (`false`): a double tap
    /// records one step. 400 for an action not of the drill; 409 before the start or after the
    /// finish. Audited as `drill.step`.
    #[tracing::instrument(skip_all, fields(drill = %id, seq))]
    pub async fn step(&self, who: &Principal, id: &str, seq: i64) -> ServiceResult<(DrillStep, bool)> {
        who.require(Permission::DrillRun)?;
        let d = self.get(who, id).await?;
        let label = d
            .expected
            .iter()
            .find(|a| a.seq == seq)
            .map(|a| a.label.clone())
            .ok_or_else(|| ServiceError::invalid("该步骤不是本次演练的预定动作"))?;
        let mut audit = who.audit("drill.step", "drill", id, Some(&d.unit_id));
        audit.detail = serde_json::json!({ "seq": seq, "label": label }).to_string();
        Ok(self
            .ctx
            .store
            .add_drill_step(&who.scope, id, seq, &display(who), &audit, now())
            .await?)
    }

    /// Finishes a running drill ([`Permission::DrillRun`]); a finished drill is answered as it
    /// is; 409 before the start. Audited as `drill.finish`.
    #[tracing::instrument(skip_all, fields(drill = %id))]
    pub async fn finish(&self, who: &Principal, id: &str) -> ServiceResult<Drill> {
        who.require(Permission::DrillRun)?;
        let audit = who.audit("drill.finish", "drill", id, None);
        let (d, _) = self.ctx.store.finish_drill(&who.scope, id, &audit, now()).await?;
        Ok(Self::shown(who, d))
    }

    /// Evaluates a finished drill ([`Permission::DrillManage`]): each expected action's measured
    /// minutes against its target, scored 0–100 (on time 100; late loses points in proportion;
    /// not recorded 0), a given score (0–100) replacing the computed one; the overall score is
    /// the mean; strengths and shortfalls, at most 30 of 1–200 characters each. 400 for a score
    /// outside 0–100 or of an action not of the drill; 409 before the drill finished. Saving
    /// again replaces it (a shortfall kept word for word keeps its hazard). Audited as
    /// `drill.evaluate`.
    #[tracing::instrument(skip_all, fields(drill = %id))]
    pub async fn evaluate(&self, who: &Principal, id: &str, e: EvaluationDraft) -> ServiceResult<Drill> {
        who.require(Permission::DrillManage)?;
        let d = self.get(who, id).await?;
        for (seq, score) in &e.scores {
            let Some(a) = d.expected.iter().find(|a| a.seq == *seq) else {
                return Err(ServiceError::invalid(format!("第{seq}项不是本次演练的预定动作")));
            };
            if !(0..=100).contains(score) {
                return Err(ServiceError::invalid(format!("「{}」的得分应为 0–100", a.label)));
            }
        }
        let strengths = findings(&e.strengths, "做得好的方面")?;
        let shortfalls = findings(&e.shortfalls, "存在的不足")?;
        let scores = scores(&d.expected, &d.steps, d.started_at, &e.scores);
        let ev = Evaluation {
            overall: overall(&scores),
            scores,
            strengths,
            shortfalls: shortfalls
                .into_iter()
                .enumerate()
                .map(|(i, text)| Shortfall {
                    seq: i as i64 + 1,
                    text,
                    hazard_id: None,
                })
                .collect(),
            evaluated_by: display(who),
            evaluated_at: now(),
        };
        let mut audit = who.audit("drill.evaluate", "drill", id, Some(&d.unit_id));
        audit.detail = serde_json::json!({ "overall": ev.overall, "shortfalls": ev.shortfalls.len() }).to_string();
        let d = self
            .ctx
            .store
            .save_drill_evaluation(&who.scope, id, &ev, &audit)
            .await?;
        Ok(Self::shown(who, d))
    }

    /// Opens a hazard (source `drill`, the drill's id as its source id, class general) for
    /// shortfall `seq` of the drill's evaluation ([`Permission::DrillManage`] and
    /// [`Permission::Inspect`]), in one transaction with the link back; a shortfall with a hazard
    /// answers it (`false`): doing it twice makes one hazard. 404 for an unknown shortfall.
    /// Audited as `drill.hazard`.
    #[tracing::instrument(skip_all, fields(drill = %id, seq))]
    pub async fn open_hazard(&self, who: &Principal, id: &str, seq: i64) -> ServiceResult<(String, bool)> {
        who.require(Permission::DrillManage)?;
        who.require(Permission::Inspect)?;
        for attempt in 0..2 {
            let d = self.get(who, id).await?;
            let s = d
                .evaluation
                .as_ref()
                .and_then(|e| e.shortfalls.iter().find(|s| s.seq == seq))
                .ok_or_else(|| {
                    ServiceError::refused(neibao_domain::error::ErrorCode::NotFound, "该演练没有这一条不足")
                })?;
            if let Some(h) = &s.hazard_id {
                return Ok((h.clone(), false));
            }
            let title: String = format!("应急演练不足：{}", s.text).chars().take(200).collect();
            let h = NewHazard {
                unit_id: d.unit_id.clone(),
                source: HazardSource::Drill,
                source_id: Some(d.id.clone()),
                inspection_id: None,
                item_code: None,
                class: HazardClass::General,
                title,
                description: format!(
                    "{}（{}，{}）评估发现的不足：{}",
                    d.title,
                    d.scenario.label_zh(),
                    d.started_at
                        .map(|t| crate::drills::obligations::beijing_date(t).to_string())
                        .unwrap_or_default(),
                    s.text
                ),
                org_id: None,
                created_by: display(who),
            };
            let audit = who.audit("drill.hazard", "drill", id, Some(&d.unit_id));
            match self
                .ctx
                .store
                .open_drill_hazard(&who.scope, id, seq, &h, &audit, now())
                .await
            {
                Ok(x) => return Ok(x),
                Err(e) => {
                    let e = ServiceError::from(e);
                    // A concurrent request linked it first: read it again.
                    if attempt == 0 && e.error_code() == neibao_domain::error::ErrorCode::VersionConflict {
                        continue;
                    }
                    return Err(e);
                }
            }
        }
        Err(ServiceError::not_found())
    }

    /// The police overview of the caller's scope: the units recorded overdue on a drill
    /// obligation and the recent drills.
    #[tracing::instrument(skip_all)]
    pub async fn overview(&self, who: &Principal, page: Page) -> ServiceResult<(Vec<DrillOverdue>, Listing<DrillRow>)> {
        let overdue = self.ctx.store.drill_overdue(&who.scope).await?;
        let recent = self.ctx.store.recent_drills(&who.scope, page).await?;
        Ok((overdue, recent))
    }

    /// The drill frequency of key units (months).
    pub async fn key_unit_months(&self) -> ServiceResult<u32> {
        Ok(crate::drills::obligations::key_unit_months(self.ctx.store.as_ref()).await?)
    }

    /// Sets the drill frequency of key units ([`Permission::DrillConfigure`]): 1, 2, 3, 4, 6 or
    /// 12 months (periods aligned to 1 January); the next period's jobs follow it. Audited as
    /// `drill.settings`.
    pub async fn set_key_unit_months(&self, who: &Principal, months: u32) -> ServiceResult<u32> {
        who.require(Permission::DrillConfigure)?;
        if !KEY_UNIT_MONTHS.contains(&months) {
            return Err(ServiceError::invalid("重点单位演练周期应为 1、2、3、4、6 或 12 个月"));
        }
        crate::drills::obligations::set_key_unit_months(self.ctx.store.as_ref(), months).await?;
        let mut audit = who.audit("drill.settings", "drill_settings", "key_unit_months", None);
        audit.detail = serde_json::json!({ "key_unit_months": months }).to_string();
        self.ctx.store.append_audit(&audit, Utc::now()).await?;
        crate::drills::obligations::schedule_obligations(self.ctx.store.as_ref(), Utc::now()).await?;
        Ok(months)
    }
}

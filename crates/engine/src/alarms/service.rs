//! [`AlarmService`]: one-press alarms (docs/ALARMS.md; R12(4), R20(3), R34).
//!
//! Who may do what: the unit's own manager and guards raise an alarm or a drill alarm
//! ([`Permission::AlarmRaise`]); police of the jurisdiction record their arrival
//! ([`Permission::AlarmRespond`]); everyone reads the alarms of the units in their scope (an
//! alarm or unit outside it is not found). The acknowledgement is the alert's (`/alerts/{id}`).

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::alarms::*;
use neibao_domain::emergency::Scenario;
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::registry::{KeyArea, LifeState};
use neibao_domain::text::checked_text;
use serde::Serialize;

use super::emit::{emit, tell_fallback};
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};

/// What the caller sends: everything optional (speed first, details after).
#[derive(Debug, Clone, Default)]
pub struct RaiseInput {
    /// A [`Scenario`] code; empty or absent: `other`.
    pub scenario: Option<String>,
    pub key_area_id: Option<String>,
    pub note: Option<String>,
    pub drill: bool,
}

/// One alarm with what its page shows beside it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AlarmView {
    #[serde(flatten)]
    pub alarm: Alarm,
    /// The unit's emergency plan for the scenario (`/units/{unit}/emergency-plans?scenario=…`).
    pub plan_link: String,
    /// Seconds from the alarm to the alert's acknowledgement.
    pub seconds_to_acknowledge: Option<i64>,
    /// Seconds from the alarm to the police's arrival.
    pub seconds_to_arrive: Option<i64>,
}

impl AlarmView {
    pub fn of(alarm: Alarm) -> AlarmView {
        AlarmView {
            plan_link: plan_link(&alarm.unit_id, alarm.scenario),
            seconds_to_acknowledge: alarm.seconds_to_acknowledge(),
            seconds_to_arrive: alarm.seconds_to_arrive(),
            alarm,
        }
    }
}

/// The unit's emergency plan for a scenario.
pub fn plan_link(unit_id: &str, scenario: Scenario) -> String {
    format!("/units/{unit_id}/emergency-plans?scenario={}", scenario.code())
}

/// Now, to the millisecond (as stored).
fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

#[derive(Clone)]
pub struct AlarmService {
    pub(crate) ctx: Ctx,
}

impl AlarmService {
    pub fn new(ctx: Ctx) -> AlarmService {
        AlarmService { ctx }
    }

    /// The unit's name and its key areas in use, for the phone page. 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn unit_for_alarm(&self, who: &Principal, unit_id: &str) -> ServiceResult<(String, Vec<KeyArea>)> {
        let unit = self.ctx.store.get_unit(&who.scope, unit_id).await?;
        let areas = self
            .ctx
            .store
            .list_key_areas(&who.scope, unit_id)
            .await?
            .into_iter()
            .filter(|k| k.state == LifeState::Active)
            .collect();
        Ok((unit.name, areas))
    }

    /// Raises an alarm of the unit as the caller ([`Permission::AlarmRaise`]: the unit's own
    /// manager and guards; 404 outside the scope). 400 for an unknown scenario, a note over 200
    /// characters, a key area not the unit's. The same account pressing again within 60 seconds
    /// gets the same alarm (`false`: nothing new). Audited as `alarm.raise`; the alarm's event goes
    /// through the pipeline at once (critical alert, level-0 notice to the station, the alarm's
    /// own escalation step).
    #[tracing::instrument(skip_all, fields(unit = %unit_id, drill = input.drill))]
    pub async fn raise(&self, who: &Principal, unit_id: &str, input: RaiseInput) -> ServiceResult<(AlarmView, bool)> {
        who.require(Permission::AlarmRaise)?;
        if who.user_id.is_empty() {
            return Err(ServiceError::forbidden("只有本单位的账号可以一键报警"));
        }
        let scenario = match input.scenario.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Scenario::Other,
            Some(code) => Scenario::from_code(code)
                .ok_or_else(|| ServiceError::invalid(format!("报警类型「{code}」不存在，请从列表中选择")))?,
        };
        let note = checked_text(
            input.note.as_deref().unwrap_or(""),
            "补充说明",
            MAX_NOTE_CHARS,
            false,
            true,
        )?;
        let key_area_id = input
            .key_area_id
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        let at = now();
        let a = NewAlarm {
            id: new_id(),
            unit_id: unit_id.to_string(),
            key_area_id: key_area_id.clone(),
            scenario,
            note,
            drill: input.drill,
            source: AlarmSource::Button,
            device_id: None,
            caller_id: Some(who.user_id.clone()),
            caller_name: if who.display_name.trim().is_empty() {
                who.username.clone()
            } else {
                who.display_name.clone()
            },
            at,
        };
        let audit = who.audit(
            if a.drill { "alarm.raise_drill" } else { "alarm.raise" },
            "alarm",
            &a.id,
            Some(unit_id),
        );
        let created = self
            .ctx
            .store
            .create_alarm(&who.scope, &a, at - Duration::seconds(DOUBLE_TAP_SECONDS), &audit)
            .await;
        let (mut alarm, created) = match created {
            Err(neibao_store::StoreError::NotFound) if key_area_id.is_some() => {
                // The unit in scope but not the key area: say which.
                self.ctx.store.get_unit(&who.scope, unit_id).await?;
                return Err(ServiceError::invalid("所选重要部位不属于本单位"));
            }
            other => other?,
        };
        if alarm.alert_id.is_none() {
            alarm.alert_id = emit(&self.ctx, &alarm).await?;
        }
        if created {
            tell_fallback(&self.ctx, &alarm).await?;
        }
        let alarm = self.ctx.store.alarm(&who.scope, &alarm.id).await?.unwrap_or(alarm);
        Ok((AlarmView::of(alarm), created))
    }

    /// The escalation step of alarms in minutes (each level; default 2).
    #[tracing::instrument(skip_all)]
    pub async fn escalation_step(&self, _who: &Principal) -> ServiceResult<i64> {
        let p = crate::alerts::escalation::policy_for_rule(
            self.ctx.store.as_ref(),
            crate::alerts::builtin::EMERGENCY_ALARM,
        )
        .await?;
        Ok(p.delays_minutes.first().copied().unwrap_or(DEFAULT_ESCALATION_MINUTES))
    }

    /// Sets the escalation step of alarms (administrators, [`Permission::AlertEscalationConfigure`]):
    /// 1–60 minutes, for alarms raised after. Audited as `alarm.escalation_set`.
    #[tracing::instrument(skip_all, fields(minutes))]
    pub async fn set_escalation_step(&self, who: &Principal, minutes: i64) -> ServiceResult<i64> {
        who.require(Permission::AlertEscalationConfigure)?;
        if !(1..=60).contains(&minutes) {
            return Err(ServiceError::invalid("一键报警的升级间隔为 1–60 分钟"));
        }
        let mut audit = who.audit("alarm.escalation_set", "alarm_settings", ESCALATION_STEP_KEY, None);
        audit.detail = format!("{minutes} 分钟");
        self.ctx.store.set_alarm_escalation_step(minutes, &audit).await?;
        Ok(minutes)
    }

    /// One alarm with its acknowledgement, arrival and durations. 404 absent or outside the scope.
    #[tracing::instrument(skip_all, fields(alarm = %id))]
    pub async fn get(&self, who: &Principal, id: &str) -> ServiceResult<AlarmView> {
        self.ctx
            .store
            .alarm(&who.scope, id)
            .await?
            .map(AlarmView::of)
            .ok_or_else(ServiceError::not_found)
    }

    /// Alarms in scope, newest first (a unit's, drills or real ones only).
    #[tracing::instrument(skip_all)]
    pub async fn list(&self, who: &Principal, f: &AlarmFilter, page: Page) -> ServiceResult<Listing<AlarmView>> {
        let l = self.ctx.store.list_alarms(&who.scope, f, page).await?;
        Ok(Listing {
            items: l.items.into_iter().map(AlarmView::of).collect(),
            total: l.total,
            total_capped: l.total_capped,
            page: l.page,
            per_page: l.per_page,
        })
    }

    /// Counts over the last `days` days (1–366), drills apart.
    #[tracing::instrument(skip_all)]
    pub async fn counts(&self, who: &Principal, unit_id: Option<&str>, days: i64) -> ServiceResult<AlarmCounts> {
        if !(1..=366).contains(&days) {
            return Err(ServiceError::invalid("统计天数为 1–366 天"));
        }
        Ok(self
            .ctx
            .store
            .alarm_counts(&who.scope, unit_id, Utc::now() - Duration::days(days))
            .await?)
    }

    /// Records the police's arrival ([`Permission::AlarmRespond`]; 404 outside the scope) at `at`
    /// (default now; not before the alarm, not in the future), with a note (500). 409
    /// `invalid_transition` when already recorded. Audited as `alarm.arrive`.
    #[tracing::instrument(skip_all, fields(alarm = %id))]
    pub async fn record_arrival(
        &self,
        who: &Principal,
        id: &str,
        at: Option<DateTime<Utc>>,
        note: &str,
    ) -> ServiceResult<AlarmView> {
        who.require(Permission::AlarmRespond)?;
        let current = self.get(who, id).await?;
        let at = at.unwrap_or_else(now);
        // A time typed to the minute may fall in the alarm's own minute.
        if at < current.alarm.raised_at - Duration::seconds(60) {
            return Err(ServiceError::invalid("到场时间不能早于报警时间"));
        }
        if at > Utc::now() + Duration::minutes(1) {
            return Err(ServiceError::invalid("到场时间不能晚于当前时间"));
        }
        let note = checked_text(note, "到场情况", MAX_ARRIVAL_NOTE_CHARS, false, true)?;
        let by = match &who.org_name {
            Some(org) => format!("{}（{org}）", who.display_name),
            None => who.display_name.clone(),
        };
        let audit = who.audit("alarm.arrive", "alarm", id, Some(&current.alarm.unit_id));
        let a = self
            .ctx
            .store
            .record_alarm_arrival(&who.scope, id, at, &note, &by, &audit)
            .await?;
        Ok(AlarmView::of(a))
    }
}

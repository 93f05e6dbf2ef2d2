//! The alarm as an event of its unit: one `alarm.emergency` event of the unit's alarm event
//! source through the pipeline (under the key `alarm:<id>`, so that doing it again raises
//! nothing twice), the alert linked back to the alarm; and the station on duty told at once.

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Shanghai;
use neibao_domain::access::Scope;
use neibao_domain::alarms::{Alarm, DRILL_MARK};
use neibao_domain::events::{DecodedEvent, DecodedPayload, EventKind, EventState};
use neibao_domain::registry::Organisation;
use neibao_domain::validate::DivisionCode;

use crate::context::Ctx;
use crate::notifications::notice::{send, Notice};

/// What the alert's title and the event's region say: 【演练】 first for a drill, the scenario, the
/// key area, the time to the second (each alarm its own alert).
pub(crate) fn region(alarm: &Alarm) -> String {
    let mut s = String::new();
    if alarm.drill {
        s.push_str(DRILL_MARK);
    }
    s.push_str(alarm.scenario.label_zh());
    if let Some(k) = &alarm.key_area_name {
        s.push_str(" · ");
        s.push_str(k);
    }
    s.push_str(&format!("（{}）", beijing(alarm.raised_at)));
    s.chars().take(200).collect()
}

/// `MM-DD HH:MM:SS`, Beijing time.
pub(crate) fn beijing(t: DateTime<Utc>) -> String {
    t.with_timezone(&Shanghai).format("%m-%d %H:%M:%S").to_string()
}

/// Sends the alarm's event through the pipeline and links the alert it raised. Returns the
/// alert's id.
pub(crate) async fn emit(ctx: &Ctx, alarm: &Alarm) -> anyhow::Result<Option<String>> {
    let Some(device) = ctx.store.alarm_device(&alarm.unit_id).await? else {
        return Ok(None);
    };
    let mut ev = DecodedEvent::new(
        EventKind::AlarmEmergency,
        EventKind::AlarmEmergency.code(),
        EventState::Active,
    );
    ev.region = Some(region(alarm));
    let mut description = format!("{}（{}）", alarm.caller_name, alarm.source.label_zh());
    if !alarm.note.is_empty() {
        description.push('：');
        description.push_str(&alarm.note);
    }
    description.push_str(&format!("。报警记录 /alarms/{}", alarm.id));
    ev.description = Some(description);
    ev.device_time = Some(alarm.raised_at.fixed_offset());
    ev.device_time_has_offset = true;
    let payload = DecodedPayload {
        events: vec![ev],
        heartbeats: 0,
    };
    let out = ctx
        .pipeline
        .process_generated(&device, &payload, &format!("alarm:{}", alarm.id), Utc::now())
        .await?;
    let alert = out.alerts.first().map(|r| r.alert_id.clone());
    if let Some(a) = &alert {
        ctx.store.set_alarm_alert(&alarm.id, a).await?;
    }
    Ok(alert)
}

/// The police organisation on duty for a unit without a police station: the deepest police
/// organisation whose jurisdiction covers the unit's division (county, then city, then
/// province).
pub(crate) async fn duty_org_without_station(ctx: &Ctx, division_code: &str) -> anyhow::Result<Option<Organisation>> {
    let mut best: Option<(usize, Organisation)> = None;
    for org in ctx.store.list_organisations(None, None).await? {
        if !org.kind.starts_with("police_") || org.kind == "police_station" {
            continue;
        }
        let Ok(code) = DivisionCode::parse(&org.division_code) else {
            continue;
        };
        let prefix = code.scope_prefix().to_string();
        if division_code.starts_with(&prefix) && best.as_ref().is_none_or(|(n, _)| prefix.len() > *n) {
            best = Some((prefix.len(), org));
        }
    }
    Ok(best.map(|(_, o)| o))
}

/// Tells the police on duty of a unit without a police station (the alert's own notice goes to
/// the station when there is one): an inbox item and their channels, once per alarm.
pub(crate) async fn tell_fallback(ctx: &Ctx, alarm: &Alarm) -> anyhow::Result<()> {
    let unit = ctx.store.get_unit(&Scope::All, &alarm.unit_id).await?;
    if unit.police_station_id.is_some() {
        return Ok(());
    }
    let Some(org) = duty_org_without_station(ctx, &unit.division_code).await? else {
        return Ok(());
    };
    let notice = Notice {
        key: format!("alarm:{}", alarm.id),
        unit_id: None,
        org_ids: vec![org.id],
        title: format!("{}一键报警：{} {}", alarm.drill_mark(), unit.name, region(alarm)),
        unit_name: unit.name.clone(),
        summary: format!(
            "{}{}一键报警（本单位未指定派出所，由贵局接警），请立即处置并登记到场。",
            alarm.drill_mark(),
            unit.name
        ),
        link: format!("/alarms/{}", alarm.id),
        at: alarm.raised_at,
    };
    send(ctx.store.as_ref(), &notice, ctx.config.public_url.as_deref()).await?;
    Ok(())
}

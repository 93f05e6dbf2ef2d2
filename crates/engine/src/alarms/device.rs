//! A device's emergency button (docs/ALARMS.md "Devices"): a device of the unit that sends an
//! `alarm.emergency` event (the generic JSON format's `"type": "alarm.emergency"`, or any decoder
//! that maps a vendor's emergency button to it) raises the same critical alert as the phone's
//! button; when that alert is new, the pipeline calls [`record`] to keep the alarm record (source
//! `device`, the device's key area, scenario `other`), so that the police see it among the alarms
//! and record their arrival. The platform's own alarm source is skipped (its alarm exists).

use chrono::{DateTime, Utc};
use neibao_domain::access::Principal;
use neibao_domain::alarms::{AlarmSource, NewAlarm};
use neibao_domain::alerts::Raised;
use neibao_domain::devices::IngestDevice;
use neibao_domain::emergency::Scenario;
use neibao_domain::events::DecodedEvent;
use neibao_domain::ids::new_id;
use neibao_store::alarms::alarm_device_id;
use neibao_store::{Store, StoreResult};

/// Keeps the alarm record of a device's emergency button (see the module docs).
pub(crate) async fn record(
    store: &dyn Store,
    device: &IngestDevice,
    ev: &DecodedEvent,
    raised: &Raised,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    if device.id == alarm_device_id(&device.unit_id) {
        return Ok(());
    }
    let note: String = [ev.region.as_deref(), ev.description.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join("；")
        .chars()
        .take(200)
        .collect();
    let a = NewAlarm {
        id: new_id(),
        unit_id: device.unit_id.clone(),
        key_area_id: device.key_area_id.clone(),
        scenario: Scenario::Other,
        note,
        drill: false,
        source: AlarmSource::Device,
        device_id: Some(device.id.clone()),
        caller_id: None,
        caller_name: device.name.clone(),
        at: now,
    };
    let who = Principal::system("设备紧急按钮");
    let audit = who.audit("alarm.device", "alarm", &a.id, Some(&device.unit_id));
    let (alarm, _) = store.create_alarm(&who.scope, &a, now, &audit).await?;
    store.set_alarm_alert(&alarm.id, &raised.alert_id).await
}

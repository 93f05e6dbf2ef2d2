//! The dashboard's repository (`DashboardRepo`).

use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_store::Store;

use super::xihu;

/// Counts what the registry, device and alert checks left at `now`: 2 units (1 key unit),
/// 2 devices (1 never heard from, so offline), 1 open alert, all in 杭州市; 1 unit in 西湖区.
pub async fn check(store: &dyn Store, now: DateTime<Utc>) {
    let all = Scope::All;
    let xihu = xihu();

    // Dashboard.
    let dash = store.dashboard(&all, now).await.unwrap();
    assert_eq!(
        (
            dash.units,
            dash.key_units,
            dash.devices,
            dash.offline_devices,
            dash.open_alerts
        ),
        (2, 1, 2, 1, 1)
    );
    assert_eq!(dash.by_area.len(), 1);
    assert_eq!(
        (dash.by_area[0].code.as_str(), dash.by_area[0].name.as_str()),
        ("330100", "杭州市")
    );
    assert_eq!(store.dashboard(&xihu, now).await.unwrap().units, 1);
}

//! The demo kept alive (issue 20 item 7): the demo's devices, all gone silent, are online again
//! after one round of the simulator's heartbeats through the real intake path, and its events
//! are stored like any device's.

use crate::common::*;

async fn total(c: &Client, path: &str) -> i64 {
    let (s, v) = c.get(path).await;
    assert_eq!(s, 200, "{v}");
    v["total"].as_i64().unwrap()
}

#[tokio::test]
async fn demo_devices_come_back_online_and_send_events() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let devices = total(&admin, "/api/v1/devices?per_page=1").await;
    // Every device silent for an hour, as five minutes after a demo start used to leave them.
    let old = (chrono::Utc::now() - chrono::Duration::hours(1)).timestamp_millis();
    app.exec_sql(&format!("UPDATE devices SET last_seen_at = {old}")).await;
    assert_eq!(total(&admin, "/api/v1/devices?online=false&per_page=1").await, devices);

    // A restarted server (its intake path's device cache does not remember recent posts).
    let restarted = app.rebuilt().await;
    let mut sim = neibao::demo_live::Simulator::new(&restarted.store, restarted.services.intake.clone())
        .await
        .unwrap()
        .expect("the demo records its devices' tokens");
    assert_eq!(sim.devices() as i64, devices, "every demo device is simulated");
    let events_before = total(&admin, "/api/v1/events?per_page=1").await;
    let sent = sim.heartbeats(usize::MAX, chrono::Utc::now()).await;
    assert_eq!((sent.posts, sent.taken), (devices as usize, devices as usize));
    assert_eq!(total(&admin, "/api/v1/devices?online=false&per_page=1").await, 0);
    assert_eq!(
        total(&admin, "/api/v1/events?per_page=1").await,
        events_before,
        "heartbeats store no event"
    );
    for _ in 0..3 {
        assert_eq!(sim.event(chrono::Utc::now()).await.taken, 1);
    }
    assert_eq!(total(&admin, "/api/v1/events?per_page=1").await, events_before + 3);
}

/// Without the demo there is nothing to simulate.
#[tokio::test]
async fn no_simulator_without_the_demo() {
    let app = TestApp::spawn().await;
    let sim = neibao::demo_live::Simulator::new(&app.store, app.services.intake.clone())
        .await
        .unwrap();
    assert!(sim.is_none());
}

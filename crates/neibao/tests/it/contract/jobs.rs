//! The jobs' repository (`JobRepo`) and the engine's scheduler on it.

use std::sync::Arc;

use chrono::{Duration, Utc};
use neibao_domain::jobs::NewJob;
use neibao_store::Store;

/// Scheduled jobs: scheduled once, claimed by one node at a time, reclaimed after a dead node's
/// lease, completed once — and through the engine's scheduler, every deadline fires once with two
/// schedulers ticking the same database at the same time, across a "restart".
pub async fn check(store: Arc<dyn Store>) {
    use neibao_domain::jobs::JobKind;
    use neibao_engine::jobs::scheduler::{Handler, Scheduler};
    let t0 = Utc::now();
    let job = |subject: &str, due| NewJob {
        kind: JobKind::HazardDeadline,
        subject_id: subject.into(),
        due_at: due,
        payload: serde_json::json!({"n": 1}),
    };
    assert!(store.schedule_job(&job("h1", t0), t0).await.unwrap());
    assert!(
        !store.schedule_job(&job("h1", t0), t0).await.unwrap(),
        "the same deadline twice is one job"
    );
    assert!(store
        .schedule_job(&job("later", t0 + Duration::hours(1)), t0)
        .await
        .unwrap());
    let lease = Duration::seconds(30);
    let a = store.claim_due_jobs("node-a", t0, lease, 10).await.unwrap();
    assert_eq!(a.iter().map(|j| j.subject_id.as_str()).collect::<Vec<_>>(), vec!["h1"]);
    assert!(
        store.claim_due_jobs("node-b", t0, lease, 10).await.unwrap().is_empty(),
        "claimed by a"
    );
    // Node a dies; after the lease node b takes it over, and a can no longer complete it.
    let b = store
        .claim_due_jobs("node-b", t0 + Duration::seconds(31), lease, 10)
        .await
        .unwrap();
    assert_eq!((b.len(), b[0].attempts), (1, 2));
    assert!(!store.complete_job(&a[0].id, "node-a", t0).await.unwrap());
    assert!(store.complete_job(&b[0].id, "node-b", t0).await.unwrap());
    assert!(
        !store.complete_job(&b[0].id, "node-b", t0).await.unwrap(),
        "completed once"
    );
    assert!(store
        .claim_due_jobs("node-a", t0 + Duration::hours(2), lease, 10)
        .await
        .unwrap()
        .iter()
        .all(|j| j.subject_id == "later"));

    // Two schedulers on one database, 40 deadlines, ticking concurrently on a controlled clock.
    let fired = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let handler = |fired: Arc<std::sync::Mutex<Vec<String>>>| -> Handler {
        Arc::new(move |j: neibao_domain::jobs::Job| {
            let fired = fired.clone();
            Box::pin(async move {
                fired.lock().unwrap().push(j.subject_id);
                Ok(())
            })
        })
    };
    for i in 0..40 {
        store
            .schedule_job(
                &NewJob {
                    kind: JobKind::HazardReminder,
                    subject_id: format!("d{i}"),
                    due_at: t0 + Duration::minutes(i),
                    payload: serde_json::json!({}),
                },
                t0,
            )
            .await
            .unwrap();
    }
    let s1 = Scheduler::new(store.clone(), "n1", lease).handle(JobKind::HazardReminder, handler(fired.clone()));
    let s2 = Scheduler::new(store.clone(), "n2", lease).handle(JobKind::HazardReminder, handler(fired.clone()));
    for step in 0..25 {
        let now = t0 + Duration::minutes(step * 2);
        let (r1, r2) = tokio::join!(s1.tick(now), s2.tick(now));
        r1.unwrap();
        r2.unwrap();
    }
    // A restarted node (new scheduler, same name) finds nothing left to run.
    let s3 = Scheduler::new(store.clone(), "n1", lease).handle(JobKind::HazardReminder, handler(fired.clone()));
    assert!(s3
        .tick(t0 + Duration::days(1))
        .await
        .unwrap()
        .iter()
        .all(|r| r.job.kind != JobKind::HazardReminder));
    let mut got = fired.lock().unwrap().clone();
    got.sort();
    let mut want: Vec<String> = (0..40).map(|i| format!("d{i}")).collect();
    want.sort();
    assert_eq!(got, want, "every deadline fired exactly once");
}

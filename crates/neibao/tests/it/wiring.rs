//! The application is wired as `neibao serve` runs it: every kind of scheduled job has a handler,
//! and every request carries a request id (in its log lines and its answer).

use std::collections::HashSet;

use neibao_domain::jobs::JobKind;

use crate::common::*;

#[tokio::test]
async fn every_job_kind_has_a_handler_in_the_application() {
    let app = TestApp::spawn().await;
    let wired: HashSet<JobKind> = app.scheduler("wiring").kinds().collect();
    for kind in JobKind::ALL {
        assert!(wired.contains(&kind), "no handler for {}", kind.code());
    }
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let app = TestApp::spawn().await;
    let http = reqwest::Client::new();
    let r = http.get(app.url("/healthz")).send().await.unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(id.len(), 32, "{id}");
    // A sane id sent by a proxy is kept; anything else is replaced.
    let r = http
        .get(app.url("/api/v1/units"))
        .header("x-request-id", "lb-7f3a.42")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["x-request-id"], "lb-7f3a.42");
    let r = http
        .get(app.url("/nowhere"))
        .header("x-request-id", "bad id with spaces")
        .send()
        .await
        .unwrap();
    assert_ne!(r.headers()["x-request-id"], "bad id with spaces");
}

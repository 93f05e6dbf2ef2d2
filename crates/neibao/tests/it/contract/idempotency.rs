//! The idempotency repository (`IdempotencyRepo`): one claim wins per key, a done key gives its
//! kept answer (the body round-trips its encryption), a withheld answer reads as none, a failed
//! request's key is released, a stale claim is taken over, old keys are swept.

use chrono::{DateTime, Duration, Utc};
use neibao_domain::idempotency::{KeyRecord, KeyState, StoredResponse};
use neibao_store::Store;

fn done(fingerprint: &str, response: Option<StoredResponse>) -> Option<KeyRecord> {
    Some(KeyRecord {
        fingerprint: fingerprint.into(),
        state: KeyState::Done(response),
    })
}

pub async fn check(store: &dyn Store, now: DateTime<Utc>) {
    let stale = now - Duration::minutes(5);
    // The first claim wins; a second reads the claim in flight.
    assert_eq!(store.claim_idempotency_key("k1", "f1", stale, now).await.unwrap(), None);
    let again = store
        .claim_idempotency_key("k1", "f2", stale, now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.fingerprint, "f1");
    assert!(matches!(again.state, KeyState::InFlight { .. }), "{again:?}");
    // Done: the kept answer, byte for byte.
    let answer = StoredResponse {
        status: 201,
        headers: vec![("content-type".into(), "application/json".into())],
        body: "{\"id\":\"甲\"}".as_bytes().to_vec(),
    };
    store.complete_idempotency_key("k1", Some(&answer), now).await.unwrap();
    assert_eq!(
        store.claim_idempotency_key("k1", "f1", stale, now).await.unwrap(),
        done("f1", Some(answer))
    );
    // Releasing a done key does nothing.
    store.release_idempotency_key("k1").await.unwrap();
    assert!(store
        .claim_idempotency_key("k1", "f1", stale, now)
        .await
        .unwrap()
        .is_some());
    // A withheld answer (a secret shown once) reads as none.
    assert_eq!(store.claim_idempotency_key("k2", "f", stale, now).await.unwrap(), None);
    store.complete_idempotency_key("k2", None, now).await.unwrap();
    assert_eq!(
        store.claim_idempotency_key("k2", "f", stale, now).await.unwrap(),
        done("f", None)
    );
    // A failed request's key is released: the next claim wins.
    assert_eq!(store.claim_idempotency_key("k3", "f", stale, now).await.unwrap(), None);
    store.release_idempotency_key("k3").await.unwrap();
    assert_eq!(store.claim_idempotency_key("k3", "g", stale, now).await.unwrap(), None);
    // A claim left in flight past the stale mark is taken over.
    let later = now + Duration::minutes(10);
    assert_eq!(
        store
            .claim_idempotency_key("k3", "h", later - Duration::minutes(5), later)
            .await
            .unwrap(),
        None
    );
    // The sweep forgets keys claimed before its mark, keeps the later one.
    assert_eq!(
        store.sweep_idempotency_keys(now + Duration::seconds(1)).await.unwrap(),
        2
    );
    assert_eq!(store.claim_idempotency_key("k1", "x", stale, now).await.unwrap(), None);
}

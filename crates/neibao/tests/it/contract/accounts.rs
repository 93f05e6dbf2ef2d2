//! The accounts' repositories: users (`UserRepo`), sessions with the idle timeout (`SessionRepo`)
//! and API tokens (`ApiTokenRepo`; a create's audit row names the new token), the attempt
//! counters of the lockouts (`LoginAttemptRepo`).

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Role;
use neibao_domain::accounts::{NewApiToken, NewSession, NewUser, TokenScope};
use neibao_store::{Store, StoreError};

use super::registry::Registry;

/// A user of `a`'s police station (its division comes from the organisation), three sessions
/// (live, expired, awaiting the second factor), idle timeout, three API tokens, revocation.
pub async fn check(store: &dyn Store, now: DateTime<Utc>, registry: &Registry) {
    // Users, sessions, API tokens.
    assert_eq!(store.count_users().await.unwrap(), 0);
    let nu = NewUser {
        username: "u1".into(),
        display_name: "用户一".into(),
        password_hash: "$argon2id$x".into(),
        password_temporary: false,
        role: Role::PoliceStation,
        org_id: Some(registry.station_id.clone()),
        unit_id: None,
    };
    let u = store.create_user(&nu, now).await.unwrap();
    assert_eq!(u.division_code.as_deref(), Some("330106001"));
    assert!(matches!(
        store.create_user(&nu, now).await,
        Err(StoreError::Conflict(_))
    ));
    let (cu, hash) = store.user_credentials("u1").await.unwrap().unwrap();
    assert_eq!((cu.id.as_str(), hash.as_str()), (u.id.as_str(), "$argon2id$x"));
    let idle = Duration::minutes(30);
    let audit = u.principal().audit("test", "users", &u.id, None);
    let session = |hash: &str, csrf: &str, mfa_pending: bool, expires_at| NewSession {
        user_id: u.id.clone(),
        token_hash: hash.into(),
        csrf_token: csrf.into(),
        mfa_pending,
        expires_at,
        replaces: None,
    };
    store
        .create_session(&session("s1", "csrf1", false, now + Duration::hours(1)), &audit, now)
        .await
        .unwrap();
    store
        .create_session(&session("s2", "csrf2", false, now - Duration::seconds(1)), &audit, now)
        .await
        .unwrap();
    store
        .create_session(&session("s3", "csrf3", true, now + Duration::hours(8)), &audit, now)
        .await
        .unwrap();
    assert_eq!(
        store.session_user("s1", now, idle).await.unwrap().unwrap().csrf_token,
        "csrf1"
    );
    assert!(store.session_user("s2", now, idle).await.unwrap().is_none(), "expired");
    assert!(store.session_user("s3", now, idle).await.unwrap().unwrap().mfa_pending);
    store.enable_totp(&u.id, Some("s3"), &audit, now).await.unwrap();
    assert!(!store.session_user("s3", now, idle).await.unwrap().unwrap().mfa_pending);
    // Idle timeout: used at `now`, unused for 31 minutes → gone; within it → kept and touched.
    let later = now + Duration::minutes(20);
    assert!(store.session_user("s3", later, idle).await.unwrap().is_some());
    assert!(
        store
            .session_user("s3", later + Duration::minutes(29), idle)
            .await
            .unwrap()
            .is_some(),
        "touched at +20"
    );
    assert!(
        store
            .session_user("s3", later + Duration::minutes(29 + 31), idle)
            .await
            .unwrap()
            .is_none(),
        "idle"
    );
    store.delete_session("s1", Some(&audit), now).await.unwrap();
    assert!(store.session_user("s1", now, idle).await.unwrap().is_none());
    let token = |hash: &str, scope, expires_at| NewApiToken {
        user_id: u.id.clone(),
        token_hash: hash.into(),
        name: "cli".into(),
        scope,
        expires_at,
    };
    let t1 = store
        .create_api_token(&token("t1", TokenScope::Read, None), &audit, now)
        .await
        .unwrap();
    store
        .create_api_token(
            &token("t2", TokenScope::Write, Some(now - Duration::seconds(1))),
            &audit,
            now,
        )
        .await
        .unwrap();
    // The audit row of a create, written in its transaction, names the new object.
    let created = neibao_domain::access::Principal::system("test").audit("token.create", "api_tokens", "", None);
    let t3 = store
        .create_api_token(&token("t3", TokenScope::Read, None), &created, now)
        .await
        .unwrap();
    let head = store.audit_head().await.unwrap();
    let last = store.audit_rows(head.last_seq - 1, 1).await.unwrap().remove(0);
    assert_eq!(
        (last.entry.action.as_str(), last.entry.object_id.as_str()),
        ("token.create", t3.as_str())
    );
    let (tu, scope) = store.api_token_user("t1", now).await.unwrap().unwrap();
    assert_eq!((tu.username.as_str(), scope), ("u1", TokenScope::Read));
    assert!(store.api_token_user("t2", now).await.unwrap().is_none());
    assert_eq!(store.list_api_tokens(Some(&u.id)).await.unwrap().len(), 3);
    assert!(matches!(
        store.revoke_api_token(&t1, Some("someone-else"), &audit, now).await,
        Err(StoreError::NotFound)
    ));
    store.revoke_api_token(&t1, Some(&u.id), &audit, now).await.unwrap();
    assert!(store.api_token_user("t1", now).await.unwrap().is_none(), "revoked");
    assert!(matches!(
        store.revoke_api_token(&t1, None, &audit, now).await,
        Err(StoreError::NotFound)
    ));
}

/// The attempt counters (`LoginAttemptRepo`): a claim numbers the attempts of the current window
/// (a new window once the last has passed), per kind and subject; a release gives one back, a
/// clear forgets the counter.
pub async fn attempts(store: &dyn Store, now: DateTime<Utc>) {
    use neibao_domain::accounts::AttemptKind::{Password, SecondFactor};
    // The store keeps milliseconds.
    let now = DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap();
    let window = Duration::minutes(15);
    for n in 1..=3 {
        let c = store.claim_attempt(Password, "u1", window, now).await.unwrap();
        assert_eq!((c.attempts, c.window_ends), (n, now + window), "claim {n}");
    }
    // Another subject, another kind: other counters.
    let c = store.claim_attempt(Password, "u2", window, now).await.unwrap();
    assert_eq!(c.attempts, 1);
    let c = store.claim_attempt(SecondFactor, "u1", window, now).await.unwrap();
    assert_eq!(c.attempts, 1);
    // Later in the window: counted in it, the window keeps its end.
    let later = now + Duration::minutes(14);
    let c = store.claim_attempt(Password, "u1", window, later).await.unwrap();
    assert_eq!((c.attempts, c.window_ends), (4, now + window));
    store.release_attempt(Password, "u1").await.unwrap();
    let c = store.claim_attempt(Password, "u1", window, later).await.unwrap();
    assert_eq!(c.attempts, 4, "the released attempt was given back");
    // Once the window has passed, a new one starts at the claim.
    let after = now + window + Duration::seconds(1);
    let c = store.claim_attempt(Password, "u1", window, after).await.unwrap();
    assert_eq!((c.attempts, c.window_ends), (1, after + window));
    store.clear_attempts(Password, "u1").await.unwrap();
    let c = store.claim_attempt(Password, "u1", window, after).await.unwrap();
    assert_eq!(c.attempts, 1, "cleared");
    // A release never goes below zero.
    store.clear_attempts(SecondFactor, "u1").await.unwrap();
    store.release_attempt(SecondFactor, "u1").await.unwrap();
    store.release_attempt(SecondFactor, "u1").await.unwrap();
    let c = store.claim_attempt(SecondFactor, "u1", window, now).await.unwrap();
    assert_eq!(c.attempts, 1);
}

//! The binary: `token create` prints a working API token and nothing else.

use std::process::Command;

use crate::common::*;

#[tokio::test]
async fn token_create_prints_only_a_usable_token() {
    let app = TestApp::spawn().await;
    let out = Command::new(env!("CARGO_BIN_EXE_neibao"))
        .args(["token", "create", "--data-dir"])
        .arg(&app.data_dir)
        .args(["--user", "admin"])
        .args(app.database_url.iter().flat_map(|u| ["--database-url", u.as_str()]))
        .output()
        .expect("run neibao");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let token = stdout.trim();
    assert_eq!(stdout.lines().count(), 1, "only the token on stdout: {stdout:?}");
    assert!(token.len() >= 40 && !token.contains(' '));
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let me: serde_json::Value = r.json().await.unwrap();
    assert_eq!(me["username"], "admin");
    // Stored hashed: the token itself is not in the database.
    assert!(!app.stored_bytes().contains(token));

    let bad = Command::new(env!("CARGO_BIN_EXE_neibao"))
        .args(["token", "create", "--data-dir"])
        .arg(&app.data_dir)
        .args(["--user", "nobody"])
        .args(app.database_url.iter().flat_map(|u| ["--database-url", u.as_str()]))
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(bad.stdout.is_empty());
}

/// `neibao user reset` recovers a locked-out account with a lost second factor: a new password
/// printed once, no TOTP, no lock, old sessions and tokens gone; the reset is audited.
#[tokio::test]
async fn user_reset_recovers_a_locked_out_account() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let store = &app.store;
    let (user, _) = store.user_credentials("admin").await.unwrap().unwrap();
    store
        .set_totp(
            &user.id,
            Some("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
            true,
            &user.principal().audit("totp.enable", "users", &user.id, None),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    for _ in 0..12 {
        let (_, s, _) = app.session("admin", "wrong", None).await;
        assert!(s == 401 || s == 429);
    }
    let (_, s, _) = app.session("admin", ADMIN_PASSWORD, None).await;
    assert_eq!(s, 429, "locked");
    let out = Command::new(env!("CARGO_BIN_EXE_neibao"))
        .args(["user", "reset", "--data-dir"])
        .arg(&app.data_dir)
        .args(["--user", "admin"])
        .args(app.database_url.iter().flat_map(|u| ["--database-url", u.as_str()]))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let password = stdout
        .split("新临时密码：")
        .nth(1)
        .and_then(|r| r.lines().next())
        .unwrap()
        .trim()
        .to_string();
    let (_, s, v) = app.session("admin", &password, None).await;
    assert_eq!(s, 200, "no lock, no second factor: {v}");
    let (s, _) = admin.get("/api/v1/me").await;
    assert_eq!(s, 401, "old tokens revoked");
    let (_, s, _) = app.session("admin", ADMIN_PASSWORD, None).await;
    assert_eq!(s, 401);
    let report = neibao::audit_verify(&app.services, &[]).await.unwrap();
    assert!(report.problems.is_empty());
}

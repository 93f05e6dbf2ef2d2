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

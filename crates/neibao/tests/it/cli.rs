//! The binary: `token create` prints a working API token and nothing else; `user reset`;
//! `bench decode` measures every decoder; `organisations` administers the tree.

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

/// `neibao bench decode` over a tiny time: every format is listed with documents, events and a
/// ceiling (counts only; speed is not asserted), as JSON and as the table; bad arguments are
/// refused in Chinese with a failing exit status.
#[test]
fn bench_decode_lists_every_format() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_neibao"))
            .args(["bench", "decode", "--seconds", "0.01"])
            .args(args)
            .output()
            .expect("run neibao")
    };
    let formats = [
        "hikvision",
        "generic_json",
        "dahua",
        "onvif",
        "frigate",
        "gb28181",
        "zkteco",
        "multipart",
    ];
    let out = run(&["--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("JSON rows");
    let listed: Vec<_> = rows.iter().map(|r| r["format"].as_str().unwrap()).collect();
    assert_eq!(listed, formats);
    for r in &rows {
        for key in [
            "fixtures",
            "bytes_per_round",
            "documents",
            "documents_per_second",
            "mb_per_second",
            "ns_per_document",
            "ceiling_documents_per_second",
            "ceiling_mb_per_second",
            "cpu_share",
        ] {
            assert!(r[key].as_f64().is_some_and(|x| x > 0.0), "{key} of {r}");
        }
        assert!(["thread_cpu", "wall"].contains(&r["clock"].as_str().unwrap()), "{r}");
        // Documents come in whole rounds.
        assert_eq!(
            r["documents"].as_u64().unwrap() % r["fixtures"].as_u64().unwrap(),
            0,
            "{r}"
        );
    }
    let events = |f: &str| {
        rows.iter().find(|r| r["format"] == f).unwrap()["events_per_round"]
            .as_u64()
            .unwrap()
    };
    assert!(formats.iter().all(|f| events(f) > 0));
    assert_eq!(
        rows.iter().find(|r| r["format"] == "frigate").unwrap()["refused_per_round"],
        1
    );

    let out = run(&["--format", "onvif", "--format", "zkteco"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<_> = text.lines().collect();
    assert!(lines[0].starts_with("| 格式 | 样本数 |"), "{text}");
    assert_eq!(lines.len(), 4, "header, rule, two rows: {text}");
    assert!(
        lines[2].starts_with("| onvif | 5 |") && lines[3].starts_with("| zkteco | 2 |"),
        "{text}"
    );

    for (args, message) in [
        (&["--format", "axis"][..], "未知的格式 axis"),
        (&["--seconds", "0"][..], "--seconds 须大于 0"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_neibao"))
            .args(["bench", "decode"])
            .args(args)
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(out.stdout.is_empty());
        assert!(String::from_utf8_lossy(&out.stderr).contains(message), "{args:?}");
    }
}

/// `neibao organisations`: create, rename, move, list and close through the same service as the
/// API, acting as the command line (系统（命令行）) in the history; refusals exit non-zero with
/// their zh-CN reason.
#[tokio::test]
async fn organisations_are_administered_from_the_command_line() {
    let app = TestApp::demo().await;
    let admin = app.admin().await;
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_neibao"))
            .arg("organisations")
            .args(args)
            .arg("--data-dir")
            .arg(&app.data_dir)
            .args(app.database_url.iter().flat_map(|u| ["--database-url", u.as_str()]))
            .output()
            .expect("run neibao");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (_, cities) = admin.get("/api/v1/organisations?kind=police_city&division=3301").await;
    let hangzhou = cities[0]["id"].as_str().unwrap();
    let (ok, out, err) = run(&[
        "create",
        "--name",
        "命令行分局",
        "--kind",
        "police_county",
        "--division",
        "330195",
        "--parent",
        hangzhou,
    ]);
    assert!(ok, "{err}");
    let id = out.trim().to_string();
    let (ok, out, err) = run(&["rename", "--id", &id, "--name", "命令行分局（更名）"]);
    assert!(ok && out.contains("更名"), "{out} {err}");
    let (ok, _, err) = run(&["rename", "--id", &id, "--name", "过期版本", "--version", "1"]);
    assert!(!ok && err.contains("该组织已被他人修改"), "{err}");
    let (ok, _, err) = run(&["move", "--id", &id, "--parent", &id]);
    assert!(!ok && err.contains("不能把组织移到"), "{err}");
    let (ok, out, _) = run(&["list"]);
    assert!(ok && out.contains("命令行分局（更名）"), "{out}");
    let (ok, out, err) = run(&["close", "--id", &id]);
    assert!(ok && out.contains("已撤销"), "{out} {err}");
    let (_, history) = admin.get(&format!("/api/v1/organisations/{id}/history")).await;
    let sentences: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["sentence"].as_str().unwrap())
        .collect();
    assert_eq!(sentences.len(), 3, "{history}");
    assert!(
        sentences.iter().all(|s| s.starts_with("系统（命令行）")),
        "{sentences:?}"
    );
}

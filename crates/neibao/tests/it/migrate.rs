//! `neibao migrate-data`: a demo SQLite installation copied into PostgreSQL, verified, copied
//! again (re-runnable), and served from PostgreSQL with the same data.

use std::process::Command;
use std::time::Duration;

use neibao_domain::access::Scope;
use neibao_domain::alerts::AlertFilter;
use neibao_domain::paging::Page;
use neibao_domain::registry::UnitFilter;

use crate::common::{fixture, postgres_admin_url, TestDatabase};

fn migrate(from: &str, to: &str) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_neibao"))
        .args(["migrate-data", "--from", from, "--to", to])
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_installation_moves_to_postgres_and_verifies() {
    let Some(admin) = postgres_admin_url() else {
        println!("migrate-data test skipped: NEIBAO_TEST_POSTGRES_URL is not set");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sqlite = neibao::open_store(None, dir.path(), Duration::from_secs(300))
        .await
        .unwrap();
    let services = neibao::cli_services(sqlite.clone());
    neibao::ensure_admin_with(&services, Some("admin-pass-123"))
        .await
        .unwrap();
    neibao::demo::load_once(&services).await.unwrap();
    let from = format!("sqlite://{}", dir.path().join("neibao.db").display());
    let db = TestDatabase::create(&admin).await;

    let (ok, report) = migrate(&from, &db.url);
    assert!(ok, "{report}");
    // Every table of the schema but the lockout counters and the migration records is moved.
    let tables = {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&from).await.unwrap();
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name NOT IN ('auth_attempts', '_sqlx_migrations')",
        )
        .fetch_one(&mut c)
        .await
        .unwrap();
        n
    };
    assert!(tables >= 90, "every capability's tables: {tables}");
    assert!(
        report.contains(&format!("全部 {tables} 张表的行数与校验和一致")),
        "{report}"
    );
    // More use of the single box, then a second run brings PostgreSQL up to date.
    let device = sqlite
        .device_for_ingest(&neibao_domain::ids::token_hash(neibao::demo::DEMO_GATE_CAMERA_TOKEN))
        .await
        .unwrap()
        .unwrap();
    let payload = neibao_ingest::decode_hikvision(
        Some("application/xml"),
        &fixture("hikvision-isapi-alert/alert_shelteralarm_tamper_ver20.xml"),
    )
    .unwrap();
    services
        .pipeline()
        .process(&device, &payload, b"<x/>", None, None, chrono::Utc::now())
        .await
        .unwrap();
    let (ok, report) = migrate(&from, &db.url);
    assert!(ok, "{report}");

    // PostgreSQL now serves the same installation (same field keys from the data folder).
    let pg = neibao::open_store(Some(&db.url), dir.path(), Duration::from_secs(300))
        .await
        .unwrap();
    let all = Scope::All;
    let p = Page::new(Some(1), Some(1));
    assert_eq!(
        pg.list_units(&all, &UnitFilter::default(), p).await.unwrap().total,
        sqlite.list_units(&all, &UnitFilter::default(), p).await.unwrap().total
    );
    assert_eq!(pg.list_alerts(&all, &AlertFilter::default(), p).await.unwrap().total, 2);
    let unit = &sqlite.list_units(&all, &UnitFilter::default(), p).await.unwrap().items[0];
    let (a, b) = (
        sqlite.get_unit(&all, &unit.id).await.unwrap(),
        pg.get_unit(&all, &unit.id).await.unwrap(),
    );
    assert_eq!(
        a.responsible_persons[0]
            .citizen_id
            .as_ref()
            .map(|c| c.expose().to_string()),
        b.responsible_persons[0]
            .citizen_id
            .as_ref()
            .map(|c| c.expose().to_string()),
        "encrypted fields decrypt the same"
    );
    assert!(pg.user_credentials("demo_unit").await.unwrap().is_some());

    // Bad arguments are refused.
    assert!(!migrate("sqlite:///no/such.db", &db.url).0);
    assert!(!migrate(&from, "mysql://x").0);
}

//! Test harness: a real neibao server on an ephemeral port over a temporary data folder.

use std::path::PathBuf;
use std::sync::Arc;

use neibao::app::{App, AppConfig};
use neibao_engine::jobs::scheduler::Scheduler;
use neibao_engine::Services;
use neibao_store::Store;
use neibao_web::WebConfig;
use serde_json::{json, Value};

pub const DEMO_PASSWORD: &str = "neibao-demo";
pub const ADMIN_PASSWORD: &str = "admin-pass-123";

pub struct TestApp {
    pub base: String,
    pub store: Arc<dyn Store>,
    /// The application's services (for tests that drive a service directly).
    #[allow(dead_code)]
    pub services: Arc<Services>,
    /// The application's job handlers (the same registry `neibao serve` runs).
    workers: neibao::app::Workers,
    pub data_dir: PathBuf,
    /// `Some(postgres://…)` when the suite runs on PostgreSQL (`NEIBAO_TEST_BACKEND=postgres`).
    pub database_url: Option<String>,
    _dir: tempfile::TempDir,
    _db: Option<TestDatabase>,
}

/// The PostgreSQL server tests may use: `NEIBAO_TEST_POSTGRES_URL` (a database the test user may
/// create databases from, e.g. `postgres://postgres@127.0.0.1:5432/postgres`). `.ci/run` sets it.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("NEIBAO_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty())
}

/// True when the whole suite is asked to run on PostgreSQL.
pub fn suite_on_postgres() -> bool {
    std::env::var("NEIBAO_TEST_BACKEND").as_deref() == Ok("postgres")
}

/// A throw-away PostgreSQL database, dropped (with its connections) when the value is dropped.
pub struct TestDatabase {
    admin_url: String,
    pub name: String,
    pub url: String,
}

impl TestDatabase {
    pub async fn create(admin_url: &str) -> TestDatabase {
        Self::create_from(admin_url, None).await
    }

    /// A throw-away database that starts as a copy of `template` (or empty).
    pub async fn create_from(admin_url: &str, template: Option<&str>) -> TestDatabase {
        use sqlx::Connection;
        // `neibao_t_p<pid>_…`: the process id lets a later run (template.rs `sweep`, scripts/test.sh)
        // drop what a finished process left queued, and only that.
        let name = format!("neibao_t_p{}_{}", std::process::id(), uuid::Uuid::now_v7().simple());
        let mut conn = sqlx::PgConnection::connect(admin_url)
            .await
            .expect("connect to NEIBAO_TEST_POSTGRES_URL");
        let sql = match template {
            Some(t) => format!("CREATE DATABASE {name} TEMPLATE {t}"),
            None => format!("CREATE DATABASE {name}"),
        };
        sqlx::query(&sql)
            .execute(&mut conn)
            .await
            .expect("create test database");
        TestDatabase {
            admin_url: admin_url.to_string(),
            url: super::template::database_url(admin_url, &name),
            name,
        }
    }
}

impl Drop for TestDatabase {
    /// Hands the database to the background dropper and returns at once: on PostgreSQL 15
    /// `DROP DATABASE` waits for a checkpoint (3–4 s measured on the CI machine), which the test
    /// need not wait for. Databases still queued when the test process exits are dropped by
    /// `scripts/test.sh` after the run (and by `.ci/run` before one).
    fn drop(&mut self) {
        dropper().send((self.admin_url.clone(), self.name.clone()));
    }
}

/// The one thread that drops finished test databases for the whole test process, up to eight
/// at a time (concurrent drops share their checkpoints).
struct Dropper(std::sync::Mutex<std::sync::mpsc::Sender<(String, String)>>);

impl Dropper {
    fn send(&self, job: (String, String)) {
        let _ = self.0.lock().unwrap_or_else(|e| e.into_inner()).send(job);
    }
}

fn dropper() -> &'static Dropper {
    static DROPPER: std::sync::OnceLock<Dropper> = std::sync::OnceLock::new();
    DROPPER.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<(String, String)>();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            let slots = Arc::new(tokio::sync::Semaphore::new(8));
            for (admin, name) in rx {
                let permit = rt.block_on(slots.clone().acquire_owned()).expect("semaphore open");
                rt.spawn(async move {
                    use sqlx::Connection;
                    if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut c)
                            .await;
                    }
                    drop(permit);
                });
            }
        });
        Dropper(std::sync::Mutex::new(tx))
    })
}

impl TestApp {
    /// A server with the admin account only.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(WebConfig::default(), false).await
    }

    /// A server with the demo data set loaded.
    pub async fn demo() -> TestApp {
        Self::spawn_with(WebConfig::default(), true).await
    }

    pub async fn spawn_with(config: WebConfig, demo: bool) -> TestApp {
        Self::spawn_configured(|c| c.web = config, demo).await
    }

    /// A server whose application configuration `configure` adjusts.
    pub async fn spawn_configured(configure: impl FnOnce(&mut AppConfig), demo: bool) -> TestApp {
        Self::spawn_full(configure, demo, neibao::server::ServerConfig::default(), "127.0.0.1:0").await
    }

    /// A server with the given connection limits, listening on `bind` (e.g. `[::1]:0`).
    pub async fn spawn_server(
        config: WebConfig,
        demo: bool,
        server: neibao::server::ServerConfig,
        bind: &str,
    ) -> TestApp {
        Self::spawn_full(|c| c.web = config, demo, server, bind).await
    }

    /// The application `neibao serve` builds, served by the binary's own accept loop
    /// (`neibao::server::serve`) with the connection limits `server`, listening on `bind`.
    async fn spawn_full(
        configure: impl FnOnce(&mut AppConfig),
        demo: bool,
        server: neibao::server::ServerConfig,
        bind: &str,
    ) -> TestApp {
        // A copy of a ready installation (see `template`): migrated, divisions loaded, the admin
        // account, and the demo data when `demo`.
        let template = super::template::get(demo);
        let dir = tempfile::tempdir().expect("tempdir");
        template.copy_folder(dir.path());
        let db = if suite_on_postgres() {
            let admin = postgres_admin_url().expect("NEIBAO_TEST_BACKEND=postgres needs NEIBAO_TEST_POSTGRES_URL");
            Some(TestDatabase::create_from(&admin, template.database()).await)
        } else {
            None
        };
        let database_url = db.as_ref().map(|d| d.url.clone());
        // The application `neibao serve` builds, on a temporary data folder; its background
        // workers are not started: tests tick the scheduler themselves with a controlled clock.
        let mut app_config = AppConfig::new(dir.path());
        app_config.database_url = database_url.clone();
        configure(&mut app_config);
        let app = App::build(app_config).await.expect("app");
        let store = app.store.clone();
        let listener = tokio::net::TcpListener::bind(bind).await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(neibao::server::serve(
            listener,
            app.router,
            server,
            std::future::pending(),
        ));
        TestApp {
            base: format!("http://{addr}"),
            store,
            services: app.services,
            workers: app.workers,
            data_dir: dir.path().to_path_buf(),
            database_url,
            _dir: dir,
            _db: db,
        }
    }

    /// The application built again over the same installation, as after a restart.
    pub async fn rebuilt(&self) -> App {
        let mut c = AppConfig::new(&self.data_dir);
        c.database_url = self.database_url.clone();
        App::build(c).await.expect("app")
    }

    /// A scheduler for `node` with every job handler the application wires.
    pub fn scheduler(&self, node: &str) -> Scheduler {
        self.workers.scheduler(node)
    }

    /// Everything the installation stores, as text: the data folder's files for SQLite, a
    /// `pg_dump` of the database for PostgreSQL. For "no plaintext at rest" checks.
    pub fn stored_bytes(&self) -> String {
        let mut bytes = Vec::new();
        if let Some(url) = &self.database_url {
            let out = std::process::Command::new("pg_dump")
                .arg("--data-only")
                .arg(url)
                .output()
                .expect("pg_dump");
            assert!(
                out.status.success(),
                "pg_dump: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            bytes.extend(out.stdout);
        }
        for entry in std::fs::read_dir(&self.data_dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                bytes.extend(std::fs::read(&path).unwrap());
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Runs SQL directly on the installation's database (to tamper with it in tests).
    pub async fn exec_sql(&self, statements: &str) {
        use sqlx::Connection;
        match &self.database_url {
            Some(url) => {
                let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
                sqlx::raw_sql(statements).execute(&mut c).await.expect("exec");
            }
            None => {
                let url = format!("sqlite://{}", self.data_dir.join("neibao.db").display());
                let mut c = sqlx::SqliteConnection::connect(&url).await.expect("connect");
                sqlx::raw_sql(statements).execute(&mut c).await.expect("exec");
            }
        }
    }

    /// A browser session (cookies, redirects followed) signed in through the login form.
    pub async fn browser(&self, username: &str, password: &str) -> reqwest::Client {
        let b = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .unwrap();
        let r = b
            .post(self.url("/login"))
            .form(&[("username", username), ("password", password)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "login of {username}");
        b
    }

    /// A cookie-keeping client logged in through `POST /api/v1/session`; returns it with the
    /// session's CSRF token and the login response.
    pub async fn session(&self, username: &str, password: &str, otp: Option<&str>) -> (reqwest::Client, u16, Value) {
        let http = reqwest::Client::builder().cookie_store(true).build().unwrap();
        let r = http
            .post(self.url("/api/v1/session"))
            .json(&json!({"username": username, "password": password, "otp": otp}))
            .send()
            .await
            .unwrap();
        let s = r.status().as_u16();
        (http, s, r.json().await.unwrap_or(Value::Null))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Logs in through the API and returns a client that sends the bearer token of a fresh API
    /// token (created directly in the store, as `neibao token create` does).
    pub async fn client_for(&self, username: &str) -> Client {
        let (user, _) = self
            .store
            .user_credentials(username)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no user {username}"));
        let token = neibao_engine::accounts::random_token();
        self.store
            .create_api_token(
                &neibao_domain::accounts::NewApiToken {
                    user_id: user.id.clone(),
                    token_hash: neibao_domain::ids::token_hash(&token),
                    name: "test".into(),
                    scope: neibao_domain::accounts::TokenScope::Write,
                    expires_at: None,
                },
                &neibao_domain::access::Principal::system("test").audit("token.create", "api_tokens", "", None),
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        Client {
            base: self.base.clone(),
            http: reqwest::Client::new(),
            token,
        }
    }

    pub async fn admin(&self) -> Client {
        self.client_for("admin").await
    }

    /// POSTs a device payload to an ingest endpoint.
    pub async fn ingest(&self, path: &str, content_type: &str, body: impl Into<reqwest::Body>) -> (u16, Value) {
        let r = reqwest::Client::new()
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("send");
        let status = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }
}

/// A browser session used on the API: the session cookie plus the `X-CSRF-Token` header.
pub struct SessionClient {
    pub base: String,
    pub http: reqwest::Client,
    pub csrf: String,
}

impl SessionClient {
    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::PUT, path, body).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, body).await
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .request(method, format!("{}{}", self.base, path))
            .header("x-csrf-token", &self.csrf)
            .json(&body)
            .send()
            .await
            .expect("send");
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(Value::Null))
    }
}

impl TestApp {
    /// Logs in through `POST /api/v1/session` (no second factor) and returns the session.
    pub async fn session_client(&self, username: &str, password: &str) -> SessionClient {
        let (http, s, v) = self.session(username, password, None).await;
        assert_eq!(s, 200, "login {username}: {v}");
        SessionClient {
            base: self.base.clone(),
            http,
            csrf: v["csrf_token"].as_str().unwrap().to_string(),
        }
    }

    /// Signs in with a password the system made (an initial or reset password) and replaces it,
    /// as the account's owner must before anything else; returns the new password.
    pub async fn replace_first_password(&self, username: &str, first: &str) -> String {
        let new = format!("Xk7#mq-Lw9-{}", username.len());
        let c = self.session_client(username, first).await;
        let (s, v) = c
            .put(
                "/api/v1/me/password",
                json!({"current_password": first, "new_password": new}),
            )
            .await;
        assert_eq!(s, 204, "{username} sets their own password: {v}");
        new
    }
}

/// An API client with a bearer token.
#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
    pub token: String,
}

impl Client {
    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{}", self.base, path))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.expect("send");
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str, body: Option<Value>) -> (u16, Value) {
        self.send(reqwest::Method::DELETE, path, body).await
    }

    /// Posts `bytes` as the multipart field `file` named `name` with content type `mime`
    /// (optionally with an Idempotency-Key), framed with a fixed boundary so that a repeat is
    /// the same request byte for byte. Returns the status and the JSON answer (Null if none).
    pub async fn upload_file(
        &self,
        path: &str,
        name: &str,
        mime: &str,
        bytes: &[u8],
        key: Option<&str>,
    ) -> (u16, Value) {
        let mut body = format!(
            "--neibao-test-boundary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: {mime}\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n--neibao-test-boundary--\r\n");
        let mut r = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("Content-Type", "multipart/form-data; boundary=neibao-test-boundary")
            .body(body);
        if let Some(k) = key {
            r = r.header("Idempotency-Key", k);
        }
        let r = r.send().await.expect("send");
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(Value::Null))
    }
}

/// Reads a device fixture shipped in the repository.
pub fn fixture(rel: &str) -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/devices/");
    std::fs::read(format!("{path}{rel}")).unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}

/// A valid USCC for tests, built from a 17-character body.
pub fn uscc(body17: &str) -> String {
    format!("{body17}{}", neibao_domain::validate::uscc_check_char(body17).unwrap())
}

/// Registers a unit as `client` and returns its id.
pub async fn create_unit(client: &Client, name: &str, division: &str, uscc_body: &str) -> String {
    let (s, v) = client
        .post(
            "/api/v1/units",
            json!({"name": name, "kind": "enterprise", "uscc": uscc(uscc_body), "division_code": division, "address": "测试路1号"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_str().unwrap().to_string()
}

/// Registers a device and returns (id, ingest path).
pub async fn create_device(
    client: &Client,
    unit_id: &str,
    key_area_id: Option<&str>,
    format: &str,
) -> (String, String) {
    let (s, v) = client
        .post(
            "/api/v1/devices",
            json!({"unit_id": unit_id, "key_area_id": key_area_id, "format": format, "name": "测试摄像机"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    (
        v["id"].as_str().unwrap().into(),
        v["ingest_path"].as_str().unwrap().into(),
    )
}

/// The id of the alert a device raised (the newest 200 alerts the client sees).
pub async fn alert_of_device(client: &Client, device: &str) -> String {
    let (_, alerts) = client.get("/api/v1/alerts?per_page=200").await;
    alerts["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["device_id"] == device)
        .expect("the device's alert")["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The CSRF token of a rendered form (its hidden `csrf_token` field).
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let i = html.find(marker).expect("csrf field") + marker.len();
    html[i..].split('"').next().unwrap().to_string()
}

/// The id of the first open organisation of `kind` whose division code starts with `division`
/// (`GET /api/v1/organisations`).
pub async fn first_org(admin: &Client, kind: &str, division: &str) -> String {
    let (s, v) = admin
        .get(&format!("/api/v1/organisations?kind={kind}&division={division}"))
        .await;
    assert_eq!(s, 200, "{v}");
    v[0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no {kind} in {division}: {v}"))
        .to_string()
}

/// The error code of an API answer (empty when it is none).
pub fn error_code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

/// The zh-CN message of an API error answer (empty when it is none).
pub fn error_message(v: &Value) -> &str {
    v["error"]["message"].as_str().unwrap_or("")
}

/// A webhook receiver that answers 503 to the first `fail` requests, then 200; it records the
/// delivery ids and the bodies it accepted (after checking the signature).
#[allow(clippy::type_complexity)]
pub async fn flaky_receiver(
    fail: usize,
    secret: &'static str,
) -> (
    String,
    Arc<std::sync::atomic::AtomicUsize>,
    Arc<std::sync::Mutex<Vec<String>>>,
    Arc<std::sync::Mutex<Vec<Value>>>,
) {
    use axum::http::{HeaderMap, StatusCode};
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let accepted = Arc::new(std::sync::Mutex::new(Vec::new()));
    let bodies = Arc::new(std::sync::Mutex::new(Vec::new()));
    let (c, a, bs) = (calls.clone(), accepted.clone(), bodies.clone());
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let (c, a, bs) = (c.clone(), a.clone(), bs.clone());
            async move {
                let n = c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if n < fail {
                    return StatusCode::SERVICE_UNAVAILABLE;
                }
                let h = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                let ts = h("x-neibao-timestamp");
                if !neibao_notify::verify_signature(secret, &ts, &body, &h("x-neibao-signature")) {
                    return StatusCode::UNAUTHORIZED;
                }
                a.lock().unwrap().push(h("x-neibao-delivery"));
                bs.lock()
                    .unwrap()
                    .push(serde_json::from_slice(&body).unwrap_or(Value::Null));
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{addr}/hook"), calls, accepted, bodies)
}

//! The WebDriver harness of the browser tests (browser.rs, phone.rs): Debian's chromedriver and
//! headless Chromium driven over the W3C WebDriver HTTP protocol. Without chromedriver a test is
//! skipped, unless NEIBAO_REQUIRE_BROWSER=1 (CI, after scripts/install-browser.sh).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{TestApp, DEMO_PASSWORD};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const TIMEOUT: Duration = Duration::from_secs(10);
/// The W3C key of an element reference.
pub const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Whether chromedriver is there; without it the test is skipped, unless
/// NEIBAO_REQUIRE_BROWSER=1 makes that a failure.
pub fn browser_installed() -> bool {
    if std::path::Path::new(CHROMEDRIVER).exists() {
        return true;
    }
    if std::env::var("NEIBAO_REQUIRE_BROWSER").as_deref() == Ok("1") {
        panic!("NEIBAO_REQUIRE_BROWSER=1 but {CHROMEDRIVER} is missing (scripts/install-browser.sh)");
    }
    println!("browser test skipped: chromedriver not installed (scripts/install-browser.sh)");
    false
}

pub fn css(selector: &str) -> Value {
    json!({"using": "css selector", "value": selector})
}

pub fn xpath(selector: &str) -> Value {
    json!({"using": "xpath", "value": selector})
}

/// A chromedriver process with one Chromium session. Dropping it ends both, even on panic.
pub struct Browser {
    driver: Child,
    base: String,
    session: Option<String>,
    http: reqwest::Client,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn start() -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().unwrap();
        let mut b = Browser {
            driver,
            base: format!("http://127.0.0.1:{port}"),
            session: None,
            http: reqwest::Client::new(),
            _profile: profile,
        };
        b.wait_for("chromedriver /status", || async {
            let r = b.http.get(format!("{}/status", b.base)).send().await;
            match r {
                Ok(r) => r
                    .json::<Value>()
                    .await
                    .map(|v| v["value"]["ready"] == true)
                    .unwrap_or(false),
                Err(_) => false,
            }
        })
        .await;
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,900",
            "--lang=zh-CN",
        ];
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", b._profile.path().display()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
        }}});
        let v = b.call(Method::POST, "/session", caps).await.expect("new session");
        b.session = Some(v["sessionId"].as_str().expect("sessionId").to_string());
        b
    }

    /// One WebDriver command; `path` starting with `/` is absolute, otherwise relative to the
    /// session. Returns the response's `value`, or the WebDriver error as text.
    pub async fn call(&self, method: Method, path: &str, body: Value) -> Result<Value, String> {
        let url = match (&self.session, path.starts_with('/')) {
            (Some(s), false) => format!("{}/session/{s}/{path}", self.base),
            _ => format!("{}{path}", self.base),
        };
        let mut req = self.http.request(method.clone(), url);
        if method != Method::GET && method != Method::DELETE {
            req = req.json(&body);
        }
        let r = req.send().await.map_err(|e| e.to_string())?;
        let ok = r.status().is_success();
        let v: Value = r.json().await.map_err(|e| e.to_string())?;
        if ok {
            Ok(v["value"].clone())
        } else {
            Err(format!("{path}: {}", v["value"]))
        }
    }

    /// Polls `cond` every 100 ms until it holds, for at most TIMEOUT.
    pub async fn wait_for<F, Fut>(&self, what: &str, mut cond: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = Instant::now() + TIMEOUT;
        while !cond().await {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what} (url {:?})",
                self.call(Method::GET, "url", json!({})).await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs an element command, retrying while the element is missing or stale (the alert list
    /// reloads itself when alerts change).
    pub async fn on_element(&self, locator: &Value, method: Method, cmd: &str, body: Value) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let res = match self.try_find(locator).await {
                Ok(el) => {
                    self.call(method.clone(), &format!("element/{el}/{cmd}"), body.clone())
                        .await
                }
                Err(e) => Err(e),
            };
            match res {
                Ok(v) => return v,
                Err(e) if Instant::now() > deadline => panic!("{locator} {cmd}: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    pub async fn try_find(&self, locator: &Value) -> Result<String, String> {
        let v = self.call(Method::POST, "element", locator.clone()).await?;
        Ok(v[ELEMENT].as_str().ok_or("no element id")?.to_string())
    }

    pub async fn try_text(&self, locator: &Value) -> Result<String, String> {
        let el = self.try_find(locator).await?;
        Ok(self
            .call(Method::GET, &format!("element/{el}/text"), json!({}))
            .await?
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    pub async fn goto(&self, url: &str) {
        self.call(Method::POST, "url", json!({"url": url})).await.unwrap();
    }

    pub async fn url(&self) -> String {
        self.call(Method::GET, "url", json!({}))
            .await
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Logs in a demo user through the form and waits for the dashboard.
    pub async fn login(&self, app: &TestApp, username: &str) {
        self.login_with(app, username, DEMO_PASSWORD).await;
    }

    /// Logs in through the form with `password` and waits for the dashboard.
    pub async fn login_with(&self, app: &TestApp, username: &str, password: &str) {
        self.goto(&app.url("/login")).await;
        self.send_keys(&css("#username"), username).await;
        self.send_keys(&css("#password"), password).await;
        self.click(&css("#login")).await;
        self.wait_for("the dashboard after login", || async {
            self.url().await == app.url("/")
        })
        .await;
    }

    /// Every element matching `locator` (their ids).
    pub async fn find_all(&self, locator: &Value) -> Vec<String> {
        let v = self.call(Method::POST, "elements", locator.clone()).await.unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| e[ELEMENT].as_str().unwrap().to_string())
            .collect()
    }

    pub async fn send_keys(&self, locator: &Value, text: &str) {
        self.on_element(locator, Method::POST, "value", json!({"text": text}))
            .await;
    }

    pub async fn click(&self, locator: &Value) {
        self.on_element(locator, Method::POST, "click", json!({})).await;
    }

    pub async fn text(&self, locator: &Value) -> String {
        self.on_element(locator, Method::GET, "text", json!({}))
            .await
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn attribute(&self, locator: &Value, name: &str) -> String {
        let v = self
            .on_element(locator, Method::GET, &format!("attribute/{name}"), json!({}))
            .await;
        v.as_str()
            .unwrap_or_else(|| panic!("{locator} has no {name}"))
            .to_string()
    }

    /// A property of the element as the page sees it now (`value` after typing or a script,
    /// where [`Browser::attribute`] gives the value the page was served with).
    pub async fn property(&self, locator: &Value, name: &str) -> String {
        let v = self
            .on_element(locator, Method::GET, &format!("property/{name}"), json!({}))
            .await;
        v.as_str().unwrap_or_default().to_string()
    }

    /// Asserts the window was narrowed to a phone (at most 390 CSS px wide) and the page does not
    /// scroll sideways in it (`scrollWidth` ≤ `innerWidth`).
    pub async fn assert_fits_phone(&self) {
        let v = self
            .call(
                Method::POST,
                "execute/sync",
                json!({"script": "return [document.documentElement.scrollWidth, window.innerWidth];", "args": []}),
            )
            .await
            .unwrap();
        let (scroll, inner) = (v[0].as_i64().unwrap(), v[1].as_i64().unwrap());
        assert!(inner <= 390, "window not narrowed: {inner}");
        assert!(scroll <= inner, "the page scrolls sideways: {scroll} > {inner}");
    }

    /// A PNG of the viewport.
    pub async fn screenshot(&self) -> Vec<u8> {
        let v = self.call(Method::GET, "screenshot", json!({})).await.unwrap();
        base64_decode(v.as_str().unwrap())
    }

    /// Ends the session cleanly (Chromium exits); Drop then stops chromedriver.
    pub async fn quit(mut self) {
        if let Some(s) = self.session.take() {
            let _ = self.call(Method::DELETE, &format!("/session/{s}"), json!({})).await;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // After a panic the session is still open: close it so Chromium does not outlive the
        // test. Drop cannot await, so use a throwaway runtime on its own thread.
        if let Some(s) = self.session.take() {
            let url = format!("{}/session/{s}", self.base);
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    reqwest::Client::new()
                        .delete(url)
                        .timeout(Duration::from_secs(5))
                        .send()
                        .await
                })
            })
            .join();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Standard base64 (WebDriver screenshots), without pulling in a crate for one call.
fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("bad base64 byte {c}"),
    };
    let digits: Vec<u8> = s
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .map(value)
        .collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, d)| n | ((*d as u32) << (18 - 6 * i)));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

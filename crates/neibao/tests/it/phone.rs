//! The phone layout (issue 20 item 6): in headless Chromium at 390×844, signed in as several demo
//! roles and the administrator, every page reachable from the navigation and the pages those link
//! to (one of each kind: an alert, a unit, a hazard, an inspection form, a device's registration)
//! fits the screen's width, and the closed navigation bar stays short. The menu opens from its
//! button; on a desktop the links show without it.

use std::collections::{BTreeSet, HashSet};

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{TestApp, ADMIN_PASSWORD, DEMO_PASSWORD};
use crate::webdriver::{browser_installed, css, Browser};

/// The phone's viewport (an iPhone 12–15 class screen), in CSS px.
const PHONE: (i64, i64) = (390, 844);
/// The closed navigation bar is at most this tall (CSS px).
const MAX_NAV_HEIGHT: f64 = 80.0;
/// Pages per role at most.
const MAX_PAGES: usize = 60;

/// Path segments that name a page rather than an object; any other segment after the first is an
/// id, a code or a class, and pages that differ only there are of one kind.
const WORDS: &[&str] = &[
    "new",
    "lookup",
    "key_areas",
    "persons",
    "reveal",
    "rules",
    "schedule",
    "suppressions",
    "channels",
    "import",
    "backtest",
    "end",
    "stats",
    "act",
    "evidence",
    "versions",
    "holds",
    "release",
    "health",
    "tokens",
    "password",
    "settings",
    "read",
];

/// What the page measures of itself: widths, the header's height, its type and its links.
const MEASURE: &str = r#"
const inner = window.innerWidth;
const clipped = (e) => {
  for (let p = e.parentElement; p; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX;
    if (o !== 'visible' && o !== 'clip' && p !== document.body && p !== document.documentElement) return true;
  }
  return false;
};
const wide = [];
for (const e of document.querySelectorAll('body *')) {
  const r = e.getBoundingClientRect();
  if (r.width > 0 && r.right > inner + 0.5 && !clipped(e)
      && !(e.parentElement && e.parentElement.getBoundingClientRect().right > inner + 0.5 && !clipped(e.parentElement))) {
    let name = e.tagName.toLowerCase();
    if (e.id) name += '#' + e.id;
    if (typeof e.className === 'string' && e.className) name += '.' + e.className.trim().split(/\s+/).join('.');
    wide.push(name + ' ' + Math.round(r.right) + 'px');
    if (wide.length >= 4) break;
  }
}
// A checkbox beside its label: the first line of the label's text is level with the box.
const stacked = [];
let boxes = 0;
for (const box of document.querySelectorAll('label input[type=checkbox]')) {
  const b = box.getBoundingClientRect();
  if (b.width === 0) continue;
  const walk = document.createTreeWalker(box.closest('label'), NodeFilter.SHOW_TEXT);
  let text = null;
  while (walk.nextNode()) { if (walk.currentNode.textContent.trim()) { text = walk.currentNode; break; } }
  if (!text) continue;
  boxes += 1;
  const range = document.createRange();
  range.selectNodeContents(text);
  const r = range.getClientRects()[0];
  if (r && !(r.top < b.bottom && r.bottom > b.top)) stacked.push(box.name + ' ' + text.textContent.trim());
}
const header = document.querySelector('body > header');
return {
  scroll: document.documentElement.scrollWidth,
  inner: inner,
  header: header ? header.getBoundingClientRect().height : 0,
  type: document.contentType,
  path: location.pathname + location.search,
  links: Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href')),
  wide: wide,
  stacked: stacked,
  boxes: boxes,
};
"#;

#[tokio::test]
async fn every_page_fits_a_phone_without_horizontal_scrolling() {
    if !browser_installed() {
        return;
    }
    let app = TestApp::demo().await;
    // Detail pages the walk must reach: an open hazard and an inspection in progress.
    let county = app.client_for("demo_county").await;
    let (_, me) = app.client_for("demo_unit").await.get("/api/v1/me").await;
    let unit_id = me["unit_id"].as_str().unwrap().to_string();
    let (s, v) = county
        .post(
            "/api/v1/hazards",
            json!({"unit_id": unit_id, "title": "手机布局测试：三号楼东侧消防通道被电动自行车和杂物长期占用，夜间照明不足", "class": "general", "source": "report"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let hazard = format!("/hazards/{}", v["id"].as_str().unwrap());
    let (s, v) = county.post("/api/v1/inspections", json!({"unit_id": unit_id})).await;
    assert_eq!(s, 201, "{v}");
    let inspection = format!("/inspections/{}", v["id"].as_str().unwrap());

    let b = Browser::start().await;
    b.call(
        Method::POST,
        "window/rect",
        json!({"width": PHONE.0, "height": PHONE.1}),
    )
    .await
    .unwrap();

    let mut f = Findings::default();
    let mut kinds_seen = BTreeSet::new();
    for (user, password) in [
        ("demo_unit", DEMO_PASSWORD),
        ("demo_guard", DEMO_PASSWORD),
        ("demo_county", DEMO_PASSWORD),
        ("demo_province", DEMO_PASSWORD),
        ("admin", ADMIN_PASSWORD),
    ] {
        b.call(Method::DELETE, "cookie", json!({})).await.unwrap();
        b.login_with(&app, user, password).await;
        let home = measure(&b).await;
        assert!(
            home["inner"].as_i64().unwrap() <= PHONE.0,
            "window not narrowed: {}",
            home["inner"]
        );
        println!("{user}: closed navigation {} px tall", home["header"]);

        // The navigation's links, then one page of each kind they link to.
        let nav = b
            .call(
                Method::POST,
                "execute/sync",
                json!({"script": "return Array.from(document.querySelectorAll('header nav a[href]'), a => a.getAttribute('href'));", "args": []}),
            )
            .await
            .unwrap();
        let nav: Vec<String> = nav
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|h| h.as_str().map(str::to_string))
            .collect();
        assert!(nav.len() >= 8, "{user}: navigation {nav:?}");
        let mut queue: Vec<(String, bool)> = vec![("/".to_string(), true)];
        queue.extend(nav.iter().map(|h| (h.clone(), true)));
        if user == "demo_county" {
            queue.push((hazard.clone(), false));
            queue.push((inspection.clone(), false));
        }
        let mut kinds = HashSet::new();
        let mut visited = 0;
        let mut i = 0;
        while i < queue.len() && visited < MAX_PAGES {
            let (href, follow) = queue[i].clone();
            i += 1;
            let Some(path) = page_path(&href) else { continue };
            if !kinds.insert(kind(&path)) {
                continue;
            }
            b.goto(&app.url(&path)).await;
            let m = measure(&b).await;
            if !m["type"].as_str().unwrap_or_default().starts_with("text/html") {
                continue;
            }
            visited += 1;
            kinds_seen.insert(kind(m["path"].as_str().unwrap()));
            check(user, &m, &mut f);
            if follow {
                for l in m["links"].as_array().unwrap() {
                    if let Some(l) = l.as_str() {
                        queue.push((l.to_string(), false));
                    }
                }
            }
        }
        println!("{user}: {visited} pages measured");
    }

    // A device's registration: the unit page then shows the full ingest URL once.
    b.goto(&app.url(&format!("/units/{unit_id}"))).await;
    b.send_keys(
        &css("form[action='/devices'] input[name=name]"),
        "手机布局测试：东门出入口人脸抓拍摄像机",
    )
    .await;
    b.click(&css("form[action='/devices'] button[type=submit]")).await;
    b.wait_for("the ingest URL shown once", || async {
        b.try_find(&css("#ingest-url")).await.is_ok()
    })
    .await;
    check("admin", &measure(&b).await, &mut f);
    let shot = concat!(env!("CARGO_TARGET_TMPDIR"), "/phone-device-registered.png");
    std::fs::write(shot, b.screenshot().await).unwrap();

    for k in [
        "/alerts/{id}",
        "/units/{id}",
        "/hazards/{id}",
        "/inspections/{id}",
        "/devices",
    ] {
        assert!(kinds_seen.contains(k), "the walk did not reach {k}: {kinds_seen:?}");
    }
    assert!(
        f.overflowing.is_empty(),
        "pages wider than the {} px phone screen:\n{}",
        PHONE.0,
        f.overflowing.join("\n")
    );
    assert!(
        f.tall.is_empty(),
        "closed navigation taller than {MAX_NAV_HEIGHT} px:\n{}",
        f.tall.join("\n")
    );
    println!("{} labelled checkboxes measured", f.boxes);
    assert!(f.boxes >= 5, "too few labelled checkboxes reached: {}", f.boxes);
    assert!(
        f.stacked.is_empty(),
        "checkboxes not beside their label's text:\n{}",
        f.stacked.join("\n")
    );

    // The menu button opens the link list; the bar stays one line when closed.
    b.goto(&app.url("/alerts")).await;
    let alerts_link = css("header nav a[href='/alerts']");
    assert!(
        !displayed(&b, &alerts_link).await,
        "links hidden while the menu is closed"
    );
    let shot = concat!(env!("CARGO_TARGET_TMPDIR"), "/phone-alerts.png");
    std::fs::write(shot, b.screenshot().await).unwrap();
    b.click(&css("header details.menu > summary")).await;
    assert!(displayed(&b, &alerts_link).await, "links shown once the menu is open");
    let m = measure(&b).await;
    assert!(m["scroll"].as_i64() <= m["inner"].as_i64(), "open menu overflows: {m}");
    let shot = concat!(env!("CARGO_TARGET_TMPDIR"), "/phone-menu-open.png");
    std::fs::write(shot, b.screenshot().await).unwrap();
    b.click(&alerts_link).await;
    b.wait_for("the alert list", || async { b.url().await == app.url("/alerts") })
        .await;

    // On a desktop the links show without opening anything.
    b.call(Method::POST, "window/rect", json!({"width": 1280, "height": 900}))
        .await
        .unwrap();
    b.goto(&app.url("/")).await;
    assert!(displayed(&b, &alerts_link).await, "links shown on a desktop");
    assert!(
        displayed(&b, &css("header form button")).await,
        "logout shown on a desktop"
    );
    b.quit().await;
}

/// The page's own measurements ([`MEASURE`]).
async fn measure(b: &Browser) -> Value {
    b.call(Method::POST, "execute/sync", json!({"script": MEASURE, "args": []}))
        .await
        .unwrap()
}

/// What the walk found wrong, one line per page.
#[derive(Default)]
struct Findings {
    /// Pages wider than the screen.
    overflowing: Vec<String>,
    /// Pages whose closed navigation is taller than [`MAX_NAV_HEIGHT`].
    tall: Vec<String>,
    /// Pages with a checkbox on another line than its label's text.
    stacked: Vec<String>,
    /// Checkboxes in labels seen.
    boxes: u64,
}

/// Records what is wrong with the measured page `m` in `f`.
fn check(user: &str, m: &Value, f: &mut Findings) {
    let (scroll, inner) = (m["scroll"].as_i64().unwrap(), m["inner"].as_i64().unwrap());
    if scroll > inner {
        f.overflowing.push(format!(
            "  {user} {}: scrollWidth {scroll} > innerWidth {inner}; widest: {}",
            m["path"], m["wide"]
        ));
    }
    let header = m["header"].as_f64().unwrap();
    if header > MAX_NAV_HEIGHT {
        f.tall.push(format!("  {user} {}: {header} px", m["path"]));
    }
    let stacked = m["stacked"].as_array().unwrap();
    if !stacked.is_empty() {
        f.stacked.push(format!("  {user} {}: {stacked:?}", m["path"]));
    }
    f.boxes += m["boxes"].as_u64().unwrap();
}

/// Whether the element is shown (WebDriver's "is displayed").
async fn displayed(b: &Browser, locator: &Value) -> bool {
    let el = b.try_find(locator).await.unwrap();
    b.call(Method::GET, &format!("element/{el}/displayed"), json!({}))
        .await
        .unwrap()
        .as_bool()
        .unwrap()
}

/// The same-origin page an `href` leads to (without its fragment), or None for what is not a
/// page: downloads, documents, the API, signing out.
fn page_path(href: &str) -> Option<String> {
    let path = href.split('#').next().unwrap_or_default();
    if !path.starts_with('/') || path.starts_with("//") {
        return None;
    }
    let skip = [
        "/static/",
        "/api/",
        "/documents/",
        "/logout",
        "/metrics",
        "/healthz",
        "/readyz",
    ];
    if skip.iter().any(|s| path.starts_with(s))
        || ["export", "download", "format=", ".pdf", ".csv", "/raw", "/file"]
            .iter()
            .any(|s| path.contains(s))
    {
        return None;
    }
    Some(path.to_string())
}

/// The kind of page a path is: its segments after the first, other than [`WORDS`], read `{id}`;
/// the query is dropped.
fn kind(path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    path.split('/')
        .enumerate()
        .map(|(i, s)| {
            if i <= 1 || WORDS.contains(&s) {
                s.to_string()
            } else {
                "{id}".to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

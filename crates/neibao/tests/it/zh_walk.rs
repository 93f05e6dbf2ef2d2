//! Every word a person reads is Chinese (issue 20 item 5): signed in as every demo role, the walk
//! follows the same-origin links of every page it reaches (from the home page and its navigation,
//! through lists to the objects they link), takes the text a person sees (element text, and the
//! `title`, `placeholder`, `alt`, `aria-label` and button `value` attributes), and fails listing
//! each page with every ASCII word (two letters or more) that is not on [`ALLOWED`].
//!
//! Not read: `<script>`, `<style>`, HTML comments, and `<code>` elements (and a `<textarea
//! class="code">`), which the UI keeps for machine text a person copies or a developer reads
//! beside its Chinese reading (commands such as `neibao audit verify`, tokens, hashes, the ingest
//! URL, a rule's code, condition expression and JSON, a device's own event type).
//! Values of the demo data that are ASCII by nature (user names such as `demo_county`) are masked
//! from the text, read from the demo loader's own users.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use serde_json::json;

use crate::common::*;

/// ASCII words a Chinese page may carry, each a code, unit, standard or name with no Chinese form
/// in use (compared case-sensitively).
const ALLOWED: &[&str] = &[
    // Standards and protocols, named by their code in Chinese regulations and device manuals.
    "GB",       // 国家标准编号前缀 (GB/T 28181, GB 2260, GB 11643)
    "ONVIF",    // 网络视频设备接口标准
    "MQTT",     // 物联网消息协议（设备接入方式）
    "NATS",     // 消息总线（多节点部署）
    "HTTP",     // 设备接入方式（HTTP 推送）
    "HTTPS",    // 同上
    "API",      // 接口（“API 令牌”）
    "JSON",     // 规则导入导出格式
    "CSV",      // 导出格式
    "PDF",      // 文书格式
    "IP",       // 设备地址
    "URL",      // 接入地址
    "ID",       // 编号（设备 ID）
    "TOTP",     // 动态验证码算法（验证器应用中显示的名称）
    "SMS",      // 短信通道
    "SMTP",     // 邮件通道
    "ANPR",     // 车牌识别（设备事件来源）
    "VMD",      // 移动侦测（海康/大华设备菜单中的名称）
    "UTC",      // 协调世界时（设备时钟时区 UTC+8 等）
    "SSL",      // 邮件服务器加密方式，邮箱服务商设置页的写法
    "TLS",      // 同上
    "STARTTLS", // 同上
    "Webhook",  // 钉钉/企业微信机器人设置页中“Webhook 地址”的写法
    // Units of measure.
    "km",
    "MB",
    "KB",
    "ms",
    // Vendors and product names, shown as on the device.
    "Hikvision",
    "Dahua",
    "Axis",
    "Frigate",
    "ZKTeco",
    "ISAPI",
    "RPC",
    "Excel", // 电子表格软件名：“导出 Excel”是各地公安内网软件与 WPS 通用的写法
];

/// The demo roles and the administrator, with their passwords.
fn accounts() -> Vec<(&'static str, &'static str)> {
    let mut a = vec![("admin", ADMIN_PASSWORD)];
    for u in [
        "demo_province",
        "demo_city",
        "demo_county",
        "demo_station",
        "demo_department",
        "demo_unit",
        "demo_guard",
        "demo_assessor",
    ] {
        a.push((u, DEMO_PASSWORD));
    }
    a
}

/// Pages per role at most, and pages per path shape (ids replaced) at most.
const MAX_PAGES: usize = 400;
const PER_SHAPE: usize = 2;

#[tokio::test]
async fn every_page_every_role_reads_chinese() {
    let app = TestApp::demo().await;
    // Notification channels of both shapes, so that their settings are read too.
    // (Through a signed-in session: an API token would add its own name to the pages.)
    let admin = app.session_client("admin", ADMIN_PASSWORD).await;
    for config in [
        json!({"kind": "webhook", "url": "http://127.0.0.1:9/hook", "secret": "0123456789abcdef-zh-walk"}),
        json!({"kind": "email", "smtp_host": "127.0.0.1", "smtp_port": 465, "username": "alarm@example.com",
               "password": "zh-walk-123456", "from": "内保平台 <alarm@example.com>", "to": ["duty@example.com"], "starttls": false}),
    ] {
        let (s, v) = admin
            .post(
                "/api/v1/notification_channels",
                json!({"name": "值班室", "config": config}),
            )
            .await;
        assert_eq!(s, 201, "{v}");
    }
    // A refused request, so that the audit log holds one to read.
    let guard = app.session_client("demo_guard", DEMO_PASSWORD).await;
    let (s, _) = guard.post("/api/v1/units", json!({"name": "越权登记"})).await;
    assert!((400..500).contains(&s), "{s}");
    let audit = admin
        .http
        .get(app.url("/audit"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        audit.contains("demo_guard 尝试提交单位，被拒绝"),
        "the refusal is in the log"
    );
    // User names are data (the administrator's account list shows every one, also the demo's
    // second county officer); the longer name first, so that it is not cut by a shorter one.
    let mut masks: Vec<&str> = vec!["demo_county_other"];
    masks.extend(accounts().iter().map(|a| a.0));
    let mut failures: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut visited_total = 0;
    for (user, password) in accounts() {
        let b = app.browser(user, password).await;
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut shapes: HashMap<String, usize> = HashMap::new();
        let mut queue: VecDeque<String> = VecDeque::from(["/".to_string()]);
        let mut pages = 0;
        while let Some(path) = queue.pop_front() {
            if pages >= MAX_PAGES {
                break;
            }
            let r = b.get(app.url(&path)).send().await.unwrap();
            let html_page = r
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|c| c.starts_with("text/html"));
            if !html_page || r.headers().contains_key("content-disposition") {
                continue;
            }
            let status = r.status().as_u16();
            let body = r.text().await.unwrap();
            assert!(status < 500, "{user} GET {path}: {status}");
            pages += 1;
            let words = foreign_words(&body, &masks);
            if !words.is_empty() {
                failures.entry(format!("{user} {path}")).or_default().extend(words);
            }
            for link in links(&body) {
                if seen.contains(&link) || skipped(&link) {
                    continue;
                }
                let n = shapes.entry(shape(&link)).or_default();
                if *n >= PER_SHAPE {
                    continue;
                }
                *n += 1;
                seen.insert(link.clone());
                queue.push_back(link);
            }
        }
        assert!(pages > 5, "{user} reached only {pages} pages");
        visited_total += pages;
    }
    let report: Vec<String> = failures
        .iter()
        .map(|(page, words)| format!("{page}: {}", words.iter().cloned().collect::<Vec<_>>().join(" ")))
        .collect();
    assert!(
        report.is_empty(),
        "English on {} of {visited_total} pages:\n{}",
        report.len(),
        report.join("\n")
    );
}

/// Links not to follow: signing out, downloads and machine endpoints.
fn skipped(path: &str) -> bool {
    let p = path.split(['?', '#']).next().unwrap_or(path);
    p == "/logout"
        || p.starts_with("/api/")
        || p.starts_with("/assets/")
        || p.starts_with("/ingest/")
        || p.starts_with("/metrics")
        || p.ends_with("/download")
        || p.ends_with("/raw")
        || p.ends_with("/file")
        || p.ends_with(".pdf")
        || p.ends_with(".csv")
        || p.ends_with(".json")
        || p.ends_with("/export")
}

/// A link's path with its ids (segments holding a digit) and query values replaced, so that a
/// list's hundred rows count as one page shape.
fn shape(link: &str) -> String {
    let (path, query) = link.split_once('?').unwrap_or((link, ""));
    let segs: Vec<&str> = path
        .split('/')
        .map(|s| if s.chars().any(|c| c.is_ascii_digit()) { "{}" } else { s })
        .collect();
    let mut keys: Vec<&str> = query.split('&').filter_map(|kv| kv.split('=').next()).collect();
    keys.sort();
    format!("{}?{}", segs.join("/"), keys.join("&"))
}

/// The same-origin links (`href="/…"`) of a page, entities decoded, fragments dropped.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("href=\"") {
        rest = &rest[i + 6..];
        let Some(end) = rest.find('"') else { break };
        let href = decode(&rest[..end]);
        rest = &rest[end..];
        if href.starts_with('/') && !href.starts_with("//") {
            let href = href.split('#').next().unwrap_or_default().to_string();
            if !href.is_empty() {
                out.push(href);
            }
        }
    }
    out
}

/// The ASCII words of a page's visible text that are not allowed.
fn foreign_words(html: &str, masks: &[&str]) -> BTreeSet<String> {
    let mut text = visible_text(html);
    for m in masks {
        text = text.replace(m, " ");
    }
    let mut out = BTreeSet::new();
    for chunk in text.split_whitespace() {
        // Web addresses and e-mail addresses are data a person copies.
        if chunk.contains("://") || chunk.contains('@') {
            continue;
        }
        for token in chunk.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')) {
            // Identifiers, model numbers and values mix letters with digits: codes, not words.
            if token.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            for word in token.split(|c: char| !c.is_ascii_alphabetic()) {
                if word.len() >= 2 && !ALLOWED.contains(&word) {
                    out.insert(word.to_string());
                }
            }
        }
    }
    out
}

/// The text a person sees: element text outside `script`, `style`, `code` and comments, plus the
/// visible attributes, entities decoded.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    let mut hidden_depth: Vec<String> = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map(|i| &after[i + 3..]).unwrap_or("");
            continue;
        }
        if rest.starts_with('<') {
            let end = tag_end(rest);
            let tag = &rest[1..end];
            rest = &rest[(end + 1).min(rest.len())..];
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if tag.starts_with('/') {
                if hidden_depth.last() == Some(&name) {
                    hidden_depth.pop();
                }
                continue;
            }
            let code_box = name == "textarea"
                && attributes(tag)
                    .iter()
                    .any(|(k, v)| k == "class" && v.split(' ').any(|c| c == "code"));
            if (matches!(name.as_str(), "script" | "style" | "code") || code_box) && !tag.ends_with('/') {
                hidden_depth.push(name);
                continue;
            }
            if hidden_depth.is_empty() {
                for (k, v) in attributes(tag) {
                    let button = name == "input"
                        && attributes(tag)
                            .iter()
                            .any(|(k, v)| k == "type" && matches!(v.as_str(), "submit" | "button" | "reset"));
                    if matches!(k.as_str(), "title" | "placeholder" | "alt" | "aria-label") || (k == "value" && button)
                    {
                        out.push(' ');
                        out.push_str(&decode(&v));
                        out.push(' ');
                    }
                }
            }
            out.push(' ');
            continue;
        }
        let next = rest.find('<').unwrap_or(rest.len());
        if hidden_depth.is_empty() {
            out.push_str(&decode(&rest[..next]));
        }
        rest = &rest[next..];
    }
    out
}

/// Where the tag starting at `s[0] == '<'` ends (its `>`, outside quoted attribute values).
fn tag_end(s: &str) -> usize {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i,
            _ => {}
        }
    }
    s.len() - 1
}

/// The `name="value"` attributes of a tag's inside.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = tag;
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq]
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let after = &rest[eq + 1..];
        let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            rest = after;
            continue;
        };
        let Some(end) = after[1..].find(q) else { break };
        out.push((name, after[1..1 + end].to_string()));
        rest = &after[end + 2..];
    }
    out
}

/// HTML entities decoded (the named ones askama writes and numeric ones).
fn decode(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|e| *e < 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let ch = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16).ok().and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The walk's reading of a page: what it reads, what it leaves, what it flags.
#[test]
fn the_walk_reads_what_a_person_sees() {
    let html = r#"<html><head><title>告警 Alerts</title><style>.a{color:red}</style>
<script>var x = "hidden";</script></head><body>
<!-- a comment -->
<h1 title="Details">告警 &amp; linedetection</h1>
<input type="hidden" name="csrf_token" value="secretvalue">
<input name="q" placeholder="Search here" value="typed">
<input type="submit" value="Save">
<img alt="Logo" src="/assets/logo.png">
<code>neibao audit verify</code><textarea class="code">{"rules": []}</textarea><textarea>Note</textarea>
<p>GB/T 28181 · 5 km · 01J8ABCDEF · demo_county · https://example.com/x · ONVIF</p>
</body></html>"#;
    let words: Vec<String> = foreign_words(html, &["demo_county"]).into_iter().collect();
    assert_eq!(
        words,
        [
            "Alerts",
            "Details",
            "Logo",
            "Note",
            "Save",
            "Search",
            "here",
            "linedetection"
        ]
    );
    assert_eq!(
        links(r#"<a href="/units?page=2&amp;q=1#top">x</a><a href="//evil/">y</a>"#),
        ["/units?page=2&q=1"]
    );
    assert_eq!(shape("/units/01J8ABC/edit?page=2"), "/units/{}/edit?page");
}

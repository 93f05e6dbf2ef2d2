//! zh-CN rendering of a [`Notification`] for robots (markdown) and email (plain text).
//!
//! All free text is passed through [`sanitize_line`] (or its multi-line variant for the
//! summary) because unit, device and rule names and summaries may originate from devices.
//! Markdown renderers additionally neutralize the characters that would let such text create
//! links, images, HTML tags (`<font>`, `<@mention>`), emphasis or headings, by replacing them
//! with their full-width look-alikes (`［］＜＞＊｀＃`): DingTalk and WeCom markdown have no
//! reliable backslash escaping.

use chrono::{DateTime, FixedOffset, Utc};

use crate::notification::{Category, Notification};

/// Maximum number of characters kept from single-line fields (title, names, rule).
const MAX_LINE_CHARS: usize = 200;
/// Maximum number of characters kept from the summary.
const MAX_SUMMARY_CHARS: usize = 2000;
/// WeCom `markdown.content` limit, in UTF-8 bytes (群机器人 docs: "最长不超过4096个字节").
const WECOM_MAX_BYTES: usize = 4096;

/// zh-CN label of a severity code: `low` → `低`, `medium` → `中`, `high` → `高`,
/// `critical` → `紧急`; anything else → `未知`. Matches `neibao_domain::alerts::Severity`.
pub fn severity_label_zh(code: &str) -> &'static str {
    match code {
        "low" => "低",
        "medium" => "中",
        "high" => "高",
        "critical" => "紧急",
        _ => "未知",
    }
}

/// Characters removed from untrusted text besides control characters: bidirectional
/// overrides/isolates and zero-width characters (used to spoof or hide text).
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// Makes untrusted text safe for a single line: line breaks and tabs become spaces, other
/// control characters (C0, DEL, C1), bidi overrides and zero-width characters are removed,
/// runs of spaces are collapsed, the result is trimmed and cut to at most `max_chars`
/// characters (an ellipsis `…` marks the cut).
pub fn sanitize_line(s: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max_chars * 4));
    let mut last_space = true;
    for c in s.chars() {
        let c = if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c };
        if c.is_control() || is_invisible(c) {
            continue;
        }
        if c == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        out.push(c);
    }
    truncate_chars(out.trim_end(), max_chars)
}

/// Multi-line variant of [`sanitize_line`]: keeps line breaks (CRLF/CR normalized to LF),
/// drops empty lines.
fn sanitize_block(s: &str, max_chars: usize) -> String {
    let lines: Vec<String> = s
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .split('\n')
        .map(|l| sanitize_line(l, max_chars))
        .filter(|l| !l.is_empty())
        .collect();
    truncate_chars(&lines.join("\n"), max_chars)
}

fn truncate_chars(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        None => s.to_string(),
        Some(_) => {
            let keep: String = s.chars().take(max_chars.saturating_sub(1)).collect();
            format!("{keep}…")
        }
    }
}

fn truncate_bytes(s: &str, max_bytes: usize) -> String {
    if s.len() <= max_bytes {
        return s.to_string();
    }
    let ell = '…'.len_utf8();
    if max_bytes < ell {
        return String::new();
    }
    let mut end = max_bytes - ell;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Neutralizes markdown/HTML active characters (see module docs).
fn md(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '[' => '［',
            ']' => '］',
            '<' => '＜',
            '>' => '＞',
            '*' => '＊',
            '`' => '｀',
            '#' => '＃',
            '|' => '｜',
            other => other,
        })
        .collect()
}

fn line(s: &str) -> String {
    sanitize_line(s, MAX_LINE_CHARS)
}

fn severity_label(n: &Notification) -> String {
    let l = line(&n.severity_label);
    if l.is_empty() {
        severity_label_zh(&n.severity).to_string()
    } else {
        l
    }
}

fn device(n: &Notification) -> String {
    match n.device_name.as_deref().map(line) {
        Some(d) if !d.is_empty() => d,
        _ => "—".to_string(),
    }
}

/// Beijing time (UTC+8), `YYYY-MM-DD HH:MM:SS`.
pub(crate) fn beijing_time(t: &DateTime<Utc>) -> String {
    let tz = FixedOffset::east_opt(8 * 3600).expect("valid offset");
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The alert link, when it is an absolute http(s) URL, normalized and safe inside `(...)`.
pub(crate) fn safe_link(n: &Notification) -> Option<String> {
    let raw = n.link.as_deref()?.trim();
    let url = reqwest::Url::parse(raw).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    Some(url.as_str().replace('(', "%28").replace(')', "%29"))
}

fn is_notice(n: &Notification) -> bool {
    n.category == Category::Notice
}

/// Email subject: `[内保预警][<级别>] <标题>`, e.g. `[内保预警][高] 周界入侵`.
/// Escalations append `（第 N 次升级）`. A notice: `[内保通知] <标题>`.
pub fn email_subject(n: &Notification) -> String {
    if is_notice(n) {
        return format!("[内保通知] {}", line(&n.title));
    }
    let mut s = format!("[内保预警][{}] {}", severity_label(n), line(&n.title));
    if n.escalation_level > 0 {
        s.push_str(&format!("（第 {} 次升级）", n.escalation_level));
    }
    s
}

/// Plain-text zh-CN email body: one `标签：值` line per field (告警、级别、单位、设备、规则、
/// 时间 in Beijing time、升级、告警编号、投递编号), the summary, and the link. A notice: 事项、单位、
/// 时间、投递编号, its text and the link.
pub fn render_email_text(n: &Notification) -> String {
    let mut t = String::new();
    if is_notice(n) {
        t.push_str("内保平台通知\n\n");
        t.push_str(&format!("事项：{}\n", line(&n.title)));
        t.push_str(&format!("单位：{}\n", line(&n.unit_name)));
        t.push_str(&format!("时间：{}（北京时间）\n", beijing_time(&n.happened_at)));
        t.push_str(&format!("投递编号：{}\n", line(&n.id)));
        let summary = sanitize_block(&n.summary, MAX_SUMMARY_CHARS);
        if !summary.is_empty() {
            t.push_str(&format!("\n内容：\n{summary}\n"));
        }
        if let Some(link) = safe_link(n) {
            t.push_str(&format!("\n链接：{link}\n"));
        }
        t.push_str("\n——\n此邮件由内保平台自动发送，请勿直接回复。\n");
        return t;
    }
    t.push_str("内保平台预警通知\n\n");
    t.push_str(&format!("告警：{}\n", line(&n.title)));
    t.push_str(&format!("级别：{}\n", severity_label(n)));
    t.push_str(&format!("单位：{}\n", line(&n.unit_name)));
    t.push_str(&format!("设备：{}\n", device(n)));
    t.push_str(&format!("规则：{}\n", line(&n.rule)));
    t.push_str(&format!("时间：{}（北京时间）\n", beijing_time(&n.happened_at)));
    if n.escalation_level > 0 {
        t.push_str(&format!("升级：第 {} 次升级\n", n.escalation_level));
    }
    t.push_str(&format!("告警编号：{}\n", line(&n.alert_id)));
    t.push_str(&format!("投递编号：{}\n", line(&n.id)));
    let summary = sanitize_block(&n.summary, MAX_SUMMARY_CHARS);
    if !summary.is_empty() {
        t.push_str(&format!("\n摘要：\n{summary}\n"));
    }
    if let Some(link) = safe_link(n) {
        t.push_str(&format!("\n链接：{link}\n"));
    }
    t.push_str("\n——\n此邮件由内保平台自动发送，请勿直接回复。\n");
    t
}

/// DingTalk custom robot `markdown` message: returns `(title, text)`.
///
/// `title` is what DingTalk shows in the conversation list (`【内保预警·高】标题`); `text`
/// is markdown with one paragraph per field (DingTalk needs blank lines between lines).
pub fn render_dingtalk_markdown(n: &Notification) -> (String, String) {
    if is_notice(n) {
        let title = format!("【内保通知】{}", line(&n.title));
        let mut t = format!("### 内保通知\n\n**事项**：{}\n\n", md(&line(&n.title)));
        t.push_str(&format!("**单位**：{}\n\n", md(&line(&n.unit_name))));
        t.push_str(&format!("**时间**：{}（北京时间）\n\n", beijing_time(&n.happened_at)));
        let summary = sanitize_block(&n.summary, MAX_SUMMARY_CHARS);
        if !summary.is_empty() {
            let quoted: Vec<String> = summary.lines().map(|l| format!("> {}", md(l))).collect();
            t.push_str(&quoted.join("\n\n"));
            t.push_str("\n\n");
        }
        if let Some(link) = safe_link(n) {
            t.push_str(&format!("**链接**：[查看详情]({link})\n"));
        }
        return (title, t.trim_end().to_string());
    }
    let label = severity_label(n);
    let title = format!("【内保预警·{}】{}", label, line(&n.title));
    let mut t = String::new();
    t.push_str(&format!("### 内保预警【{}】\n\n", md(&label)));
    t.push_str(&format!("**告警**：{}\n\n", md(&line(&n.title))));
    t.push_str(&format!("**单位**：{}\n\n", md(&line(&n.unit_name))));
    t.push_str(&format!("**设备**：{}\n\n", md(&device(n))));
    t.push_str(&format!("**规则**：{}\n\n", md(&line(&n.rule))));
    t.push_str(&format!("**级别**：{}\n\n", md(&label)));
    t.push_str(&format!("**时间**：{}（北京时间）\n\n", beijing_time(&n.happened_at)));
    if n.escalation_level > 0 {
        t.push_str(&format!("**升级**：第 {} 次升级\n\n", n.escalation_level));
    }
    let summary = sanitize_block(&n.summary, MAX_SUMMARY_CHARS);
    if !summary.is_empty() {
        let quoted: Vec<String> = summary.lines().map(|l| format!("> {}", md(l))).collect();
        t.push_str(&quoted.join("\n\n"));
        t.push_str("\n\n");
    }
    if let Some(link) = safe_link(n) {
        t.push_str(&format!("**链接**：[查看告警详情]({link})\n"));
    }
    (title, t.trim_end().to_string())
}

/// WeCom group robot `markdown.content`: field lines as a quote block, the severity colored
/// with `<font color="warning">` for 高/紧急 and `comment` otherwise, the summary, and the link;
/// cut to at most 4096 UTF-8 bytes (WeCom limit) by shortening the summary.
pub fn render_wecom_markdown(n: &Notification) -> String {
    let label = severity_label(n);
    let color = match n.severity.as_str() {
        "high" | "critical" => "warning",
        _ => "comment",
    };
    let mut head = String::new();
    if is_notice(n) {
        head.push_str("## 内保通知\n");
        head.push_str(&format!(">**事项**：{}\n", md(&line(&n.title))));
        head.push_str(&format!(">**单位**：{}\n", md(&line(&n.unit_name))));
        head.push_str(&format!(">**时间**：{}（北京时间）\n", beijing_time(&n.happened_at)));
        let link = safe_link(n).map(|l| format!("[查看详情]({l})"));
        return wecom_finish(head, &n.summary, link);
    }
    head.push_str(&format!(
        "## 内保预警 <font color=\"{color}\">【{}】</font>\n",
        md(&label)
    ));
    head.push_str(&format!(">**告警**：{}\n", md(&line(&n.title))));
    head.push_str(&format!(">**单位**：{}\n", md(&line(&n.unit_name))));
    head.push_str(&format!(">**设备**：{}\n", md(&device(n))));
    head.push_str(&format!(">**规则**：{}\n", md(&line(&n.rule))));
    head.push_str(&format!(">**级别**：<font color=\"{color}\">{}</font>\n", md(&label)));
    head.push_str(&format!(">**时间**：{}（北京时间）\n", beijing_time(&n.happened_at)));
    if n.escalation_level > 0 {
        head.push_str(&format!(">**升级**：第 {} 次升级\n", n.escalation_level));
    }
    wecom_finish(head, &n.summary, safe_link(n).map(|l| format!("[查看告警详情]({l})")))
}

/// The WeCom message's summary and link after its `head`, within 4096 bytes.
fn wecom_finish(head: String, summary: &str, link: Option<String>) -> String {
    let tail = match link {
        Some(link) => format!("**链接**：{link}"),
        None => String::new(),
    };
    let summary = md(&sanitize_block(summary, MAX_SUMMARY_CHARS));
    // Budget: head + summary + "\n" + tail <= 4096 bytes; the summary gives way first.
    let fixed = head.len() + tail.len() + 2;
    let summary = truncate_bytes(&summary, WECOM_MAX_BYTES.saturating_sub(fixed));
    let mut out = head;
    if !summary.is_empty() {
        out.push_str(&summary);
        out.push('\n');
    }
    out.push_str(&tail);
    truncate_bytes(out.trim_end(), WECOM_MAX_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sample() -> Notification {
        Notification {
            id: "ob-1".into(),
            alert_id: "al-1".into(),
            title: "周界入侵".into(),
            severity: "high".into(),
            severity_label: "高".into(),
            unit_name: "市一中".into(),
            device_name: Some("东门[摄像机](http://evil)\u{202E}<font>\u{7}".into()),
            rule: "夜间入侵".into(),
            happened_at: Utc.with_ymd_and_hms(2024, 5, 1, 16, 30, 5).unwrap(),
            link: Some("https://nb.example/alerts/al-1".into()),
            summary: "第一行\r\n# 标题\n\n**粗**".into(),
            escalation_level: 0,
            category: Default::default(),
        }
    }

    #[test]
    fn beijing_time_formatting() {
        assert_eq!(beijing_time(&sample().happened_at), "2024-05-02 00:30:05");
    }

    #[test]
    fn sanitize_strips_controls_and_bidi() {
        assert_eq!(sanitize_line("a\u{0}b\nc\u{202E}d\u{200B}\u{9f}  e ", 100), "ab cd e");
        assert_eq!(sanitize_line("一二三四五", 3), "一二…");
        assert_eq!(sanitize_block("x\r\ny\r\n\r\nz\u{1b}[31m", 100), "x\ny\nz[31m");
    }

    #[test]
    fn markdown_neutralizes_device_text() {
        let (title, text) = render_dingtalk_markdown(&sample());
        assert_eq!(title, "【内保预警·高】周界入侵");
        assert!(text.contains("**设备**：东门［摄像机］(http://evil)＜font＞"), "{text}");
        assert!(!text.contains('\u{202E}'));
        assert!(text.contains("> ＃ 标题"));
        assert!(text.contains("> ＊＊粗＊＊"));
        assert!(text.contains("**时间**：2024-05-02 00:30:05（北京时间）"));
        assert!(text.contains("[查看告警详情](https://nb.example/alerts/al-1)"));
        let w = render_wecom_markdown(&sample());
        assert!(w.contains("＜font＞"));
        assert!(w.contains(">**级别**：<font color=\"warning\">高</font>"));
    }

    #[test]
    fn wecom_fits_4096_bytes() {
        let mut n = sample();
        n.summary = "告警".repeat(3000);
        let w = render_wecom_markdown(&n);
        assert!(w.len() <= WECOM_MAX_BYTES, "{}", w.len());
        assert!(w.ends_with("[查看告警详情](https://nb.example/alerts/al-1)"));
    }

    #[test]
    fn unsafe_links_are_dropped() {
        let mut n = sample();
        n.link = Some("javascript:alert(1)".into());
        assert!(safe_link(&n).is_none());
        n.link = Some("https://nb.example/a (b)".into());
        assert_eq!(safe_link(&n).unwrap(), "https://nb.example/a%20%28b%29");
    }

    #[test]
    fn subject_and_text() {
        let mut n = sample();
        n.escalation_level = 2;
        assert_eq!(email_subject(&n), "[内保预警][高] 周界入侵（第 2 次升级）");
        let t = render_email_text(&n);
        assert!(t.contains("单位：市一中\n"));
        assert!(t.contains("时间：2024-05-02 00:30:05（北京时间）\n"));
        assert!(t.contains("升级：第 2 次升级\n"));
        assert!(t.contains("链接：https://nb.example/alerts/al-1\n"));
        assert!(!t.contains('\u{7}'));
    }

    #[test]
    fn a_notice_reads_as_a_notice_without_device_rule_or_severity() {
        let mut n = sample();
        n.category = Category::Notice;
        n.title = "限期整改通知书 西公(内保)限字〔2026〕第0001号".into();
        n.summary = "请登录内保平台查阅并签收。".into();
        assert_eq!(
            email_subject(&n),
            "[内保通知] 限期整改通知书 西公(内保)限字〔2026〕第0001号"
        );
        let t = render_email_text(&n);
        assert!(t.starts_with("内保平台通知"));
        assert!(t.contains("事项：限期整改通知书"));
        assert!(!t.contains("设备") && !t.contains("规则") && !t.contains("级别"));
        let (title, md_text) = render_dingtalk_markdown(&n);
        assert!(title.starts_with("【内保通知】"));
        assert!(md_text.contains("[查看详情](https://nb.example/alerts/al-1)"));
        assert!(!md_text.contains("设备"));
        let w = render_wecom_markdown(&n);
        assert!(w.starts_with("## 内保通知"));
        assert!(w.contains("请登录内保平台查阅并签收。"));
        assert!(!w.contains("规则"));
    }
}

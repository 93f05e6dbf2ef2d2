//! HTTP channels: signed webhook, DingTalk robot, WeCom robot.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::DeliveryError;
use crate::notification::Notification;
use crate::render::{render_dingtalk_markdown, render_wecom_markdown, sanitize_line};
use crate::timeouts::REQUEST_TIMEOUT;

type HmacSha256 = Hmac<Sha256>;

/// DingTalk error codes that mean "too many messages, try later": `-1` (系统繁忙),
/// `130101` (send too fast, 20 messages per minute per robot), `410100` (发送速度太快而限流).
const DINGTALK_RETRYABLE: &[i64] = &[-1, 130101, 410100];
/// WeCom error codes that mean "try later": `-1` (系统繁忙), `45009` (接口调用超过限制,
/// robots accept 20 messages per minute), `45033` (接口并发调用超过限制).
const WECOM_RETRYABLE: &[i64] = &[-1, 45009, 45033];

/// The JSON body of a signed webhook delivery: the serialized [`Notification`] with an extra
/// member `"type"`: `"alert"`, or `"notice"` for a notice. These exact bytes are what
/// [`webhook_signature`] signs.
pub fn webhook_body(n: &Notification) -> Vec<u8> {
    let mut v = serde_json::to_value(n).expect("notification serializes");
    if let serde_json::Value::Object(m) = &mut v {
        let kind = match n.category {
            crate::Category::Alert => "alert",
            crate::Category::Notice => "notice",
        };
        m.insert("type".into(), serde_json::Value::String(kind.into()));
    }
    serde_json::to_vec(&v).expect("json value serializes")
}

/// `X-Neibao-Signature` value: `sha256=` followed by the lowercase hex HMAC-SHA256, keyed
/// with `secret` (its UTF-8 bytes), of `"{timestamp}.{body}"` where `timestamp` is the
/// `X-Neibao-Timestamp` header value (unix seconds, decimal) and `body` the raw request body.
pub fn webhook_signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("hmac accepts any key");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Verifies a webhook signature as a receiver: `header` is the `X-Neibao-Signature` value,
/// `timestamp` the `X-Neibao-Timestamp` value, `body` the raw request body bytes.
///
/// Returns `true` only if `header` is `sha256=<64 hex digits>` and matches; the comparison is
/// constant-time. It does not check the timestamp's age: receivers should also reject
/// requests whose timestamp is more than about 5 minutes away from their clock, and use
/// `X-Neibao-Delivery` to drop duplicates.
pub fn verify_signature(secret: &str, timestamp: &str, body: &[u8], header: &str) -> bool {
    let Some(hex_sig) = header.trim().strip_prefix("sha256=") else {
        return false;
    };
    let Ok(sig) = hex::decode(hex_sig) else {
        return false;
    };
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("hmac accepts any key");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

/// DingTalk custom robot "加签" signature: base64 (standard, padded) of
/// HMAC-SHA256 keyed with `secret` over `"{timestamp_ms}\n{secret}"`.
///
/// The request URL gets `&timestamp={timestamp_ms}&sign={url-encoded signature}`; DingTalk
/// rejects timestamps more than one hour away from its clock (errcode 310000).
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("hmac accepts any key");
    mac.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

pub(crate) async fn send_webhook(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    n: &Notification,
) -> Result<(), DeliveryError> {
    let body = webhook_body(n);
    let ts = chrono::Utc::now().timestamp().to_string();
    let sig = webhook_signature(secret, &ts, &body);
    let resp = client
        .post(url)
        .timeout(REQUEST_TIMEOUT)
        .header(reqwest::header::CONTENT_TYPE, "application/json; charset=utf-8")
        .header("X-Neibao-Delivery", n.id.as_str())
        .header("X-Neibao-Timestamp", ts)
        .header("X-Neibao-Signature", sig)
        .body(body)
        .send()
        .await
        .map_err(transport_error)?;
    check_status(resp.status(), "Webhook")
}

pub(crate) async fn send_dingtalk(
    client: &reqwest::Client,
    url: &str,
    secret: Option<&str>,
    n: &Notification,
) -> Result<(), DeliveryError> {
    let (title, text) = render_dingtalk_markdown(n);
    let body = serde_json::json!({
        "msgtype": "markdown",
        "markdown": { "title": title, "text": text },
    });
    let mut req = client.post(url).timeout(REQUEST_TIMEOUT).json(&body);
    if let Some(secret) = secret {
        let ts = chrono::Utc::now().timestamp_millis();
        let sign = dingtalk_sign(secret, ts);
        // `query` appends to the existing `access_token=…` and form-url-encodes `sign`.
        req = req.query(&[("timestamp", ts.to_string()), ("sign", sign)]);
    }
    let resp = req.send().await.map_err(transport_error)?;
    robot_answer(resp, "钉钉", DINGTALK_RETRYABLE).await
}

pub(crate) async fn send_wecom(client: &reqwest::Client, url: &str, n: &Notification) -> Result<(), DeliveryError> {
    let body = serde_json::json!({
        "msgtype": "markdown",
        "markdown": { "content": render_wecom_markdown(n) },
    });
    let resp = client
        .post(url)
        .timeout(REQUEST_TIMEOUT)
        .json(&body)
        .send()
        .await
        .map_err(transport_error)?;
    robot_answer(resp, "企业微信", WECOM_RETRYABLE).await
}

/// Maps a reqwest error to a message without the URL (which may carry access tokens).
fn transport_error(e: reqwest::Error) -> DeliveryError {
    let kind = if e.is_timeout() {
        "请求超时"
    } else if e.is_connect() {
        "连接失败"
    } else if e.is_builder() {
        // A URL that does not parse, or a header value (delivery id) that is not valid.
        return DeliveryError::permanent("请求无法构建（地址或请求头无效）");
    } else {
        "网络错误"
    };
    let mut detail = String::new();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        detail = s.to_string();
        src = s.source();
    }
    if detail.is_empty() {
        DeliveryError::retryable(kind)
    } else {
        DeliveryError::retryable(format!("{kind}：{}", sanitize_line(&detail, 200)))
    }
}

fn check_status(status: reqwest::StatusCode, who: &str) -> Result<(), DeliveryError> {
    if status.is_success() {
        return Ok(());
    }
    let code = status.as_u16();
    let msg = format!("{who}接收端返回 HTTP {code}");
    if status.is_server_error() || code == 429 || code == 408 {
        Err(DeliveryError::retryable(msg))
    } else {
        Err(DeliveryError::permanent(msg))
    }
}

async fn robot_answer(resp: reqwest::Response, who: &str, retryable_codes: &[i64]) -> Result<(), DeliveryError> {
    check_status(resp.status(), who)?;
    let bytes = resp.bytes().await.map_err(transport_error)?;
    let v: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|_| DeliveryError::retryable(format!("{who}返回的内容无法解析")))?;
    let Some(errcode) = v.get("errcode").and_then(serde_json::Value::as_i64) else {
        return Err(DeliveryError::retryable(format!("{who}返回的内容缺少 errcode")));
    };
    if errcode == 0 {
        return Ok(());
    }
    let errmsg = v
        .get("errmsg")
        .and_then(serde_json::Value::as_str)
        .map(|m| sanitize_line(m, 200))
        .unwrap_or_default();
    let msg = if errmsg.is_empty() {
        format!("{who}返回错误 {errcode}")
    } else {
        format!("{who}返回错误 {errcode}：{errmsg}")
    };
    if retryable_codes.contains(&errcode) {
        Err(DeliveryError::retryable(msg))
    } else {
        Err(DeliveryError::permanent(msg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_roundtrip() {
        let sig = webhook_signature("k", "1700000000", b"{}");
        assert!(sig.starts_with("sha256=") && sig.len() == 7 + 64);
        assert!(verify_signature("k", "1700000000", b"{}", &sig));
        assert!(!verify_signature("k2", "1700000000", b"{}", &sig));
        assert!(!verify_signature("k", "1700000001", b"{}", &sig));
        assert!(!verify_signature("k", "1700000000", b"{ }", &sig));
        assert!(!verify_signature("k", "1700000000", b"{}", &sig[7..]));
        assert!(!verify_signature("k", "1700000000", b"{}", "sha256=zz"));
        assert!(!verify_signature("k", "1700000000", b"{}", &sig[..40]));
    }

    #[test]
    fn known_vectors() {
        // Computed independently with Python's hmac/hashlib/base64.
        assert_eq!(
            webhook_signature("whsec-test-0123456789", "1700000000", br#"{"a":1}"#),
            "sha256=ba8ec7f38c4e076a99176a1bf98ae9f2f3f4e18412b46a5913ddcf5685932c6a"
        );
        assert_eq!(
            dingtalk_sign("SECabc", 1_700_000_000_000),
            "jcUpW0QmtKduN03n4JqQ0PBosVjqnM8gU7fIIvsDmCM="
        );
    }

    #[test]
    fn webhook_body_has_type() {
        use chrono::TimeZone;
        let n = Notification {
            id: "ob-1".into(),
            alert_id: "al-1".into(),
            title: "t".into(),
            severity: "low".into(),
            severity_label: "低".into(),
            unit_name: "u".into(),
            device_name: None,
            rule: "r".into(),
            happened_at: chrono::Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
            link: None,
            summary: "s".into(),
            escalation_level: 0,
            category: Default::default(),
        };
        let v: serde_json::Value = serde_json::from_slice(&webhook_body(&n)).unwrap();
        assert_eq!(v["type"], "alert");
        assert_eq!(v["id"], "ob-1");
        assert_eq!(v["happened_at"], "2024-01-01T00:00:00Z");
        let back: Notification = serde_json::from_value(v).unwrap();
        assert_eq!(back, n);
        let notice = Notification {
            category: crate::Category::Notice,
            ..n
        };
        let v: serde_json::Value = serde_json::from_slice(&webhook_body(&notice)).unwrap();
        assert_eq!(v["type"], "notice");
    }
}

//! Channel configuration, validation and masking.

use serde::{Deserialize, Serialize};

/// Replacement shown instead of a secret.
const MASK: &str = "******";

/// Query parameters whose values are credentials and are masked by [`mask_url`].
const SECRET_PARAMS: &[&str] = &[
    "access_token",
    "key",
    "token",
    "secret",
    "sign",
    "signature",
    "sig",
    "password",
    "pass",
    "apikey",
    "api_key",
    "auth",
];

/// Where and how to deliver notifications. Serialized with an internal `kind` tag
/// (`"webhook"`, `"dingtalk"`, `"wecom"`, `"email"`), e.g.
/// `{"kind":"dingtalk","url":"https://oapi.dingtalk.com/robot/send?access_token=…","secret":"SEC…"}`.
///
/// Contains secrets: never log or display it directly, use [`ChannelConfig::masked`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ChannelConfig {
    /// Generic signed webhook. Each delivery is `POST url` with a JSON body (the
    /// [`crate::Notification`] plus `"type":"alert"`, see [`crate::webhook_body`]) and headers
    /// * `X-Neibao-Delivery: <notification id>` (idempotency key, stable across retries),
    /// * `X-Neibao-Timestamp: <unix seconds>`,
    /// * `X-Neibao-Signature: sha256=<hex HMAC-SHA256(secret, "{timestamp}.{body}")>`.
    ///
    /// Receivers check it with [`crate::verify_signature`] and should reject timestamps older
    /// than a few minutes. Success: any HTTP 2xx.
    Webhook {
        /// Receiver URL, `http` or `https`.
        url: String,
        /// Shared HMAC secret (at least 16 characters; see [`crate::generate_secret`]).
        secret: String,
    },
    /// DingTalk custom group robot (钉钉自定义机器人), `markdown` message
    /// `{"msgtype":"markdown","markdown":{"title":…,"text":…}}`.
    ///
    /// With `secret` (security setting "加签", secret starting with `SEC`), `timestamp`
    /// (unix milliseconds) and `sign` (see [`crate::dingtalk_sign`]) query parameters are
    /// appended to `url`. Success: HTTP 2xx and `errcode == 0` in the JSON answer. If the robot
    /// uses the "自定义关键词" setting, the keyword must appear in the rendered text (e.g. "内保预警").
    DingTalk {
        /// Robot webhook, `https://oapi.dingtalk.com/robot/send?access_token=…`.
        url: String,
        /// "加签" secret, when the robot has that security setting.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        secret: Option<String>,
    },
    /// WeCom group robot (企业微信群机器人), `markdown` message
    /// `{"msgtype":"markdown","markdown":{"content":…}}` (content at most 4096 bytes).
    /// Success: HTTP 2xx and `errcode == 0`.
    WeCom {
        /// Robot webhook, `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`.
        url: String,
    },
    /// SMTP email, one message to all recipients, subject `[内保预警][高] 标题`, plain-text
    /// UTF-8 body (base64 transfer encoding). TLS: port 465 uses implicit TLS (SMTPS);
    /// otherwise `starttls: true` requires STARTTLS (the connection fails if the server does
    /// not offer it) and `starttls: false` sends in clear text (only for a trusted relay on
    /// the local network).
    Email {
        /// SMTP server host name (also the name checked in its TLS certificate).
        smtp_host: String,
        /// SMTP port (25, 465, 587, …).
        smtp_port: u16,
        /// Login, when the server requires authentication (with `password`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        username: Option<String>,
        /// Password or app token (授权码), with `username`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password: Option<String>,
        /// Sender, `addr@example.com` or `内保平台 <addr@example.com>`.
        from: String,
        /// Recipients (at least one, at most 100).
        to: Vec<String>,
        /// Require STARTTLS (see the variant docs).
        starttls: bool,
    },
}

impl ChannelConfig {
    /// The serde tag: `"webhook"`, `"dingtalk"`, `"wecom"` or `"email"`.
    pub fn kind(&self) -> &'static str {
        match self {
            ChannelConfig::Webhook { .. } => "webhook",
            ChannelConfig::DingTalk { .. } => "dingtalk",
            ChannelConfig::WeCom { .. } => "wecom",
            ChannelConfig::Email { .. } => "email",
        }
    }

    /// zh-CN name of the channel kind, for the UI: 签名 Webhook / 钉钉机器人 / 企业微信机器人 / 邮件.
    pub fn kind_label_zh(&self) -> &'static str {
        match self {
            ChannelConfig::Webhook { .. } => "签名 Webhook",
            ChannelConfig::DingTalk { .. } => "钉钉机器人",
            ChannelConfig::WeCom { .. } => "企业微信机器人",
            ChannelConfig::Email { .. } => "邮件",
        }
    }

    /// Checks the configuration before it is saved.
    ///
    /// Rules: URLs parse, use `http` or `https` and have a host, and contain no user info
    /// (credentials belong in the dedicated fields); webhook secret at least 16 characters;
    /// DingTalk secret non-empty when present; email host non-empty without spaces, port
    /// non-zero, `from` and every `to` parse as mailboxes (lettre `Mailbox`, i.e.
    /// `addr@domain` or `名称 <addr@domain>`), 1 to 100 recipients, `username` and `password`
    /// both present or both absent.
    ///
    /// # Errors
    /// A zh-CN message naming the first invalid field (never its secret value).
    pub fn validate(&self) -> Result<(), String> {
        match self {
            ChannelConfig::Webhook { url, secret } => {
                validate_url(url, "Webhook 地址")?;
                if secret.chars().count() < 16 {
                    return Err("签名密钥至少需要 16 个字符".into());
                }
                if secret.chars().any(char::is_control) {
                    return Err("签名密钥不能包含控制字符".into());
                }
                Ok(())
            }
            ChannelConfig::DingTalk { url, secret } => {
                validate_url(url, "钉钉机器人地址")?;
                if let Some(s) = secret {
                    if s.trim().is_empty() {
                        return Err("钉钉加签密钥不能为空".into());
                    }
                }
                Ok(())
            }
            ChannelConfig::WeCom { url } => validate_url(url, "企业微信机器人地址"),
            ChannelConfig::Email {
                smtp_host,
                smtp_port,
                username,
                password,
                from,
                to,
                ..
            } => {
                let host = smtp_host.trim();
                if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    return Err("SMTP 服务器地址无效".into());
                }
                if *smtp_port == 0 {
                    return Err("SMTP 端口无效".into());
                }
                if username.is_some() != password.is_some() {
                    return Err("SMTP 用户名和密码需同时填写".into());
                }
                if username.as_deref().is_some_and(|u| u.trim().is_empty()) {
                    return Err("SMTP 用户名不能为空".into());
                }
                if from.trim().parse::<lettre::message::Mailbox>().is_err() {
                    return Err("发件人地址格式不正确".into());
                }
                if to.is_empty() {
                    return Err("至少需要一个收件人".into());
                }
                if to.len() > 100 {
                    return Err("收件人不能超过 100 个".into());
                }
                for (i, addr) in to.iter().enumerate() {
                    if addr.trim().parse::<lettre::message::Mailbox>().is_err() {
                        return Err(format!("第 {} 个收件人地址格式不正确", i + 1));
                    }
                }
                Ok(())
            }
        }
    }

    /// A copy safe to display or log: secrets and passwords become `******`, and credential
    /// parts of URLs are masked with [`mask_url`] (DingTalk `access_token`, WeCom `key`, …).
    /// Usernames and email addresses are kept.
    pub fn masked(&self) -> ChannelConfig {
        match self {
            ChannelConfig::Webhook { url, .. } => ChannelConfig::Webhook {
                url: mask_url(url),
                secret: MASK.into(),
            },
            ChannelConfig::DingTalk { url, secret } => ChannelConfig::DingTalk {
                url: mask_url(url),
                secret: secret.as_ref().map(|_| MASK.into()),
            },
            ChannelConfig::WeCom { url } => ChannelConfig::WeCom { url: mask_url(url) },
            ChannelConfig::Email {
                smtp_host,
                smtp_port,
                username,
                password,
                from,
                to,
                starttls,
            } => ChannelConfig::Email {
                smtp_host: smtp_host.clone(),
                smtp_port: *smtp_port,
                username: username.clone(),
                password: password.as_ref().map(|_| MASK.into()),
                from: from.clone(),
                to: to.clone(),
                starttls: *starttls,
            },
        }
    }
}

fn validate_url(url: &str, what: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url.trim()).map_err(|_| format!("{what}格式不正确"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("{what}只能使用 http 或 https"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("{what}缺少主机名"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(format!("{what}不能包含用户名或密码"));
    }
    Ok(())
}

/// Masks credentials in a URL for display: the password of the user info, the values of
/// credential-like query parameters (`access_token`, `key`, `token`, `secret`, `sign`, …,
/// case-insensitive), and path segments that look like random tokens (16+ characters of
/// letters, digits, `-` or `_`, mixing letters and digits). A masked value keeps its first 4
/// characters when it is at least 12 characters long (`abcd******`), else becomes `******`.
/// Text that does not parse as a URL is masked entirely.
pub fn mask_url(url: &str) -> String {
    let Ok(mut u) = reqwest::Url::parse(url.trim()) else {
        return MASK.into();
    };
    if u.password().is_some() {
        let _ = u.set_password(Some(MASK));
    }
    if let Some(segs) = u.path_segments() {
        let segs: Vec<String> = segs
            .map(|s| if looks_like_token(s) { partial(s) } else { s.to_string() })
            .collect();
        u.set_path(&segs.join("/"));
    }
    if u.query().is_some() {
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| {
                let secret = SECRET_PARAMS.iter().any(|p| k.eq_ignore_ascii_case(p));
                let v = if secret { partial(&v) } else { v.into_owned() };
                (k.into_owned(), v)
            })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    u.to_string()
}

fn looks_like_token(s: &str) -> bool {
    s.len() >= 16
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars().any(|c| c.is_ascii_alphabetic())
}

fn partial(v: &str) -> String {
    if v.chars().count() >= 12 {
        let head: String = v.chars().take(4).collect();
        format!("{head}{MASK}")
    } else {
        MASK.into()
    }
}

/// A fresh random webhook secret: 32 random bytes, hex encoded (64 characters).
pub fn generate_secret() -> String {
    use rand::RngCore;
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_dingtalk_and_wecom_urls() {
        let m = mask_url("https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123456789abcdef");
        assert_eq!(m, "https://oapi.dingtalk.com/robot/send?access_token=0123******");
        let m = mask_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa");
        assert!(m.ends_with("key=693a******"), "{m}");
        assert!(!m.contains("0ec2sifa5aaa"));
        let m = mask_url("https://u:p4ss@h.example/hook/AbCdEf0123456789xyz?x=1&Token=short");
        assert!(!m.contains("p4ss"), "{m}");
        assert!(m.contains("/hook/AbCd******"), "{m}");
        assert!(m.contains("x=1"), "{m}");
        assert!(m.contains("Token=******"), "{m}");
        assert_eq!(mask_url("not a url secret"), MASK);
        // Ordinary paths are kept.
        assert_eq!(
            mask_url("https://h.example/api/v1/notify"),
            "https://h.example/api/v1/notify"
        );
    }

    #[test]
    fn masked_config_hides_secrets() {
        let c = ChannelConfig::DingTalk {
            url: "https://oapi.dingtalk.com/robot/send?access_token=abcdefabcdefabcdef".into(),
            secret: Some("SECsupersecret".into()),
        };
        let s = serde_json::to_string(&c.masked()).unwrap();
        assert!(!s.contains("supersecret") && !s.contains("abcdefabcdefabcdef"), "{s}");
        let e = ChannelConfig::Email {
            smtp_host: "smtp.example.com".into(),
            smtp_port: 465,
            username: Some("u@example.com".into()),
            password: Some("hunter2".into()),
            from: "u@example.com".into(),
            to: vec!["a@example.com".into()],
            starttls: false,
        };
        let s = serde_json::to_string(&e.masked()).unwrap();
        assert!(!s.contains("hunter2") && s.contains("u@example.com"), "{s}");
        let w = ChannelConfig::Webhook {
            url: "https://h.example/hook".into(),
            secret: "0123456789abcdef".into(),
        };
        assert!(!serde_json::to_string(&w.masked()).unwrap().contains("0123456789abcdef"));
    }

    #[test]
    fn serde_tags() {
        let c: ChannelConfig = serde_json::from_str(r#"{"kind":"wecom","url":"https://x.example/?key=1"}"#).unwrap();
        assert_eq!(c.kind(), "wecom");
        let c: ChannelConfig = serde_json::from_str(r#"{"kind":"dingtalk","url":"https://x.example/"}"#).unwrap();
        assert_eq!(
            c,
            ChannelConfig::DingTalk {
                url: "https://x.example/".into(),
                secret: None
            }
        );
        let v = serde_json::to_value(ChannelConfig::Webhook {
            url: "u".into(),
            secret: "s".into(),
        })
        .unwrap();
        assert_eq!(v["kind"], "webhook");
    }

    #[test]
    fn validation() {
        let ok = ChannelConfig::Webhook {
            url: "https://h.example/hook".into(),
            secret: generate_secret(),
        };
        assert!(ok.validate().is_ok());
        for bad in [
            "ftp://h.example/",
            "file:///etc/passwd",
            "nonsense",
            "https://u:p@h.example/",
        ] {
            let c = ChannelConfig::WeCom { url: bad.into() };
            assert!(c.validate().is_err(), "{bad}");
        }
        let short = ChannelConfig::Webhook {
            url: "https://h.example/hook".into(),
            secret: "short".into(),
        };
        assert!(short.validate().is_err());
        let mut email = ChannelConfig::Email {
            smtp_host: "smtp.example.com".into(),
            smtp_port: 587,
            username: None,
            password: None,
            from: "内保平台 <nb@example.com>".into(),
            to: vec!["a@example.com".into()],
            starttls: true,
        };
        assert!(email.validate().is_ok());
        if let ChannelConfig::Email { to, .. } = &mut email {
            to.push("not-an-address".into());
        }
        assert_eq!(email.validate().unwrap_err(), "第 2 个收件人地址格式不正确");
        if let ChannelConfig::Email { to, .. } = &mut email {
            to.clear();
        }
        assert!(email.validate().is_err());
        if let ChannelConfig::Email { to, from, .. } = &mut email {
            to.push("a@example.com".into());
            *from = "".into();
        }
        assert!(email.validate().is_err());
        if let ChannelConfig::Email { from, username, .. } = &mut email {
            *from = "nb@example.com".into();
            *username = Some("nb".into());
        }
        assert!(email.validate().is_err());
    }
}

//! SMTP email channel (lettre, tokio, rustls with ring).

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::ChannelConfig;
use crate::error::DeliveryError;
use crate::notification::Notification;
use crate::render::{email_subject, render_email_text};
use crate::timeouts::{EMAIL_TOTAL_TIMEOUT, REQUEST_TIMEOUT};

/// Port on which SMTP servers expect TLS from the first byte (SMTPS, RFC 8314).
const SMTPS_PORT: u16 = 465;

/// Builds the message: From, To (all recipients), Subject (RFC 2047 encoded by lettre),
/// `Message-ID: <neibao.{id}@{from domain}>`, `text/plain; charset=utf-8` body in base64.
pub(crate) fn build_message(from: &str, to: &[String], n: &Notification) -> Result<Message, DeliveryError> {
    let from: Mailbox = from
        .trim()
        .parse()
        .map_err(|_| DeliveryError::permanent("发件人地址格式不正确"))?;
    let id: String =
        n.id.chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .take(128)
            .collect();
    let message_id = format!("<neibao.{id}@{}>", from.email.domain());
    let mut b = Message::builder()
        .from(from)
        .subject(email_subject(n))
        .message_id(Some(message_id));
    if to.is_empty() {
        return Err(DeliveryError::permanent("没有收件人"));
    }
    for (i, addr) in to.iter().enumerate() {
        let mb: Mailbox = addr
            .trim()
            .parse()
            .map_err(|_| DeliveryError::permanent(format!("第 {} 个收件人地址格式不正确", i + 1)))?;
        b = b.to(mb);
    }
    let body = Body::new_with_encoding(render_email_text(n), ContentTransferEncoding::Base64)
        .map_err(|_| DeliveryError::permanent("邮件正文编码失败"))?;
    b.singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(body))
        .map_err(|e| DeliveryError::permanent(format!("邮件构建失败：{e}")))
}

pub(crate) async fn send_email(channel: &ChannelConfig, n: &Notification) -> Result<(), DeliveryError> {
    let ChannelConfig::Email {
        smtp_host,
        smtp_port,
        username,
        password,
        from,
        to,
        starttls,
    } = channel
    else {
        return Err(DeliveryError::permanent("不是邮件通道"));
    };
    let message = build_message(from, to, n)?;
    let host = smtp_host.trim();
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(*smtp_port)
        .timeout(Some(REQUEST_TIMEOUT));
    if *smtp_port == SMTPS_PORT || *starttls {
        let params = TlsParameters::new(host.to_string()).map_err(|_| DeliveryError::permanent("SMTP TLS 参数无效"))?;
        builder = builder.tls(if *smtp_port == SMTPS_PORT {
            Tls::Wrapper(params)
        } else {
            Tls::Required(params)
        });
    }
    if let (Some(u), Some(p)) = (username, password) {
        builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
    }
    let transport: AsyncSmtpTransport<Tokio1Executor> = builder.build();
    match tokio::time::timeout(EMAIL_TOTAL_TIMEOUT, transport.send(message)).await {
        Err(_) => Err(DeliveryError::retryable("SMTP 发送超时")),
        Ok(Ok(_response)) => Ok(()),
        Ok(Err(e)) => Err(classify(&e)),
    }
}

/// SMTP reply 4xx → retryable, 5xx → permanent; connection, TLS handshake and timeout
/// problems are retryable; lettre client-side errors (which cannot improve by waiting, e.g.
/// STARTTLS required but not offered by the server) are permanent.
fn classify(e: &lettre::transport::smtp::Error) -> DeliveryError {
    // lettre's Display for response errors includes the server's reply text; it contains no
    // credentials (AUTH arguments are never echoed in the error).
    let detail = crate::render::sanitize_line(&e.to_string(), 200);
    if e.is_permanent() {
        // e.g. "邮件服务器拒绝：permanent error (550): 5.1.1 no such user"
        DeliveryError::permanent(format!("邮件服务器拒绝：{detail}"))
    } else if e.is_transient() {
        DeliveryError::retryable(format!("邮件服务器暂时拒绝：{detail}"))
    } else if e.is_timeout() {
        DeliveryError::retryable("SMTP 请求超时")
    } else if e.is_tls() {
        DeliveryError::retryable(format!("SMTP TLS 失败：{detail}"))
    } else if e.is_client() {
        DeliveryError::permanent(format!("SMTP 客户端错误：{detail}"))
    } else {
        DeliveryError::retryable(format!("SMTP 连接失败：{detail}"))
    }
}

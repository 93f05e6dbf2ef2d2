//! A file upload from a page (multipart) whose CSRF token is checked before the file is read:
//! the `X-CSRF-Token` header, or a `csrf` (or `csrf_token`) field that must come before the file.

use axum::extract::Multipart;
use axum::http::{HeaderMap, StatusCode};
use neibao_domain::error::ErrorCode;

use crate::auth::{CurrentUser, CSRF_HEADER};
use crate::error::ApiError;

/// The bytes of the `file` part of an upload, after checking the session's CSRF token (403
/// "页面已过期" without it). `what` names the file in messages (e.g. "规则文件").
pub async fn checked_file(
    u: &CurrentUser,
    headers: &HeaderMap,
    mut mp: Multipart,
    what: &str,
) -> Result<Vec<u8>, ApiError> {
    let refused = || ApiError::msg(ErrorCode::Forbidden, "页面已过期，请刷新后重试");
    let mut checked = match headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        Some(t) => {
            u.check_form_csrf(t)?;
            true
        }
        None => u.csrf.is_none(),
    };
    let too_large = || ApiError::msg(ErrorCode::PayloadTooLarge, format!("{what}过大"));
    let missing = || ApiError::validation(format!("请选择{what}（JSON）"));
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(_) => return Err(ApiError::validation("上传内容格式错误（须为 multipart/form-data）")),
        };
        match field.name().unwrap_or("") {
            "csrf" | "csrf_token" if !checked => {
                let token = field.text().await.map_err(|_| refused())?;
                u.check_form_csrf(&token)?;
                checked = true;
            }
            _ if !checked => return Err(refused()),
            "file" => {
                let data = match field.bytes().await {
                    Ok(b) => b.to_vec(),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
                    Err(_) => return Err(ApiError::validation("文件读取失败")),
                };
                if data.is_empty() {
                    return Err(missing());
                }
                return Ok(data);
            }
            _ => {}
        }
    }
    if !checked {
        return Err(refused());
    }
    Err(missing())
}

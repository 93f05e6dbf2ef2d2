//! The one error-code enum of neibao. Every code has a stable wire name and a zh-CN message;
//! a unit test checks that every code has both (STYLE.md habit 5).

use serde::Serialize;

/// Stable error codes returned in `{"error":{"code","message"}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Missing or invalid credentials (HTTP 401).
    Unauthenticated,
    /// Authenticated but the role may not do this (HTTP 403).
    Forbidden,
    /// Object does not exist or lies outside the caller's scope (HTTP 404).
    NotFound,
    /// Request body or parameter failed validation (HTTP 400).
    ValidationFailed,
    /// Unified social credit code fails GB 32100 (HTTP 400).
    InvalidUscc,
    /// Citizen identity number fails GB 11643 (HTTP 400).
    InvalidCitizenId,
    /// Phone number is not a mainland mobile or landline number (HTTP 400).
    InvalidPhone,
    /// Division code is not a GB/T 2260 code (HTTP 400).
    InvalidDivisionCode,
    /// Unique key already exists (HTTP 409).
    Conflict,
    /// Alert lifecycle transition not allowed from the current status (HTTP 409).
    InvalidTransition,
    /// Unknown ingest token (HTTP 401).
    UnknownIngestToken,
    /// Body exceeds the configured limit (HTTP 413).
    PayloadTooLarge,
    /// Content-Type not accepted by this endpoint (HTTP 415 is not used; 400).
    UnsupportedMediaType,
    /// Device payload could not be decoded (HTTP 400).
    UndecodablePayload,
    /// Wrong user name or password (HTTP 401).
    BadCredentials,
    /// Too much load or backlog right now; retry after the `Retry-After` delay (HTTP 429).
    Busy,
    /// A dependency (database, event bus) is unavailable; retry later (HTTP 503).
    Unavailable,
    /// Something failed inside the server; details are in the log under the request id (HTTP 500).
    Internal,
    /// The account has a second factor: send the current TOTP code (`otp`) with the password
    /// (HTTP 401).
    TotpRequired,
    /// The session still owes its second factor, or must enrol one first; only the TOTP routes
    /// answer (HTTP 403).
    SecondFactorPending,
    /// The account signs in with a password the system made (initial or reset); the session
    /// may only change it (`PUT /api/v1/me/password`), see who it is and sign out (HTTP 403).
    PasswordChangeRequired,
    /// Reading unmasked personal information needs a stated purpose (HTTP 400).
    PurposeRequired,
    /// The new password fails the password policy (HTTP 400).
    WeakPassword,
    /// The request line's target (the URL) or the request header is longer than the server
    /// reads (HTTP 414, or 431 for the header).
    UriTooLong,
    /// An official document (文书) lacks a field the law or practice requires on it (the
    /// message names the field, e.g. 检查笔录缺少必备事项：见证人); nothing was issued (HTTP 400).
    DocumentIncomplete,
    /// An `Idempotency-Key` (or a form's one-time token) was sent again with a different
    /// request (method, path or body) than the one it first came with (HTTP 422).
    IdempotencyKeyReused,
    /// The first request with this `Idempotency-Key` (or form token) is still being processed;
    /// retry after the `Retry-After` delay to get its result (HTTP 409).
    IdempotencyInFlight,
    /// The first request with this key was done, but its answer held a secret shown only once
    /// (a new API token, a device's ingest secret): it is not answered again (HTTP 409).
    IdempotencySecretShown,
    /// The upload is not an .xlsx workbook (or a damaged one) (HTTP 422).
    NotXlsx,
    /// The workbook expands to more than the import reads (a zip bomb) (HTTP 422).
    XlsxTooLargeUncompressed,
    /// The sheet holds a formula; imports take values only (HTTP 422).
    XlsxFormula,
    /// The sheet has merged cells (HTTP 422).
    XlsxMergedCells,
    /// The workbook has a hidden sheet (HTTP 422).
    XlsxHiddenSheet,
    /// The sheet has more data rows than one import takes (50 000) (HTTP 422).
    XlsxTooManyRows,
    /// The first row is not the template's header row (a required column is missing) (HTTP 422).
    XlsxBadHeader,
    /// The object was changed by someone else since the caller read it (optimistic version, e.g.
    /// an organisation's `version`): nothing was written; read it again (HTTP 409).
    VersionConflict,
    /// A camera registered or moved to a spot S7 Art 8 prohibits (guest room, dormitory room,
    /// bath, toilet …); the message cites the article (docs/REQUIREMENTS.md R49, R85) (HTTP 422).
    ProhibitedCameraLocation,
    /// A guard younger than 18 (《保安服务管理条例》第十六条; docs/SECURITY-STAFF.md) (HTTP 400).
    GuardUnderage,
    /// A face watchlist switched on without an approved PIA (PIPL Art 55; R69).
    PiaNotApproved,
}

/// Every code, for the completeness test and the API documentation.
pub const ALL_ERROR_CODES: [ErrorCode; 39] = [
    ErrorCode::Unauthenticated,
    ErrorCode::Forbidden,
    ErrorCode::NotFound,
    ErrorCode::ValidationFailed,
    ErrorCode::InvalidUscc,
    ErrorCode::InvalidCitizenId,
    ErrorCode::InvalidPhone,
    ErrorCode::InvalidDivisionCode,
    ErrorCode::Conflict,
    ErrorCode::InvalidTransition,
    ErrorCode::UnknownIngestToken,
    ErrorCode::PayloadTooLarge,
    ErrorCode::UnsupportedMediaType,
    ErrorCode::UndecodablePayload,
    ErrorCode::BadCredentials,
    ErrorCode::Busy,
    ErrorCode::Unavailable,
    ErrorCode::Internal,
    ErrorCode::TotpRequired,
    ErrorCode::SecondFactorPending,
    ErrorCode::PasswordChangeRequired,
    ErrorCode::PurposeRequired,
    ErrorCode::WeakPassword,
    ErrorCode::UriTooLong,
    ErrorCode::DocumentIncomplete,
    ErrorCode::IdempotencyKeyReused,
    ErrorCode::IdempotencyInFlight,
    ErrorCode::IdempotencySecretShown,
    ErrorCode::NotXlsx,
    ErrorCode::XlsxTooLargeUncompressed,
    ErrorCode::XlsxFormula,
    ErrorCode::XlsxMergedCells,
    ErrorCode::XlsxHiddenSheet,
    ErrorCode::XlsxTooManyRows,
    ErrorCode::XlsxBadHeader,
    ErrorCode::VersionConflict,
    ErrorCode::ProhibitedCameraLocation,
    ErrorCode::GuardUnderage,
    ErrorCode::PiaNotApproved,
];

impl ErrorCode {
    /// Stable wire name (snake_case), identical to the serde form.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::InvalidUscc => "invalid_uscc",
            ErrorCode::InvalidCitizenId => "invalid_citizen_id",
            ErrorCode::InvalidPhone => "invalid_phone",
            ErrorCode::InvalidDivisionCode => "invalid_division_code",
            ErrorCode::Conflict => "conflict",
            ErrorCode::InvalidTransition => "invalid_transition",
            ErrorCode::UnknownIngestToken => "unknown_ingest_token",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::UndecodablePayload => "undecodable_payload",
            ErrorCode::BadCredentials => "bad_credentials",
            ErrorCode::Busy => "busy",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Internal => "internal",
            ErrorCode::TotpRequired => "totp_required",
            ErrorCode::SecondFactorPending => "second_factor_pending",
            ErrorCode::PasswordChangeRequired => "password_change_required",
            ErrorCode::PurposeRequired => "purpose_required",
            ErrorCode::WeakPassword => "weak_password",
            ErrorCode::UriTooLong => "uri_too_long",
            ErrorCode::DocumentIncomplete => "document_incomplete",
            ErrorCode::IdempotencyKeyReused => "idempotency_key_reused",
            ErrorCode::IdempotencyInFlight => "idempotency_in_flight",
            ErrorCode::IdempotencySecretShown => "idempotency_secret_shown",
            ErrorCode::NotXlsx => "not_xlsx",
            ErrorCode::XlsxTooLargeUncompressed => "xlsx_too_large_uncompressed",
            ErrorCode::XlsxFormula => "xlsx_formula",
            ErrorCode::XlsxMergedCells => "xlsx_merged_cells",
            ErrorCode::XlsxHiddenSheet => "xlsx_hidden_sheet",
            ErrorCode::XlsxTooManyRows => "xlsx_too_many_rows",
            ErrorCode::XlsxBadHeader => "xlsx_bad_header",
            ErrorCode::VersionConflict => "version_conflict",
            ErrorCode::ProhibitedCameraLocation => "prohibited_camera_location",
            ErrorCode::GuardUnderage => "guard_underage",
            ErrorCode::PiaNotApproved => "pia_not_approved",
        }
    }

    /// Default zh-CN message shown to people.
    pub fn message_zh(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "未登录或登录已失效，请重新登录",
            ErrorCode::Forbidden => "当前角色无权执行此操作",
            ErrorCode::NotFound => "对象不存在或不在您的管辖范围内",
            ErrorCode::ValidationFailed => "提交的数据不符合要求",
            ErrorCode::InvalidUscc => "统一社会信用代码无效（GB 32100）",
            ErrorCode::InvalidCitizenId => "公民身份号码无效（GB 11643）",
            ErrorCode::InvalidPhone => "电话号码格式无效",
            ErrorCode::InvalidDivisionCode => "行政区划代码无效（GB/T 2260）",
            ErrorCode::Conflict => "记录已存在",
            ErrorCode::InvalidTransition => "当前状态下不允许此操作",
            ErrorCode::UnknownIngestToken => "接入令牌无效",
            ErrorCode::PayloadTooLarge => "请求体超过大小限制",
            ErrorCode::UnsupportedMediaType => "不支持的内容类型",
            ErrorCode::UndecodablePayload => "无法解析设备上报的数据",
            ErrorCode::BadCredentials => "用户名或密码错误",
            ErrorCode::Busy => "系统繁忙，请稍后重试",
            ErrorCode::Unavailable => "服务暂时不可用，请稍后重试",
            ErrorCode::Internal => "服务器内部错误，请稍后重试",
            ErrorCode::TotpRequired => "请输入动态验证码",
            ErrorCode::SecondFactorPending => "请先完成动态验证码（双因素）验证或绑定",
            ErrorCode::PasswordChangeRequired => "首次登录或密码被重置后，请先设置自己的新密码",
            ErrorCode::PurposeRequired => "查看完整个人信息须填写查询事由",
            ErrorCode::WeakPassword => "密码不符合安全策略",
            ErrorCode::UriTooLong => "请求地址过长，请缩短后重试",
            ErrorCode::DocumentIncomplete => "文书必备事项未填写完整，未能出具",
            ErrorCode::IdempotencyKeyReused => {
                "该幂等键（Idempotency-Key）已用于另一个不同的请求，请为新请求使用新的键"
            }
            ErrorCode::IdempotencyInFlight => "相同的请求正在处理中，请稍后重试以获取其结果",
            ErrorCode::IdempotencySecretShown => {
                "该请求已完成；其结果含只显示一次的密钥（如接入令牌、初始密码），不再重复显示；如需新的密钥，请回到原页面重新生成"
            }
            ErrorCode::NotXlsx => "文件不是有效的电子表格工作簿（须为 xlsx 格式），请使用导入模板填写后上传",
            ErrorCode::XlsxTooLargeUncompressed => "工作簿解压后过大（疑似压缩炸弹），未予读取",
            ErrorCode::XlsxFormula => "表格含公式，请将公式转换为数值后再上传",
            ErrorCode::XlsxMergedCells => "表格含合并单元格，请取消合并后再上传",
            ErrorCode::XlsxHiddenSheet => "工作簿含隐藏的工作表，请删除或取消隐藏后再上传",
            ErrorCode::XlsxTooManyRows => "数据行超过50000行，请分批导入",
            ErrorCode::XlsxBadHeader => "首行表头与导入模板不符，请使用导入模板",
            ErrorCode::VersionConflict => "该记录已被他人修改，请刷新后重试",
            ErrorCode::ProhibitedCameraLocation => "依据《公共安全视频图像信息系统管理条例》第八条，禁止在该位置安装图像采集设备",
            ErrorCode::GuardUnderage => "未满18周岁不得担任保安员（《保安服务管理条例》第十六条）",
            ErrorCode::PiaNotApproved => {
                "人脸布控须先完成个人信息保护影响评估并经批准后才能启用（《个人信息保护法》第五十五条）"
            }
        }
    }

    /// HTTP status number for this code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Unauthenticated
            | ErrorCode::UnknownIngestToken
            | ErrorCode::BadCredentials
            | ErrorCode::TotpRequired => 401,
            ErrorCode::Forbidden | ErrorCode::SecondFactorPending | ErrorCode::PasswordChangeRequired => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::Conflict
            | ErrorCode::InvalidTransition
            | ErrorCode::IdempotencyInFlight
            | ErrorCode::IdempotencySecretShown
            | ErrorCode::VersionConflict
            | ErrorCode::PiaNotApproved => 409,
            ErrorCode::IdempotencyKeyReused
            | ErrorCode::NotXlsx
            | ErrorCode::XlsxTooLargeUncompressed
            | ErrorCode::XlsxFormula
            | ErrorCode::XlsxMergedCells
            | ErrorCode::XlsxHiddenSheet
            | ErrorCode::XlsxTooManyRows
            | ErrorCode::XlsxBadHeader
            | ErrorCode::ProhibitedCameraLocation => 422,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UriTooLong => 414,
            ErrorCode::Busy => 429,
            ErrorCode::Unavailable => 503,
            ErrorCode::Internal => 500,
            ErrorCode::ValidationFailed
            | ErrorCode::InvalidUscc
            | ErrorCode::InvalidCitizenId
            | ErrorCode::InvalidPhone
            | ErrorCode::InvalidDivisionCode
            | ErrorCode::UnsupportedMediaType
            | ErrorCode::UndecodablePayload
            | ErrorCode::PurposeRequired
            | ErrorCode::WeakPassword
            | ErrorCode::DocumentIncomplete
            | ErrorCode::GuardUnderage => 400,
        }
    }
}

/// A domain error: a code plus an optional more specific zh-CN message (never personal data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct DomainError {
    pub code: ErrorCode,
    pub message: String,
    /// Seconds after which the refused request may be tried again (an attempt lockout's
    /// remaining time), sent as `Retry-After`; `None`: no such promise.
    pub retry_after: Option<u64>,
}

impl DomainError {
    pub fn new(code: ErrorCode) -> Self {
        DomainError {
            code,
            message: code.message_zh().to_string(),
            retry_after: None,
        }
    }
    pub fn with_message(code: ErrorCode, message: impl Into<String>) -> Self {
        DomainError {
            code,
            message: message.into(),
            retry_after: None,
        }
    }
    /// `busy` (429) until `seconds` have passed (a lockout), with a zh-CN message.
    pub fn locked(message: impl Into<String>, seconds: u64) -> Self {
        DomainError {
            code: ErrorCode::Busy,
            message: message.into(),
            retry_after: Some(seconds),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_has_a_unique_name_and_a_chinese_message() {
        let mut names = HashSet::new();
        for c in ALL_ERROR_CODES {
            assert!(names.insert(c.as_str()), "duplicate code name {}", c.as_str());
            let m = c.message_zh();
            assert!(
                m.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)),
                "{c:?} message is not Chinese"
            );
            assert_eq!(
                serde_json::to_value(c).unwrap(),
                serde_json::Value::String(c.as_str().into())
            );
        }
    }
}

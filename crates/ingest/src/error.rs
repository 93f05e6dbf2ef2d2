//! Decode errors returned to the transport.
//!
//! Every variant has a stable snake_case [`DecodeError::code`] (logged, and returned to the device
//! or integration as the error detail) and a zh-CN [`DecodeError::message_zh`] for the UI. Variants
//! carry only static names and counts, never bytes of the payload, so an error can be logged
//! without leaking personal data a device sent (docs/DESIGN.md §4, errors and logs).

/// Why a payload could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The body is empty or only whitespace.
    #[error("empty body")]
    EmptyBody,
    /// The body was expected to be XML and is not well-formed XML.
    #[error("body is not well-formed XML")]
    NotXml,
    /// The body was expected to be JSON and is not valid JSON.
    #[error("body is not valid JSON")]
    NotJson,
    /// The body is neither XML, JSON nor multipart, and the content type does not say which.
    #[error("body format not recognized (neither XML, JSON nor multipart)")]
    UnknownFormat,
    /// Well-formed, but not a document shape this decoder knows (e.g. an XML root that is not
    /// `EventNotificationAlert`, or a JSON object with no event in it).
    #[error("{format} document is not a known event shape")]
    UnknownShape {
        /// `"xml"` or `"json"`.
        format: &'static str,
    },
    /// A required field is absent or empty.
    #[error("required field `{field}` is missing")]
    MissingField {
        /// Field name as it appears on the wire.
        field: &'static str,
    },
    /// A field is present but has the wrong type or an unusable value.
    #[error("field `{field}` has an invalid value")]
    InvalidField {
        /// Field name as it appears on the wire.
        field: &'static str,
    },
    /// More records in one body than a decoder takes at once; nothing of the body is kept, so the
    /// device must send it again in smaller batches (never silently cut).
    #[error("more than {max} records in one body")]
    TooManyRecords {
        /// The most records one body may carry.
        max: usize,
    },
    /// A multipart body in which no part decoded to an event or a heartbeat.
    #[error("no part of the multipart body decoded to an event ({parts} parts seen)")]
    NoEventPart {
        /// Number of parts the splitter found.
        parts: usize,
    },
    /// A well-formed message of the vendor's format that is not an event (e.g. a Frigate
    /// `frigate/triggers` notification): nothing is stored. Stream transports drop these
    /// without a word; an HTTP push of one is refused with this code.
    #[error("the {what} message is not an event")]
    NotAnEvent {
        /// What the message is, as the vendor names it (`"frigate/triggers"`).
        what: &'static str,
    },
}

impl DecodeError {
    /// Every code [`DecodeError::code`] can return, for documentation and the completeness test.
    pub const ALL_CODES: [&'static str; 10] = [
        "empty_body",
        "not_xml",
        "not_json",
        "unknown_format",
        "unknown_shape",
        "missing_field",
        "invalid_field",
        "no_event_part",
        "too_many_records",
        "not_an_event",
    ];

    /// Stable snake_case code; never changes once released.
    pub fn code(&self) -> &'static str {
        match self {
            DecodeError::EmptyBody => "empty_body",
            DecodeError::NotXml => "not_xml",
            DecodeError::NotJson => "not_json",
            DecodeError::UnknownFormat => "unknown_format",
            DecodeError::UnknownShape { .. } => "unknown_shape",
            DecodeError::MissingField { .. } => "missing_field",
            DecodeError::InvalidField { .. } => "invalid_field",
            DecodeError::NoEventPart { .. } => "no_event_part",
            DecodeError::TooManyRecords { .. } => "too_many_records",
            DecodeError::NotAnEvent { .. } => "not_an_event",
        }
    }

    /// zh-CN message for people. Names the field where there is one, never payload content.
    pub fn message_zh(&self) -> String {
        match self {
            DecodeError::EmptyBody => "请求体为空".to_string(),
            DecodeError::NotXml => "请求体不是格式正确的 XML".to_string(),
            DecodeError::NotJson => "请求体不是有效的 JSON".to_string(),
            DecodeError::UnknownFormat => "无法识别请求体格式（既不是 XML、JSON，也不是 multipart）".to_string(),
            DecodeError::UnknownShape { format } => {
                format!("{} 文档不是可识别的事件结构", format.to_uppercase())
            }
            DecodeError::MissingField { field } => format!("缺少必填字段 `{field}`"),
            DecodeError::InvalidField { field } => format!("字段 `{field}` 的值无效"),
            DecodeError::NoEventPart { parts } => {
                format!("multipart 请求体中没有可解析的事件（共 {parts} 个分段）")
            }
            DecodeError::TooManyRecords { max } => format!("单次上传的记录超过 {max} 条，请分批上传"),
            DecodeError::NotAnEvent { what } => format!("{what} 消息不是事件，未保存"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DecodeError;

    fn one_of_each() -> Vec<DecodeError> {
        vec![
            DecodeError::EmptyBody,
            DecodeError::NotXml,
            DecodeError::NotJson,
            DecodeError::UnknownFormat,
            DecodeError::UnknownShape { format: "xml" },
            DecodeError::MissingField { field: "type" },
            DecodeError::InvalidField { field: "state" },
            DecodeError::NoEventPart { parts: 2 },
            DecodeError::TooManyRecords { max: 5 },
            DecodeError::NotAnEvent {
                what: "frigate/triggers",
            },
        ]
    }

    #[test]
    fn every_variant_has_a_listed_code_and_a_zh_message() {
        let all = one_of_each();
        assert_eq!(all.len(), DecodeError::ALL_CODES.len());
        for (err, code) in all.iter().zip(DecodeError::ALL_CODES) {
            assert_eq!(err.code(), code);
            assert!(!err.message_zh().is_empty());
            assert!(!err.to_string().is_empty());
        }
    }
}

//! Private-enterprise requests (民营企业诉求, docs/ENTERPRISE-REQUESTS.md; seed highlight 6, Part 3
//! of the Zhejiang Opinions: protect entrepreneurs' lawful interests, serve private enterprises
//! actively). A unit flagged 民营企业 (`units.is_private_enterprise`) files a request to the
//! police; it is routed to the unit's station, gets a response deadline
//! ([`RESPONSE_DAYS`] calendar days), a handler assigned by the station, replies both ways, and
//! closure by the police; the enterprise rates the result afterwards. A request still open at its
//! deadline is marked overdue by the `enterprise_request.deadline` job.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The default response deadline: 7 calendar days after filing (5 working days, counted simply
/// as a calendar week; docs/ENTERPRISE-REQUESTS.md); administrators may set another
/// ([`RESPONSE_DAYS_KEY`]).
pub const RESPONSE_DAYS: i64 = 7;
/// Meta key of the configured response deadline (days; administrators set it, 1–60).
pub const RESPONSE_DAYS_KEY: &str = "enterprise_requests.response_days";

/// The response deadline in days for a configured value (1–60; [`RESPONSE_DAYS`] outside).
pub fn response_days(configured: Option<i64>) -> i64 {
    configured.filter(|d| (1..=60).contains(d)).unwrap_or(RESPONSE_DAYS)
}

/// Longest request or reply text (characters).
pub const MAX_TEXT_CHARS: usize = 2000;
/// Longest closing note (characters).
pub const MAX_NOTE_CHARS: usize = 500;

/// What the enterprise asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// 保护请求.
    Protection,
    /// 经济犯罪线索.
    EconomicCrime,
    /// 营商环境投诉.
    BusinessEnvironment,
    /// 其他.
    Other,
}

impl RequestKind {
    pub const ALL: [RequestKind; 4] = [
        RequestKind::Protection,
        RequestKind::EconomicCrime,
        RequestKind::BusinessEnvironment,
        RequestKind::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            RequestKind::Protection => "protection",
            RequestKind::EconomicCrime => "economic_crime",
            RequestKind::BusinessEnvironment => "business_environment",
            RequestKind::Other => "other",
        }
    }
    pub fn from_code(s: &str) -> Option<RequestKind> {
        RequestKind::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            RequestKind::Protection => "保护请求",
            RequestKind::EconomicCrime => "经济犯罪线索",
            RequestKind::BusinessEnvironment => "营商环境投诉",
            RequestKind::Other => "其他",
        }
    }
}

/// The enterprise's satisfaction with a closed request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// 满意.
    Satisfied,
    /// 基本满意.
    Fair,
    /// 不满意.
    Dissatisfied,
}

impl Rating {
    pub const ALL: [Rating; 3] = [Rating::Satisfied, Rating::Fair, Rating::Dissatisfied];
    pub fn code(self) -> &'static str {
        match self {
            Rating::Satisfied => "satisfied",
            Rating::Fair => "fair",
            Rating::Dissatisfied => "dissatisfied",
        }
    }
    pub fn from_code(s: &str) -> Option<Rating> {
        Rating::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Rating::Satisfied => "满意",
            Rating::Fair => "基本满意",
            Rating::Dissatisfied => "不满意",
        }
    }
}

/// One request as stored.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EnterpriseRequest {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    /// The station it was routed to (the unit's station when filed).
    pub station_id: Option<String>,
    pub station_name: Option<String>,
    pub kind: RequestKind,
    pub kind_label: String,
    pub text: String,
    /// `open` or `closed`.
    pub state: String,
    pub filed_by: String,
    pub filed_by_name: String,
    pub filed_at: DateTime<Utc>,
    /// The response deadline ([`RESPONSE_DAYS`] days after filing).
    pub deadline: DateTime<Utc>,
    /// Set by the deadline job when still open at the deadline.
    pub overdue: bool,
    pub handler_id: Option<String>,
    pub handler_name: Option<String>,
    pub assigned_at: Option<DateTime<Utc>>,
    /// The first police reply (the response time is measured to it).
    pub first_reply_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<String>,
    pub closing_note: String,
    pub rating: Option<Rating>,
    pub rated_at: Option<DateTime<Utc>>,
}

impl EnterpriseRequest {
    /// Seconds from filing to the first police reply.
    pub fn seconds_to_first_reply(&self) -> Option<i64> {
        self.first_reply_at.map(|t| (t - self.filed_at).num_seconds().max(0))
    }
    /// 待办理 / 已办结, with 已超期 when overdue.
    pub fn state_zh(&self) -> String {
        let s = if self.state == "closed" {
            "已办结"
        } else {
            "办理中"
        };
        if self.overdue {
            format!("{s}（已超期）")
        } else {
            s.to_string()
        }
    }
    pub fn rating_zh(&self) -> &'static str {
        self.rating.map(Rating::label_zh).unwrap_or("")
    }
}

/// One reply (either side).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequestReply {
    pub id: String,
    pub request_id: String,
    /// `unit` or `police`.
    pub side: String,
    pub author_id: String,
    pub author_name: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// A request with its replies, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequestDetail {
    #[serde(flatten)]
    pub request: EnterpriseRequest,
    pub replies: Vec<RequestReply>,
    pub seconds_to_first_reply: Option<i64>,
    /// The enterprise's files (PDF or images), oldest first; download each from
    /// `/api/v1/attachments/{id}`.
    #[serde(default, skip_deserializing)]
    pub attachments: Vec<crate::attachments::Attachment>,
}

/// A new request as checked by the service.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub id: String,
    pub unit_id: String,
    pub kind: RequestKind,
    pub text: String,
    pub filed_by: String,
    pub filed_by_name: String,
    pub at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
}

/// Which requests a list shows.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub unit_id: Option<String>,
    /// `open` or `closed`.
    pub state: Option<String>,
    pub overdue: Option<bool>,
}

/// Counts over the requests in scope.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequestCounts {
    pub open: i64,
    pub overdue_open: i64,
    pub closed: i64,
    /// Mean seconds from filing to the first police reply, over requests with one.
    pub mean_seconds_to_first_reply: Option<i64>,
    pub satisfied: i64,
    pub fair: i64,
    pub dissatisfied: i64,
}

//! Official documents as stored: content, drafts, listings.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::kind::DocumentKind;

/// The content of an official document, as laid out (see the docgen crate).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DocumentContent {
    pub issuer: String,
    pub title: String,
    pub addressee: String,
    pub paragraphs: Vec<String>,
    pub fields: Vec<(String, String)>,
    pub signature: Vec<String>,
    pub footer: Vec<String>,
}

/// A document to number and store.
#[derive(Debug, Clone)]
pub struct DocumentDraft {
    pub kind: DocumentKind,
    pub org_id: String,
    /// Number prefix and department, e.g. 西公 and 内保.
    pub prefix: String,
    pub department: String,
    pub year: i32,
    pub unit_id: String,
    pub hazard_id: Option<String>,
    pub inspection_id: Option<String>,
    pub content: DocumentContent,
    pub issued_by: String,
}

/// A numbered official document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Document {
    pub id: String,
    pub kind: DocumentKind,
    pub org_id: String,
    pub year: i32,
    pub serial: i64,
    /// e.g. 西公(内保)限字〔2026〕第0001号
    pub number: String,
    pub unit_id: String,
    pub unit_name: String,
    pub hazard_id: Option<String>,
    pub inspection_id: Option<String>,
    pub content: DocumentContent,
    pub issued_by: String,
    pub issued_at: DateTime<Utc>,
    /// The competent department of the unit (the addressee of a 问题抄告函).
    pub department_id: Option<String>,
    /// The addressee's first reading (签收), if any.
    pub receipt: Option<super::delivery::DocumentReceipt>,
    /// For a 问题抄告函: when the department last recorded its action, if it has.
    pub last_action_at: Option<DateTime<Utc>>,
    /// For a 问题抄告函: the department's action records, oldest first (filled when one document
    /// is read; empty in lists, which carry `last_action_at`).
    #[serde(default)]
    pub actions: Vec<super::delivery::DepartmentAction>,
}

/// Filter of document lists.
#[derive(Debug, Clone, Default)]
pub struct DocumentFilter {
    pub unit_id: Option<String>,
    /// `Some(true)`: only documents not yet signed for; `Some(false)`: only signed ones.
    pub unread: Option<bool>,
    pub hazard_id: Option<String>,
    pub inspection_id: Option<String>,
    pub kind: Option<DocumentKind>,
}

//! Who issues a document and how its numbers read.

use chrono::{DateTime, Utc};

use super::kind::{default_prefix, DocumentKind};
use super::records::{DocumentContent, DocumentDraft};
use super::required::check_complete;
use crate::error::DomainError;
use crate::supervision::calendar::beijing_year;

/// The issuing organisation of a document, with its name and numbering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    /// The organisation whose counter numbers the document (a unit's own id for its 自查).
    pub org_id: String,
    pub name: String,
    /// Number prefix and department, e.g. 西公 and 内保.
    pub prefix: String,
    pub department: String,
}

impl Issuer {
    /// A police organisation or competent department (`org_kind` `department`), with its
    /// bureau's configured prefix and department (empty prefix: derived from the name; a
    /// department's numbers carry its first two characters and no department).
    pub fn organisation(
        org_id: &str,
        org_name: &str,
        org_kind: &str,
        doc_prefix: &str,
        doc_department: &str,
    ) -> Issuer {
        let department_kind = org_kind == "department";
        let prefix = if !doc_prefix.is_empty() {
            doc_prefix.to_string()
        } else if department_kind {
            org_name.chars().take(2).collect()
        } else {
            default_prefix(org_name)
        };
        Issuer {
            org_id: org_id.to_string(),
            name: org_name.to_string(),
            prefix,
            department: if department_kind {
                String::new()
            } else {
                doc_department.to_string()
            },
        }
    }

    /// A unit issuing the record of its own self-inspection (自查).
    pub fn unit(unit_id: &str, unit_name: &str) -> Issuer {
        Issuer {
            org_id: unit_id.to_string(),
            name: unit_name.to_string(),
            prefix: unit_name.chars().take(2).collect(),
            department: "自查".into(),
        }
    }

    /// A document of `kind` to number and store, issued now — only when its content carries
    /// every field the kind requires ([`check_complete`]).
    ///
    /// Errors: `document_incomplete` naming the first missing field.
    #[allow(clippy::too_many_arguments)]
    pub fn draft(
        &self,
        kind: DocumentKind,
        unit_id: &str,
        hazard_id: Option<&str>,
        inspection_id: Option<&str>,
        content: DocumentContent,
        issued_by: &str,
        now: DateTime<Utc>,
    ) -> Result<DocumentDraft, DomainError> {
        check_complete(kind, &content)?;
        Ok(DocumentDraft {
            kind,
            org_id: self.org_id.clone(),
            prefix: self.prefix.clone(),
            department: self.department.clone(),
            year: beijing_year(now),
            unit_id: unit_id.to_string(),
            hazard_id: hazard_id.map(str::to_string),
            inspection_id: inspection_id.map(str::to_string),
            content,
            issued_by: issued_by.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_follow_the_settings_then_the_name() {
        let b = Issuer::organisation("o", "杭州市公安局西湖区分局", "police_county", "", "内保");
        assert_eq!((b.prefix.as_str(), b.department.as_str()), ("西公", "内保"));
        let b = Issuer::organisation("o", "杭州市公安局西湖区分局", "police_county", "测公", "内保");
        assert_eq!(b.prefix, "测公");
        let d = Issuer::organisation("d", "杭州市教育局", "department", "", "内保");
        assert_eq!((d.prefix.as_str(), d.department.as_str()), ("杭州", ""));
        let u = Issuer::unit("u", "西湖大学");
        assert_eq!((u.prefix.as_str(), u.department.as_str()), ("西湖", "自查"));
    }
}

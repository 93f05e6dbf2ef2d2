//! The forms the compliance pages share: a record of processing activities and a data incident,
//! as typed (a refused form keeps it) or as stored (the edit forms), and the choices they offer.

use neibao_domain::compliance::*;
use neibao_engine::compliance::{ActivityInput, BreachInput};

use crate::error::ApiError;
use crate::ui::form::{field, fields, local_input, parse_local, Fields};
use crate::ui::views::fmt_time;

/// The lists a form chooses from: (code, label) and, for categories, whether sensitive.
pub struct Choices {
    pub purposes: Vec<(&'static str, &'static str)>,
    pub bases: Vec<(&'static str, &'static str)>,
    pub categories: Vec<(&'static str, &'static str, bool)>,
    pub kinds: Vec<(&'static str, &'static str)>,
}

impl Choices {
    pub fn all() -> Choices {
        Choices {
            purposes: PiPurpose::ALL.iter().map(|p| (p.code(), p.label_zh())).collect(),
            bases: PiLegalBasis::ALL.iter().map(|p| (p.code(), p.label_zh())).collect(),
            categories: PiCategory::ALL
                .iter()
                .map(|p| (p.code(), p.label_zh(), p.sensitive()))
                .collect(),
            kinds: PiRequestKind::ALL.iter().map(|p| (p.code(), p.label_zh())).collect(),
        }
    }
}

/// Category labels, sensitive ones marked （敏感）.
pub fn category_labels(c: &[PiCategory]) -> String {
    c.iter()
        .map(|x| {
            if x.sensitive() {
                format!("{}（敏感）", x.label_zh())
            } else {
                x.label_zh().to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// The record form's values.
#[derive(Default)]
pub struct ActivityForm {
    pub purpose: String,
    pub description: String,
    pub legal_basis: String,
    pub categories: Vec<String>,
    pub retention_days: String,
    pub recipients: String,
    pub pia_ref: String,
}

impl ActivityForm {
    pub fn sent(f: &Fields) -> ActivityForm {
        ActivityForm {
            purpose: field(f, "purpose").into(),
            description: field(f, "description").into(),
            legal_basis: field(f, "legal_basis").into(),
            categories: fields(f, "categories").into_iter().map(str::to_string).collect(),
            retention_days: field(f, "retention_days").into(),
            recipients: field(f, "recipients").into(),
            pia_ref: field(f, "pia_ref").into(),
        }
    }

    pub fn of(a: &ProcessingActivity) -> ActivityForm {
        ActivityForm {
            purpose: a.purpose.code().into(),
            description: a.description.clone(),
            legal_basis: a.legal_basis.code().into(),
            categories: a.categories.iter().map(|c| c.code().to_string()).collect(),
            retention_days: a.retention_days.to_string(),
            recipients: a.recipients.clone(),
            pia_ref: a.pia_ref.clone(),
        }
    }

    pub fn has(&self, code: &str) -> bool {
        self.categories.iter().any(|c| c == code)
    }
}

/// The record form as the service's input; 400 for a retention that is no number.
pub fn activity_input(f: &Fields) -> Result<ActivityInput, ApiError> {
    let days = field(f, "retention_days").trim();
    let retention_days = if days.is_empty() {
        None
    } else {
        Some(
            days.parse::<i64>()
                .map_err(|_| ApiError::validation("保存期限应为天数（整数）"))?,
        )
    };
    Ok(ActivityInput {
        purpose: field(f, "purpose").into(),
        description: field(f, "description").into(),
        legal_basis: field(f, "legal_basis").into(),
        categories: fields(f, "categories").into_iter().map(str::to_string).collect(),
        retention_days,
        recipients: field(f, "recipients").into(),
        pia_ref: field(f, "pia_ref").into(),
    })
}

/// The incident form's values.
#[derive(Default)]
pub struct BreachForm {
    pub title: String,
    pub occurred_at: String,
    pub discovered_at: String,
    pub description: String,
    pub categories: Vec<String>,
    pub affected_count: String,
    pub cause: String,
    pub possible_harm: String,
    pub remedial_measures: String,
    pub individual_measures: String,
    pub handler_contact: String,
}

impl BreachForm {
    pub fn sent(f: &Fields) -> BreachForm {
        BreachForm {
            title: field(f, "title").into(),
            occurred_at: field(f, "occurred_at").into(),
            discovered_at: field(f, "discovered_at").into(),
            description: field(f, "description").into(),
            categories: fields(f, "categories").into_iter().map(str::to_string).collect(),
            affected_count: field(f, "affected_count").into(),
            cause: field(f, "cause").into(),
            possible_harm: field(f, "possible_harm").into(),
            remedial_measures: field(f, "remedial_measures").into(),
            individual_measures: field(f, "individual_measures").into(),
            handler_contact: field(f, "handler_contact").into(),
        }
    }

    pub fn of(b: &Breach) -> BreachForm {
        BreachForm {
            title: b.title.clone(),
            occurred_at: b.occurred_at.map(local_input).unwrap_or_default(),
            discovered_at: local_input(b.discovered_at),
            description: b.description.clone(),
            categories: b.categories.iter().map(|c| c.code().to_string()).collect(),
            affected_count: b.affected_count.map(|n| n.to_string()).unwrap_or_default(),
            cause: b.cause.clone(),
            possible_harm: b.possible_harm.clone(),
            remedial_measures: b.remedial_measures.clone(),
            individual_measures: b.individual_measures.clone(),
            handler_contact: b.handler_contact.clone(),
        }
    }

    pub fn has(&self, code: &str) -> bool {
        self.categories.iter().any(|c| c == code)
    }
}

/// The incident form as the service's input; 400 for a time or a count that does not parse.
pub fn breach_input(f: &Fields) -> Result<BreachInput, ApiError> {
    let time = |name: &str, label: &str| -> Result<_, ApiError> {
        let v = field(f, name);
        if v.trim().is_empty() {
            Ok(None)
        } else {
            parse_local(v, label).map(Some)
        }
    };
    let n = field(f, "affected_count").trim();
    let affected_count = if n.is_empty() {
        None
    } else {
        Some(n.parse::<i64>().map_err(|_| ApiError::validation("涉及人数应为整数"))?)
    };
    Ok(BreachInput {
        title: field(f, "title").into(),
        occurred_at: time("occurred_at", "发生时间")?,
        discovered_at: time("discovered_at", "发现时间")?,
        description: field(f, "description").into(),
        categories: fields(f, "categories").into_iter().map(str::to_string).collect(),
        affected_count,
        cause: field(f, "cause").into(),
        possible_harm: field(f, "possible_harm").into(),
        remedial_measures: field(f, "remedial_measures").into(),
        individual_measures: field(f, "individual_measures").into(),
        handler_contact: field(f, "handler_contact").into(),
    })
}

/// A time as shown, or —.
pub fn shown(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(fmt_time).unwrap_or_else(|| "—".into())
}

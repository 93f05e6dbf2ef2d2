//! Reading the security-staff forms: fields as sent into the service's inputs (dates, numbers and
//! checkboxes; a bad value is a 400 with a zh-CN message naming the field).

use chrono::NaiveDate;
use neibao_engine::security_staff::{BodyInput, GuardInput, RecordInput, StaffInput, TrainingInput};

use crate::error::ApiError;
use crate::ui::form::{field, Fields};

/// An optional date (`""` → `None`).
pub fn opt_date(f: &Fields, name: &str, label: &str) -> Result<Option<NaiveDate>, ApiError> {
    let s = field(f, name).trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse()
        .map(Some)
        .map_err(|_| ApiError::validation(format!("{label}应为日期，如 2026-01-31")))
}

/// A checkbox: sent as `1`.
pub fn checked(f: &Fields, name: &str) -> bool {
    field(f, name) == "1"
}

/// The `version` field of an edit or removal form.
pub fn version(f: &Fields) -> Result<i64, ApiError> {
    field(f, "version")
        .trim()
        .parse()
        .map_err(|_| ApiError::validation("表单缺少版本号，请刷新后重试"))
}

fn phone(f: &Fields) -> Option<String> {
    Some(field(f, "phone").to_string())
}

pub fn body(f: &Fields) -> Result<BodyInput, ApiError> {
    Ok(BodyInput {
        name: field(f, "name").into(),
        kind: field(f, "kind").into(),
        head: field(f, "head").into(),
        established_on: opt_date(f, "established_on", "成立日期")?,
        phone: phone(f),
    })
}

pub fn staff(f: &Fields) -> StaffInput {
    StaffInput {
        name: field(f, "name").into(),
        post: field(f, "post").into(),
        full_time: checked(f, "full_time"),
        phone: phone(f),
        on_duty: checked(f, "on_duty"),
    }
}

pub fn guard(f: &Fields) -> Result<GuardInput, ApiError> {
    Ok(GuardInput {
        name: field(f, "name").into(),
        post: field(f, "post").into(),
        full_time: checked(f, "full_time"),
        phone: phone(f),
        on_duty: checked(f, "on_duty"),
        employment: field(f, "employment").into(),
        company_name: field(f, "company_name").into(),
        company_licence_no: field(f, "company_licence_no").into(),
        company_foreign_invested: checked(f, "company_foreign_invested"),
        certificate_no: field(f, "certificate_no").into(),
        citizen_id: field(f, "citizen_id").into(),
        started_on: opt_date(f, "started_on", "上岗日期")?,
        stopped_on: opt_date(f, "stopped_on", "离岗日期")?,
        vetting: field(f, "vetting").into(),
    })
}

pub fn training(f: &Fields) -> Result<TrainingInput, ApiError> {
    let hours: f64 = field(f, "hours")
        .trim()
        .parse()
        .map_err(|_| ApiError::validation("学时应为数字，如 8 或 2.5"))?;
    Ok(TrainingInput {
        member_id: field(f, "member_id").into(),
        trained_on: opt_date(f, "trained_on", "培训日期")?,
        topic: field(f, "topic").into(),
        hours,
        exam_result: field(f, "exam_result").into(),
        certificate_name: field(f, "certificate_name").into(),
        certificate_expires_on: opt_date(f, "certificate_expires_on", "证书有效期")?,
    })
}

pub fn record(f: &Fields) -> Result<RecordInput, ApiError> {
    Ok(RecordInput {
        kind: field(f, "kind").into(),
        member_id: field(f, "member_id").into(),
        subject: field(f, "subject").into(),
        occurred_on: opt_date(f, "occurred_on", "日期")?,
        content: field(f, "content").into(),
        handling: field(f, "handling").into(),
        result: field(f, "result").into(),
    })
}

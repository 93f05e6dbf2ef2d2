//! The biennial safety assessment (docs/ASSESSMENT.md; R32): campaigns, the due list, the sheet
//! (drafts kept on the server), submission, review and sign-off, failed items to hazards, item
//! evidence, the A4 PDF report and the latest results per unit. Handlers parse, call
//! [`neibao_engine::assessment::AssessmentService`] and answer.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use neibao_domain::assessment::{
    Assessment, AssessmentAssignment, AssessmentCampaign, AssessmentFilter, AssessmentRow, AssessmentState, DueUnit,
    UnitResult,
};
use neibao_domain::attachments::Attachment;
use neibao_domain::error::ErrorCode;
use neibao_domain::paging::{Listing, Page};
use neibao_engine::assessment::{CampaignInput, ItemEvidence, ItemInput, SheetInput, StartInput};
use serde::Deserialize;

use super::attachments::file_response;
use crate::error::{ApiError, ApiResult};
use crate::extract::multipart::{upload_limit, CsrfMultipart};
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// An assessment or a campaign.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    /// The id.
    pub id: String,
}

/// An item of an assessment.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ItemPath {
    /// The assessment's id.
    pub id: String,
    /// The item's code (e.g. `T3`).
    pub code: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueQuery {
    /// Only the units this campaign concerns.
    pub campaign_id: Option<String>,
    /// `true`: every unit, assessed within the cycle too (default: the overdue and due ones).
    pub all: Option<bool>,
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// Where an assessment stands.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = AssessmentStateParam)]
pub enum StateParam {
    Draft,
    Submitted,
    Signed,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub unit_id: Option<String>,
    pub campaign_id: Option<String>,
    /// `draft`, `submitted` or `signed`.
    pub state: Option<StateParam>,
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultsQuery {
    /// First day signed, `YYYY-MM-DD` (Beijing time); default: two years before `to`.
    pub from: Option<String>,
    /// Last day signed, `YYYY-MM-DD`; default: today.
    pub to: Option<String>,
}

/// A campaign.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct CampaignBody {
    /// 批次名称, 1–60 characters.
    #[serde(default)]
    #[schema(max_length = 60)]
    pub title: String,
    /// `police` (公安机关评估), `self` (单位自评，公安复核) or `third_party` (第三方机构评估).
    #[serde(default)]
    pub assessor: String,
    /// The third-party organisation's name (required for `third_party` without
    /// `assessor_org_id`; with it, default: the organisation's name).
    #[serde(default)]
    #[schema(max_length = 100)]
    pub assessor_org: String,
    /// The third-party assessment organisation (an organisation of kind `assessor_org`) whose
    /// own accounts fill in the sheets of the units assigned to it (`third_party` only).
    pub assessor_org_id: Option<String>,
    /// Only this competent department's units (police; a department's campaign is its sector).
    pub department_id: Option<String>,
    /// Only units of this kind (registry code, e.g. `enterprise`).
    pub unit_kind: Option<String>,
}

/// A new assessment.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct StartBody {
    #[serde(default)]
    pub unit_id: String,
    pub campaign_id: Option<String>,
    /// `police`, `self` or `third_party`; default: the campaign's, else `self` for a unit's
    /// manager and `police` for the police.
    pub assessor: Option<String>,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub assessor_org: String,
    /// `YYYY-MM-DD`; default: two years before `period_to`.
    pub period_from: Option<String>,
    /// `YYYY-MM-DD`, not after today; default: today.
    pub period_to: Option<String>,
}

/// One item as scored by hand.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = AssessmentItemBody)]
pub struct ItemBody {
    #[serde(default)]
    pub code: String,
    /// `pass`, `fail`, `not_applicable`, or "" (not scored yet). Ignored for data-scored items.
    #[serde(default)]
    pub result: String,
    /// 评估说明 (at most 1000 characters).
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: String,
}

/// The sheet (only the items sent change).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct SheetBody {
    #[serde(default)]
    #[schema(max_items = 200)]
    pub items: Vec<ItemBody>,
    /// Cases attributable to failed prevention in the period, 0–100.
    #[schema(minimum = 0, maximum = 100)]
    pub outcome_cases: Option<i64>,
    /// The version the user saw; a stale one is refused (409).
    pub expected_version: Option<i64>,
}

impl SheetBody {
    fn input(self) -> SheetInput {
        SheetInput {
            items: self
                .items
                .into_iter()
                .map(|i| ItemInput {
                    code: i.code,
                    result: i.result,
                    note: i.note,
                })
                .collect(),
            outcome_cases: self.outcome_cases,
            expected_version: self.expected_version,
        }
    }
}

/// An evidence file (multipart).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // the schema of the body, which `CsrfMultipart` reads
#[schema(as = AssessmentEvidenceForm)]
pub struct EvidenceForm {
    /// The file (photos and PDF shown inline), at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Launches an assessment campaign over the caller's jurisdiction (county-level and higher
/// police; a competent department: its sector). Send an `Idempotency-Key`: a repeat makes one.
#[utoipa::path(post, path = "/api/v1/assessment-campaigns", tag = "assessment", request_body = CampaignBody,
    responses((status = 201, body = AssessmentCampaign),
        (status = 400, body = crate::error::ErrorBody, description = "名称为空或过长、评估方式不存在、第三方机构名称为空"),
        (status = 403, body = crate::error::ErrorBody, description = "无权发起评估批次")))]
pub async fn launch(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<CampaignBody>,
) -> ApiResult<(StatusCode, Json<AssessmentCampaign>)> {
    let c = state
        .services
        .assessment
        .launch(
            &user.principal,
            CampaignInput {
                title: b.title,
                assessor: b.assessor,
                assessor_org: b.assessor_org,
                assessor_org_id: b.assessor_org_id,
                department_id: b.department_id,
                unit_kind: b.unit_kind,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// The campaigns concerning units of the caller's jurisdiction, newest first.
#[utoipa::path(get, path = "/api/v1/assessment-campaigns", tag = "assessment", params(PageQuery),
    responses((status = 200, body = Listing<AssessmentCampaign>), (status = 400, body = crate::error::ErrorBody)))]
pub async fn campaigns(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Listing<AssessmentCampaign>>> {
    let page = Page::checked(q.page, q.per_page)?;
    Ok(Json(state.services.assessment.campaigns(&user.principal, page).await?))
}

/// Units to assign to a campaign's third-party assessment organisation.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = AssessmentAssignBody)]
pub struct AssignBody {
    /// The units (1–500), each in the caller's jurisdiction and concerned by the campaign.
    #[serde(default)]
    #[schema(max_items = 500)]
    pub unit_ids: Vec<String>,
}

/// Assigns units of a third-party campaign to its assessment organisation, whose own accounts
/// then see those units and fill in their sheets (the launching organisation only). Units
/// already assigned stay; the answer is every unit assigned in the campaign.
#[utoipa::path(post, path = "/api/v1/assessment-campaigns/{id}/assignments", tag = "assessment", params(IdPath),
    request_body = AssignBody,
    responses((status = 200, body = Vec<AssessmentAssignment>),
        (status = 400, body = crate::error::ErrorBody, description = "未选择单位或超过 500 家"),
        (status = 403, body = crate::error::ErrorBody, description = "不是发起本批次的机构"),
        (status = 404, body = crate::error::ErrorBody, description = "批次或单位不存在、不在本辖区或不属于本批次"),
        (status = 409, body = crate::error::ErrorBody, description = "本批次未指定第三方评估机构")))]
pub async fn assign(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<AssignBody>,
) -> ApiResult<Json<Vec<AssessmentAssignment>>> {
    Ok(Json(
        state
            .services
            .assessment
            .assign(&user.principal, &p.id, &b.unit_ids)
            .await?,
    ))
}

/// The units assigned in a campaign to its third-party organisation that the caller sees (a
/// third-party assessor: its own).
#[utoipa::path(get, path = "/api/v1/assessment-campaigns/{id}/assignments", tag = "assessment", params(IdPath),
    responses((status = 200, body = Vec<AssessmentAssignment>),
        (status = 404, body = crate::error::ErrorBody, description = "批次不存在或不在本辖区")))]
pub async fn assignments(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<Vec<AssessmentAssignment>>> {
    Ok(Json(
        state.services.assessment.assignments(&user.principal, &p.id).await?,
    ))
}

/// One campaign.
#[utoipa::path(get, path = "/api/v1/assessment-campaigns/{id}", tag = "assessment", params(IdPath),
    responses((status = 200, body = AssessmentCampaign),
        (status = 404, body = crate::error::ErrorBody, description = "批次不存在或不涉及本辖区单位")))]
pub async fn campaign(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<AssessmentCampaign>> {
    Ok(Json(state.services.assessment.campaign(&user.principal, &p.id).await?))
}

/// The units of the two-year cycle: overdue first (never assessed, or the last signed result
/// older than two years), then due within 90 days; `all=true` adds the current ones.
#[utoipa::path(get, path = "/api/v1/assessments/due", tag = "assessment", params(DueQuery),
    responses((status = 200, body = Listing<DueUnit>), (status = 400, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "批次不存在或不涉及本辖区单位")))]
pub async fn due(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<DueQuery>,
) -> ApiResult<Json<Listing<DueUnit>>> {
    let page = Page::checked(q.page, q.per_page)?;
    Ok(Json(
        state
            .services
            .assessment
            .due(&user.principal, q.campaign_id.as_deref(), !q.all.unwrap_or(false), page)
            .await?,
    ))
}

/// Starts an assessment of a unit: the sheet is the five-defence checklist version in force,
/// data-scored items filled from the unit's data over the period. Send an `Idempotency-Key`: a
/// repeat makes one assessment.
#[utoipa::path(post, path = "/api/v1/assessments", tag = "assessment", request_body = StartBody,
    responses((status = 201, body = Assessment),
        (status = 400, body = crate::error::ErrorBody, description = "日期格式或评估期不对、评估方式不存在、第三方机构名称为空"),
        (status = 403, body = crate::error::ErrorBody, description = "无权开展评估或不能以该方式评估"),
        (status = 404, body = crate::error::ErrorBody, description = "单位或批次不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "单位已有未签发的评估或已注销")))]
pub async fn start(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<StartBody>,
) -> ApiResult<(StatusCode, Json<Assessment>)> {
    let a = state
        .services
        .assessment
        .start(
            &user.principal,
            StartInput {
                unit_id: b.unit_id,
                campaign_id: b.campaign_id,
                assessor: b.assessor,
                assessor_org: b.assessor_org,
                period_from: b.period_from,
                period_to: b.period_to,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// Assessments in the caller's jurisdiction, newest first.
#[utoipa::path(get, path = "/api/v1/assessments", tag = "assessment", params(ListQuery),
    responses((status = 200, body = Listing<AssessmentRow>), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Listing<AssessmentRow>>> {
    let page = Page::checked(q.page, q.per_page)?;
    let f = AssessmentFilter {
        unit_id: q.unit_id,
        campaign_id: q.campaign_id,
        state: q.state.map(|s| match s {
            StateParam::Draft => AssessmentState::Draft,
            StateParam::Submitted => AssessmentState::Submitted,
            StateParam::Signed => AssessmentState::Signed,
        }),
    };
    Ok(Json(state.services.assessment.list(&user.principal, &f, page).await?))
}

/// One assessment: the sheet (each item: hand or data, its result, note, data figures and
/// query, hazard) and the result (score, grade, weakest defence, outcome score).
#[utoipa::path(get, path = "/api/v1/assessments/{id}", tag = "assessment", params(IdPath),
    responses((status = 200, body = Assessment),
        (status = 404, body = crate::error::ErrorBody, description = "评估不存在或不在本辖区")))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<Assessment>> {
    Ok(Json(state.services.assessment.get(&user.principal, &p.id).await?))
}

/// Saves the sheet as a draft on the server (hand-scored results, notes, outcome cases).
#[utoipa::path(put, path = "/api/v1/assessments/{id}/sheet", tag = "assessment", params(IdPath),
    request_body = SheetBody,
    responses((status = 200, body = Assessment),
        (status = 400, body = crate::error::ErrorBody, description = "检查项不存在、评分或说明不对、案件数不在0–100"),
        (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "评估不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "已签发、已被他人修改或尚未轮到本方")))]
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<SheetBody>,
) -> ApiResult<Json<Assessment>> {
    Ok(Json(
        state
            .services
            .assessment
            .save(&user.principal, &p.id, b.input())
            .await?,
    ))
}

/// Submits the sheet for review (every item scored).
#[utoipa::path(post, path = "/api/v1/assessments/{id}/submit", tag = "assessment", params(IdPath),
    request_body = SheetBody,
    responses((status = 200, body = Assessment),
        (status = 400, body = crate::error::ErrorBody, description = "尚有未评分的检查项或输入不对"),
        (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "评估不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "已提交或已签发")))]
pub async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<SheetBody>,
) -> ApiResult<Json<Assessment>> {
    Ok(Json(
        state
            .services
            .assessment
            .submit(&user.principal, &p.id, b.input())
            .await?,
    ))
}

/// Reviews and signs the result (police). A result under 60 opens a ladder case at once.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/sign", tag = "assessment", params(IdPath),
    request_body = SheetBody,
    responses((status = 200, body = Assessment),
        (status = 400, body = crate::error::ErrorBody, description = "尚有未评分的检查项或输入不对"),
        (status = 403, body = crate::error::ErrorBody, description = "仅公安机关可以签发"),
        (status = 404, body = crate::error::ErrorBody, description = "评估不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "已签发或单位自评尚未提交")))]
pub async fn sign(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<SheetBody>,
) -> ApiResult<Json<Assessment>> {
    Ok(Json(
        state
            .services
            .assessment
            .sign(&user.principal, &p.id, b.input())
            .await?,
    ))
}

/// Turns every failed item of a signed assessment into a hazard (source `assessment`); items
/// with a hazard keep it, so a repeat opens nothing more.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/hazards", tag = "assessment", params(IdPath),
    responses((status = 200, body = Assessment),
        (status = 403, body = crate::error::ErrorBody, description = "仅公安机关可以操作"),
        (status = 404, body = crate::error::ErrorBody, description = "评估不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "评估结果尚未签发")))]
pub async fn hazards(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<Assessment>> {
    Ok(Json(
        state.services.assessment.open_hazards(&user.principal, &p.id).await?,
    ))
}

/// The evidence files of each item.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/evidence", tag = "assessment", params(IdPath),
    responses((status = 200, body = Vec<ItemEvidence>),
        (status = 404, body = crate::error::ErrorBody, description = "评估不存在或不在本辖区")))]
pub async fn evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<Vec<ItemEvidence>>> {
    Ok(Json(state.services.assessment.evidence(&user.principal, &p.id).await?))
}

/// Adds an evidence file (photo or document) to an item (multipart field `file`, at most 10 MB).
/// Download it from `/api/v1/attachments/{id}`.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/items/{code}/evidence", tag = "assessment", params(ItemPath),
    request_body(content_type = "multipart/form-data", content = EvidenceForm),
    responses((status = 201, body = Attachment),
        (status = 400, body = crate::error::ErrorBody, description = "检查项不存在、缺少文件或文件为空"),
        (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "评估不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "已签发或尚未轮到本方"),
        (status = 413, body = crate::error::ErrorBody, description = "文件超过 10 MB")))]
pub async fn add_evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<ItemPath>,
    body: CsrfMultipart,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let svc = &state.services.assessment;
    svc.evidence_target(&user.principal, &p.id).await?;
    let file = body.file().await?;
    let a = svc.add_evidence(&user.principal, &p.id, &p.code, file).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// `2026-11-29` in Beijing time.
fn bj_day(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y-%m-%d")
        .to_string()
}

/// The report of an assessment as an A4 PDF document.
pub fn report_pdf(a: &Assessment) -> Result<Vec<u8>, ApiError> {
    let r = &a.result;
    let mut paragraphs = vec![
        format!(
            "一、评估概况：{}对{}开展安全评估（{}{}），评估期 {} 至 {}，使用检查表 {}。",
            a.created_by,
            a.unit_name,
            a.assessor.label_zh(),
            if a.assessor_org.is_empty() {
                String::new()
            } else {
                format!("，评估机构：{}", a.assessor_org)
            },
            bj_day(a.period_from),
            bj_day(a.period_to),
            a.variant.label_zh()
        ),
        format!(
            "二、评估结果：防范得分 {:.1} 分，等级{}{}；结果得分（因防范不力发生案件 {} 起）{} 分（满分 25 分，单列）。最薄弱：{}。",
            r.total,
            r.grade_label,
            if r.capped_by_critical {
                "（否决项不符合，总分封顶 59 分）"
            } else {
                ""
            },
            r.outcome_cases,
            r.outcome_score,
            if r.weakest_label.is_empty() { "—" } else { &r.weakest_label }
        ),
    ];
    let by: Vec<String> = r
        .by_defence
        .iter()
        .map(|d| format!("{} {:.1}/{:.1}", d.defence.label_zh(), d.earned, d.applicable))
        .collect();
    paragraphs.push(format!("三、分项得分：{}。", by.join("；")));
    let mut lines = Vec::new();
    for i in &a.items {
        let res = match i.result {
            Some(neibao_domain::supervision::checklist::ItemResult::Pass) => "符合",
            Some(neibao_domain::supervision::checklist::ItemResult::Fail) => "不符合",
            Some(neibao_domain::supervision::checklist::ItemResult::NotApplicable) => "不适用",
            None => "未评分",
        };
        let mut line = format!(
            "{}（{}，{} 分{}，{}）{}：{}",
            i.code,
            i.defence.label_zh(),
            i.weight,
            if i.critical { "，否决项" } else { "" },
            i.scored_by.label_zh(),
            i.title,
            res
        );
        if let Some(d) = &i.data {
            let figs: Vec<String> = d.figures.iter().map(|f| format!("{} {}", f.label, f.value)).collect();
            line.push_str(&format!("。数据：{}；判定：{}", figs.join("，"), d.rule));
        }
        if !i.note.is_empty() {
            line.push_str(&format!("。说明：{}", i.note));
        }
        if i.hazard_id.is_some() {
            line.push_str("。已登记隐患");
        }
        lines.push(line);
    }
    paragraphs.push(format!("四、逐项说明：{}。", lines.join("；")));
    if !a.escalation_trigger.is_empty() {
        paragraphs.push(format!("五、处置：{}。", a.escalation_trigger));
    }
    neibao_docgen::render_pdf(&neibao_docgen::OfficialDocument {
        issuer: a.unit_name.clone(),
        title: "单位安全评估报告".into(),
        number: String::new(),
        addressee: String::new(),
        paragraphs,
        fields: vec![
            ("防范得分".into(), format!("{:.1}", r.total)),
            ("等级".into(), r.grade_label.clone()),
            ("最薄弱".into(), r.weakest_label.clone()),
            ("签发人".into(), a.signed_by.clone().unwrap_or_default()),
        ],
        signature: vec![
            a.signed_by.clone().unwrap_or_default(),
            a.signed_at.map(bj_day).unwrap_or_default(),
        ],
        footer: vec!["本报告由内保平台根据安全评估表生成。".into()],
    })
    .map_err(|e| {
        tracing::error!(error = %e, assessment = %a.id, "assessment report rendering failed");
        ApiError::new(ErrorCode::Internal)
    })
}

/// The result as an A4 PDF report (signed assessments).
#[utoipa::path(get, path = "/api/v1/assessments/{id}/report", tag = "assessment", params(IdPath),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>),
        (status = 404, body = crate::error::ErrorBody, description = "评估不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "评估结果尚未签发")))]
pub async fn report(State(state): State<AppState>, user: CurrentUser, Path(p): Path<IdPath>) -> ApiResult<Response> {
    let a = state.services.assessment.get(&user.principal, &p.id).await?;
    if a.state != AssessmentState::Signed {
        return Err(ApiError::msg(ErrorCode::Conflict, "评估结果签发后才能生成报告"));
    }
    let pdf = tokio::task::spawn_blocking(move || report_pdf(&a))
        .await
        .map_err(|_| ApiError::new(ErrorCode::Internal))??;
    Ok(file_response(pdf, "application/pdf", "单位安全评估报告.pdf", true))
}

fn day(s: Option<&str>, label: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => {
            let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| ApiError::msg(ErrorCode::ValidationFailed, format!("{label}应为“年-月-日”格式的日期")))?;
            Ok(chrono_tz::Asia::Shanghai
                .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
                .single()
                .map(|t| t.with_timezone(&Utc)))
        }
    }
}

/// The latest signed result per unit of the caller's jurisdiction signed in the period
/// (score, grade, outcome score, signed_at): the figures the roll-up and dashboards read.
#[utoipa::path(get, path = "/api/v1/assessment-results", tag = "assessment", params(ResultsQuery),
    responses((status = 200, body = Vec<UnitResult>),
        (status = 400, body = crate::error::ErrorBody, description = "日期格式不对或起始日期晚于截止日期")))]
pub async fn results(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ResultsQuery>,
) -> ApiResult<Json<Vec<UnitResult>>> {
    let to = day(q.to.as_deref(), "截止日期")?
        .map(|t| t + chrono::Duration::days(1) - chrono::Duration::milliseconds(1))
        .unwrap_or_else(Utc::now);
    let from = day(q.from.as_deref(), "起始日期")?.unwrap_or(to - chrono::Duration::days(730));
    if from > to {
        return Err(ApiError::msg(ErrorCode::ValidationFailed, "起始日期不能晚于截止日期"));
    }
    Ok(Json(
        state
            .services
            .assessment
            .latest_results(&user.principal, from, to)
            .await?,
    ))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/assessment-campaigns", routing::get(campaigns).post(launch))
        .route("/api/v1/assessment-campaigns/{id}", routing::get(campaign))
        .route(
            "/api/v1/assessment-campaigns/{id}/assignments",
            routing::get(assignments).post(assign),
        )
        .route("/api/v1/assessment-results", routing::get(results))
        .route("/api/v1/assessments", routing::get(list).post(start))
        .route("/api/v1/assessments/due", routing::get(due))
        .route("/api/v1/assessments/{id}", routing::get(get))
        .route("/api/v1/assessments/{id}/sheet", routing::put(save))
        .route("/api/v1/assessments/{id}/submit", routing::post(submit))
        .route("/api/v1/assessments/{id}/sign", routing::post(sign))
        .route("/api/v1/assessments/{id}/hazards", routing::post(hazards))
        .route("/api/v1/assessments/{id}/evidence", routing::get(evidence))
        .route(
            "/api/v1/assessments/{id}/items/{code}/evidence",
            routing::post(add_evidence).layer(upload_limit()),
        )
        .route("/api/v1/assessments/{id}/report", routing::get(report))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    launch,
    campaigns,
    campaign,
    assign,
    assignments,
    due,
    start,
    list,
    get,
    save,
    submit,
    sign,
    hazards,
    evidence,
    add_evidence,
    report,
    results
))]
pub struct Doc;

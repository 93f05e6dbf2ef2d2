//! The 平安建设 roll-up (docs/ROLLUP.md; R3, R24, R31): `GET /api/v1/rollup` (the rows of one
//! level with their figures) and `GET /api/v1/rollup/export` (the `.xlsx` of a 平安建设
//! assessment submission). Handlers parse, call [`neibao_engine::rollup::RollupService`] and
//! answer.

use axum::extract::{Query, State};
use axum::response::Response;
use axum::Json;
use neibao_engine::rollup::{Rollup, RollupInput};
use serde::Deserialize;

use crate::api::attachments::file_response;
use crate::api::imports::XLSX_TYPE;
use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// How rows are grouped.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ByParam {
    /// 按辖区 (province → city → county → police station → unit).
    Division,
    /// 按行业 (competent department → unit).
    Sector,
}

impl ByParam {
    fn code(self) -> &'static str {
        match self {
            ByParam::Division => "division",
            ByParam::Sector => "sector",
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RollupQuery {
    /// First day of the period, `YYYY-MM-DD` (Beijing time; default 1 January of this year).
    pub from: Option<String>,
    /// Last day of the period, included (default today); at most 3660 days after `from`.
    pub to: Option<String>,
    /// `division` (default) or `sector`.
    pub by: Option<ByParam>,
    /// A division-code prefix of 2, 4 or 6 digits: the rows below it.
    pub division: Option<String>,
    /// A police station (by division) or competent department (by sector) id: its units; `-`
    /// for the units with none.
    pub org: Option<String>,
}

impl RollupQuery {
    fn input(self) -> RollupInput {
        RollupInput {
            from: self.from,
            to: self.to,
            by: self.by.map(|b| b.code().to_string()),
            division: self.division,
            org: self.org,
        }
    }
}

/// The roll-up of a period: the rows of one level (below the caller's own level, or below the
/// division or organisation opened) with units, key units, hazards found/closed/overdue and the
/// closure rate, filings due and on time, alerts with the median and mean minutes to
/// acknowledgement (R24), and the credit grade distribution; and their total. Only units in the
/// caller's jurisdiction count.
#[utoipa::path(get, path = "/api/v1/rollup", tag = "rollup", params(RollupQuery),
    responses((status = 200, body = Rollup),
        (status = 400, body = crate::error::ErrorBody, description = "日期、期间、汇总方式或行政区划代码不对"),
        (status = 403, body = crate::error::ErrorBody, description = "单位账号不能查看汇总")))]
pub async fn rollup(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<RollupQuery>,
) -> ApiResult<Json<Rollup>> {
    Ok(Json(state.services.rollup.rollup(&user.principal, &q.input()).await?))
}

/// The roll-up of a period as an `.xlsx` in the shape of a 平安建设 assessment submission: one
/// row per county (by division) or competent department (by sector) in the caller's
/// jurisdiction, then 合计; the columns are listed in docs/ROLLUP.md. `org` is ignored.
#[utoipa::path(get, path = "/api/v1/rollup/export", tag = "rollup", params(RollupQuery),
    responses((status = 200, description = "平安建设汇总（.xlsx）", content((Vec<u8> =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = crate::error::ErrorBody, description = "日期、期间、汇总方式或行政区划代码不对"),
        (status = 403, body = crate::error::ErrorBody, description = "单位账号不能导出汇总")))]
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<RollupQuery>,
) -> ApiResult<Response> {
    let e = state.services.rollup.export(&user.principal, &q.input()).await?;
    Ok(file_response(e.bytes, XLSX_TYPE, &e.file_name, false))
}

pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/rollup", routing::get(rollup))
        .route("/api/v1/rollup/export", routing::get(export))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(rollup, export))]
pub struct Doc;

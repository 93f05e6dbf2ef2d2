//! The OpenAPI 3.1 document of the API, generated from the handlers' annotations: the base
//! document (information, bearer authentication, shared schemas) and each capability's part,
//! one line each.

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "neibao API", version = "1", description = "智慧内保平台 JSON API。错误体为 {\"error\":{\"code\",\"message\"}}，message 为中文。认证：Authorization: Bearer <token>，或浏览器会话 Cookie（非 GET 请求需带 X-CSRF-Token）。"),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

/// The whole document: the base and every capability's part.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(crate::api::accounts::Doc::openapi());
    doc.merge(crate::api::dashboard::Doc::openapi());
    doc.merge(crate::api::registry::Doc::openapi());
    doc.merge(crate::api::lifecycle::Doc::openapi());
    doc.merge(crate::api::persons::Doc::openapi());
    doc.merge(crate::api::divisions::Doc::openapi());
    doc.merge(crate::api::setup::Doc::openapi());
    doc.merge(crate::api::devices::Doc::openapi());
    doc.merge(crate::api::events::Doc::openapi());
    doc.merge(crate::api::intake::Doc::openapi());
    doc.merge(crate::api::alerts::Doc::openapi());
    doc.merge(crate::api::warning::Doc::openapi());
    doc.merge(crate::api::notifications::Doc::openapi());
    doc.merge(crate::api::privacy::Doc::openapi());
    doc.merge(crate::api::audit::Doc::openapi());
    doc.merge(crate::api::supervision::Doc::openapi());
    doc.merge(crate::api::unit_records::Doc::openapi());
    doc.merge(crate::api::documents::Doc::openapi());
    doc.merge(crate::api::attachments::Doc::openapi());
    doc.merge(crate::api::users::Doc::openapi());
    doc.merge(crate::api::imports::Doc::openapi());
    doc.merge(crate::api::device_import::Doc::openapi());
    doc.merge(crate::api::organisations::Doc::openapi());
    doc.merge(crate::api::rulebook::Doc::openapi());
    doc.merge(crate::api::video::Doc::openapi());
    doc.merge(crate::api::patrol::Doc::openapi());
    doc.merge(crate::api::emergency_plans::Doc::openapi());
    doc.merge(crate::api::equipment::Doc::openapi());
    doc.merge(crate::api::drills::Doc::openapi());
    doc.merge(crate::api::visitors::Doc::openapi());
    doc.merge(crate::api::alarms::Doc::openapi());
    doc.merge(crate::api::bulletins::Doc::openapi());
    doc.merge(crate::api::reports::Doc::openapi());
    doc.merge(crate::api::liaison::Doc::openapi());
    doc.merge(crate::api::enterprise_requests::Doc::openapi());
    doc.merge(crate::api::compliance::Doc::openapi());
    doc.merge(crate::api::credit::Doc::openapi());
    doc.merge(crate::api::rollup::Doc::openapi());
    doc.merge(crate::api::honours::Doc::openapi());
    doc.merge(crate::api::assessment::Doc::openapi());
    doc.merge(crate::api::watchlists::Doc::openapi());
    doc.merge(crate::api::universities::Doc::openapi());
    doc.merge(crate::api::security_staff::Doc::openapi());
    doc.merge(crate::api::filings::Doc::openapi());
    doc.merge(crate::api::designations::Doc::openapi());
    doc.merge(crate::api::protection_levels::Doc::openapi());
    doc.merge(crate::api::wellbeing::Doc::openapi());
    utoipa::Modify::modify(&CommonAnswers, &mut doc);
    doc
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The answers every operation of a kind can give, declared once for all, and a unique
/// `operationId` per operation (`{method}_{path}`, e.g. `get_api_v1_units_id`):
/// - 401 `unauthenticated` on every operation that needs a token (not on public ones, which
///   declare `security(())`);
/// - 400 `validation_failed` where there is a body or a query string, 415 where the body is JSON;
/// - 404 `not_found` where the path names an object (out of scope reads as not found too);
/// - on every POST that needs a token, the optional `Idempotency-Key` header
///   (`crate::idempotency`) with its answers: 409 `idempotency_in_flight` /
///   `idempotency_secret_shown`, 422 `idempotency_key_reused`, 400 for a malformed key;
/// - 429 `busy` … only where an operation declares it itself.
///
/// Operation-specific answers (201, 403 for a permission, 409 for a conflict …) are declared by
/// each handler's `#[utoipa::path]`.
struct CommonAnswers;

impl utoipa::Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::ParameterIn;
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let ops = [
                ("get", &mut item.get),
                ("put", &mut item.put),
                ("post", &mut item.post),
                ("delete", &mut item.delete),
                ("patch", &mut item.patch),
            ];
            for (method, op) in ops {
                let Some(op) = op.as_mut() else { continue };
                let slug: String = path
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(|s| s.trim_start_matches('{').trim_end_matches('}'))
                    .collect::<Vec<_>>()
                    .join("_");
                op.operation_id = Some(format!("{method}_{slug}"));
                let public = op.security.as_ref().is_some_and(|s| {
                    s.iter()
                        .all(|r| serde_json::to_value(r).is_ok_and(|v| v == serde_json::json!({})))
                });
                let has =
                    |op: &utoipa::openapi::path::Operation, status: &str| op.responses.responses.contains_key(status);
                let mut add = Vec::new();
                if !public && !has(op, "401") {
                    add.push(("401", "未登录或令牌无效（unauthenticated）"));
                }
                let query = op
                    .parameters
                    .as_ref()
                    .is_some_and(|ps| ps.iter().any(|p| p.parameter_in == ParameterIn::Query));
                let by_path = path.contains('{');
                if (op.request_body.is_some() || query) && !has(op, "400") {
                    add.push(("400", "请求不符合要求（validation_failed 等）"));
                }
                if op
                    .request_body
                    .as_ref()
                    .is_some_and(|b| b.content.keys().any(|k| k.contains("json")))
                    && !has(op, "415")
                {
                    add.push(("415", "请求体应为 application/json（unsupported_media_type）"));
                }
                if by_path && !has(op, "404") {
                    add.push(("404", "对象不存在或不在本辖区（not_found）"));
                }
                if method == "post" && !public {
                    op.parameters.get_or_insert_with(Vec::new).push(idempotency_key());
                    if !has(op, "400") {
                        add.push(("400", "幂等键格式不正确等（validation_failed）"));
                    }
                    if !has(op, "409") {
                        add.push(("409", "相同幂等键的请求仍在处理（idempotency_in_flight），或其结果含只显示一次的密钥（idempotency_secret_shown）"));
                    }
                    if !has(op, "422") {
                        add.push(("422", "幂等键已用于另一个不同的请求（idempotency_key_reused）"));
                    }
                }
                for (status, description) in add {
                    op.responses
                        .responses
                        .insert(status.to_string(), error(description).into());
                }
            }
        }
    }
}

/// The optional `Idempotency-Key` request header of a POST (docs/API.md "Idempotent requests").
fn idempotency_key() -> utoipa::openapi::path::Parameter {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(utoipa::openapi::Required::False)
        .description(Some(
            "幂等键：同一用户以相同的键重发同一请求（方法、路径、请求体均相同）时只执行一次，返回首次的结果（附 Idempotent-Replayed: true）；保留 24 小时。1–255 个可见 ASCII 字符。",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(255))
                .pattern(Some("^[!-~]+$")),
        ))
        .build()
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(document())
}

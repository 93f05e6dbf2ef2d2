//! The OpenAPI 3.1 document of the API, generated from the handlers' annotations: the base
//! document (information, bearer authentication, shared schemas) and each capability's part,
//! one line each.

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "neibao API", version = "1", description = "智慧内保平台 JSON API。错误体为 {\"error\":{\"code\",\"message\"}}，message 为中文。认证：Authorization: Bearer <token>，或浏览器会话 Cookie（非 GET 请求需带 X-CSRF-Token）。"),
    components(schemas(crate::error::ErrorBody, crate::ingest::IngestResponse)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

/// The whole document: the base and every capability's part.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(crate::api::session::Doc::openapi());
    doc.merge(crate::api::meta::Doc::openapi());
    doc.merge(crate::api::units::Doc::openapi());
    doc.merge(crate::api::devices::Doc::openapi());
    doc.merge(crate::api::events::Doc::openapi());
    doc.merge(crate::api::alerts::Doc::openapi());
    doc.merge(crate::api::warning::Doc::openapi());
    doc.merge(crate::api::security::Doc::openapi());
    doc.merge(crate::api::supervision::Doc::openapi());
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

/// `GET /api/v1/openapi.json`.
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(document())
}

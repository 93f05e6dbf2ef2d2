//! The JSON API under `/api/v1`. Every handler takes the [`CurrentUser`](crate::auth::CurrentUser)
//! and passes its scope to the store; objects outside the scope answer 404.

pub mod alerts;
pub mod devices;
pub mod events;
pub mod meta;
pub mod security;
pub mod session;
pub mod supervision;
pub mod units;
pub mod warning;

use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use utoipa::OpenApi;

use crate::state::AppState;

/// Common pagination query: `page` (1-based) and `per_page` (1–200, default 50).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/session", post(session::login).delete(session::logout))
        .route("/api/v1/me", get(session::me))
        .route("/api/v1/dashboard", get(meta::dashboard))
        .route("/api/v1/divisions", get(meta::divisions))
        .route("/api/v1/organisations", get(meta::organisations))
        .route("/api/v1/rules", get(meta::rules))
        .route("/api/v1/units", get(units::list).post(units::create))
        .route("/api/v1/units/{id}", get(units::get).put(units::update))
        .route(
            "/api/v1/units/{id}/key_areas",
            get(units::list_key_areas).post(units::create_key_area),
        )
        .route("/api/v1/units/{id}/rules", get(units::list_rules))
        .route("/api/v1/units/{id}/armed_schedule", put(units::set_armed_schedule))
        .route("/api/v1/units/{id}/rules/{rule}", put(units::set_rule))
        .route("/api/v1/devices", get(devices::list).post(devices::create))
        .route("/api/v1/devices/{id}", get(devices::get))
        .route("/api/v1/events", get(events::list))
        .route("/api/v1/events/{id}", get(events::get))
        .route("/api/v1/events/{id}/raw", get(events::raw))
        .route("/api/v1/alerts", get(alerts::list))
        .route("/api/v1/alerts/{id}", get(alerts::get))
        .route("/api/v1/alerts/{id}/acknowledge", post(alerts::acknowledge))
        .route("/api/v1/alerts/{id}/resolve", post(alerts::resolve))
        .route("/api/v1/alerts/{id}/false_positive", post(alerts::false_positive))
        .route("/api/v1/alerts/stats", get(alerts::stats))
        .route(
            "/api/v1/alerts/escalation",
            get(alerts::get_escalation).put(alerts::put_escalation),
        )
        .route("/api/v1/alerts/{id}/deliveries", get(warning::deliveries))
        .route(
            "/api/v1/alert_rules",
            get(warning::list_rules).post(warning::create_rule),
        )
        .route("/api/v1/alert_rules/import", post(warning::import))
        .route("/api/v1/alert_rules/backtest", post(warning::backtest))
        .route("/api/v1/alert_rules/{code}", put(warning::update_rule))
        .route("/api/v1/alert_rules/{code}/versions", get(warning::rule_versions))
        .route(
            "/api/v1/suppressions",
            get(warning::list_suppressions).post(warning::create_suppression),
        )
        .route("/api/v1/suppressions/{id}/end", post(warning::end_suppression))
        .route(
            "/api/v1/notification_channels",
            get(warning::list_channels).post(warning::create_channel),
        )
        .route("/api/v1/notification_channels/{id}", put(warning::switch_channel))
        .route("/api/v1/inbox", get(warning::inbox))
        .route("/api/v1/inbox/read", post(warning::mark_read))
        .route("/api/v1/devices/health", get(warning::device_health))
        .route("/api/v1/me/password", put(security::change_password))
        .route(
            "/api/v1/me/totp",
            get(security::totp_status)
                .post(security::totp_begin)
                .delete(security::totp_remove),
        )
        .route("/api/v1/me/totp/confirm", post(security::totp_confirm))
        .route(
            "/api/v1/tokens",
            get(security::list_tokens).post(security::create_token),
        )
        .route("/api/v1/tokens/{id}", delete(security::revoke_token))
        .route("/api/v1/persons/lookup", post(security::lookup_persons))
        .route("/api/v1/persons/{id}/reveal", post(security::reveal_person))
        .route("/api/v1/audit", get(security::list_audit))
        .route("/api/v1/retention", get(security::retention))
        .route("/api/v1/retention/{class}", put(security::set_policy))
        .route("/api/v1/legal_holds", post(security::create_hold))
        .route("/api/v1/legal_holds/{id}/release", post(security::release_hold))
        .route(
            "/api/v1/security/settings",
            get(security::get_settings).put(security::put_settings),
        )
        .route("/api/v1/checklists", get(supervision::list_checklists))
        .route("/api/v1/checklists/{id}", get(supervision::get_checklist))
        .route(
            "/api/v1/checklists/{variant}/versions",
            post(supervision::add_checklist_version),
        )
        .route(
            "/api/v1/campaigns",
            get(supervision::list_campaigns).post(supervision::create_campaign),
        )
        .route("/api/v1/campaigns/{id}", get(supervision::get_campaign))
        .route(
            "/api/v1/inspections",
            get(supervision::list_inspections).post(supervision::create_inspection),
        )
        .route(
            "/api/v1/inspections/{id}",
            get(supervision::get_inspection).put(supervision::save_inspection),
        )
        .route("/api/v1/inspections/{id}/submit", post(supervision::submit_inspection))
        .route(
            "/api/v1/inspections/{id}/evidence",
            post(supervision::inspection_evidence).layer(supervision::evidence_limit()),
        )
        .route(
            "/api/v1/hazards",
            get(supervision::list_hazards).post(supervision::create_hazard),
        )
        .route("/api/v1/hazards/{id}", get(supervision::get_hazard))
        .route("/api/v1/hazards/{id}/actions", post(supervision::act))
        .route(
            "/api/v1/hazards/{id}/evidence",
            post(supervision::hazard_evidence).layer(supervision::evidence_limit()),
        )
        .route("/api/v1/attachments/{id}", get(supervision::get_attachment))
        .route("/api/v1/documents", get(supervision::list_documents))
        .route("/api/v1/documents/{id}", get(supervision::get_document))
        .route("/api/v1/documents/{id}/pdf", get(supervision::document_pdf))
        .route("/api/v1/units/{id}/credit", get(supervision::unit_credit))
        .route("/api/v1/supervision/due", get(supervision::units_due))
        .route(
            "/api/v1/supervision/settings",
            get(supervision::get_settings).put(supervision::put_settings),
        )
}

#[derive(OpenApi)]
#[openapi(
    info(title = "neibao API", version = "1", description = "智慧内保平台 JSON API。错误体为 {\"error\":{\"code\",\"message\"}}，message 为中文。认证：Authorization: Bearer <token>，或浏览器会话 Cookie（非 GET 请求需带 X-CSRF-Token）。"),
    paths(
        session::login, session::logout, session::me,
        meta::dashboard, meta::divisions, meta::organisations, meta::rules,
        units::list, units::create, units::get, units::update, units::list_key_areas, units::create_key_area, units::list_rules, units::set_rule, units::set_armed_schedule,
        devices::list, devices::create, devices::get,
        events::list, events::get, events::raw,
        alerts::list, alerts::get, alerts::acknowledge, alerts::resolve, alerts::false_positive, alerts::stats, alerts::get_escalation, alerts::put_escalation,
        security::change_password, security::totp_status, security::totp_begin, security::totp_confirm, security::totp_remove,
        security::list_tokens, security::create_token, security::revoke_token,
        security::reveal_person, security::lookup_persons, security::list_audit,
        security::retention, security::set_policy, security::create_hold, security::release_hold,
        security::get_settings, security::put_settings,
        supervision::list_checklists, supervision::get_checklist, supervision::add_checklist_version,
        supervision::list_campaigns, supervision::create_campaign, supervision::get_campaign,
        supervision::list_inspections, supervision::create_inspection, supervision::get_inspection,
        supervision::save_inspection, supervision::submit_inspection, supervision::inspection_evidence,
        supervision::list_hazards, supervision::create_hazard, supervision::get_hazard, supervision::act,
        supervision::hazard_evidence, supervision::get_attachment,
        supervision::list_documents, supervision::get_document, supervision::document_pdf,
        supervision::unit_credit, supervision::units_due, supervision::get_settings, supervision::put_settings,
        warning::list_rules, warning::create_rule, warning::update_rule, warning::rule_versions, warning::import, warning::backtest,
        warning::list_suppressions, warning::create_suppression, warning::end_suppression,
        warning::list_channels, warning::create_channel, warning::switch_channel, warning::deliveries,
        warning::inbox, warning::mark_read, warning::device_health,
    ),
    components(schemas(crate::error::ErrorBody, crate::ingest::IngestResponse)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

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

/// The OpenAPI 3.1 document of this API, generated from the handlers' annotations.
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

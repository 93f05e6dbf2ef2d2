//! PostgreSQL backend, for province-scale installations with several stateless nodes. Same
//! queries as the SQLite backend (`src/<capability>/sql.rs`), migrations from
//! `migrations/postgres/` (numbered like `migrations/sqlite/`) applied at connect.

#[path = "../accounts/sql.rs"]
mod accounts;
#[path = "../alarms/sql.rs"]
mod alarms;
#[path = "../alerts/write.rs"]
mod alert_write;
#[path = "../alerts/sql.rs"]
mod alerts;
#[path = "../assessment/sql.rs"]
mod assessment;
#[path = "../attachments/sql.rs"]
mod attachments;
#[path = "../audit/sql.rs"]
mod audit;
#[path = "../bulletins/sql.rs"]
mod bulletins;
#[path = "../sql/common.rs"]
mod common;
#[path = "../compliance/sql.rs"]
mod compliance;
#[path = "../credit/sql.rs"]
mod credit;
#[path = "../dashboard/sql.rs"]
mod dashboard;
mod db;
#[path = "../designations/sql.rs"]
mod designations;
#[path = "../devices/sql.rs"]
mod devices;
#[path = "../documents/sql.rs"]
mod documents;
#[path = "../drills/sql.rs"]
mod drills;
#[path = "../emergency_plans/sql.rs"]
mod emergency_plans;
#[path = "../enterprise_requests/sql.rs"]
mod enterprise_requests;
#[path = "../equipment/sql.rs"]
mod equipment;
#[path = "../events/write.rs"]
mod event_write;
#[path = "../events/sql.rs"]
mod events;
#[path = "../filings/sql.rs"]
mod filings;
#[path = "../honours/sql.rs"]
mod honours;
#[path = "../idempotency/sql.rs"]
mod idempotency;
#[path = "../imports/sql.rs"]
mod imports;
#[path = "../jobs/sql.rs"]
mod jobs;
#[path = "../liaison/sql.rs"]
mod liaison;
#[path = "../notifications/sql.rs"]
mod notifications;
#[path = "../organisations/sql.rs"]
mod organisations;
#[path = "../patrol/sql.rs"]
mod patrol;
#[path = "../privacy/sql.rs"]
mod privacy;
#[path = "../privacy/rotate.rs"]
mod privacy_rotate;
#[path = "../privacy/sealed.rs"]
mod privacy_sealed;
#[path = "../protection_levels/sql.rs"]
mod protection_levels;
#[path = "../registry/sql.rs"]
mod registry;
#[path = "../registry/divisions_sql.rs"]
mod registry_divisions;
#[path = "../registry/lifecycle_sql.rs"]
mod registry_lifecycle;
#[path = "../registry/persons_sql.rs"]
mod registry_persons;
#[path = "../reports/sql.rs"]
mod reports;
#[path = "../rollup/sql.rs"]
mod rollup;
#[path = "../rulebook/sql.rs"]
mod rulebook;
#[path = "../sql/scope.rs"]
mod scope;
#[path = "../security_staff/sql.rs"]
mod security_staff;
#[path = "../settings/sql.rs"]
mod settings;
mod store;
#[path = "../supervision/sql/mod.rs"]
mod supervision;
#[path = "../sql/unit_set.rs"]
mod unit_set;
#[path = "../universities/sql.rs"]
mod universities;
#[path = "../users/sql.rs"]
mod users;
#[path = "../video/sql.rs"]
mod video;
#[path = "../visitors/sql.rs"]
mod visitors;
#[path = "../warning/sql.rs"]
mod warning;
#[path = "../watchlists/sql.rs"]
mod watchlists;
#[path = "../wellbeing/sql.rs"]
mod wellbeing;

pub use store::PgStore;

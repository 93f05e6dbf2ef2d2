//! The one integration-test binary: real router on 127.0.0.1:0, real SQLite file.

mod alert_stats;
mod api_flow;
mod architecture;
mod authz;
mod authz_ui;
mod browser;
mod cli;
mod common;
mod connections;
mod contract;
mod free_text;
mod ingest;
mod logs;
mod migrate;
mod multinode;
mod privacy;
mod registry;
mod rules;
mod scope;
mod security;
mod supervision;
mod transports;
mod ui;
mod ui_warning;
mod warning;
mod wiring;

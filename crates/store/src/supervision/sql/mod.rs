//! SQL of supervision (compiled once per backend: see `crate::sqlite` and `crate::postgres`),
//! one file per repository; `rows.rs` reads rows into entities and `tx.rs` holds the inserts
//! that run inside another write's transaction (hazards, inspections, jobs, the audit entry).

mod campaigns;
mod checklists;
mod credit;
mod dispatch;
mod hazards;
mod inspections;
mod rows;
mod settings;
mod tx;

pub(crate) use rows::credit_from_row;
pub(crate) use tx::insert_hazard;

//! Supervision (REQUIREMENTS.md R20–R33, §b, §d): checklists, the hazard ladder, credit grades
//! and official documents. Pure logic; persistence is in the store.

pub mod checklist;
pub mod credit;
pub mod documents;
pub mod ladder;

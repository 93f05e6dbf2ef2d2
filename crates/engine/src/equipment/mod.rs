//! Protective equipment (防护器械, docs/EQUIPMENT.md; R35): a unit's posts and inventory, the
//! checks of the items (with an optional photo), the minimum sets per unit class and post kind,
//! and the flags raised to the unit — a post below its minimum, an expired item, an item checked
//! as damaged or missing — each with one notice (`flags.rs`, job `equipment.expiry`).

pub mod flags;
mod photos;
mod records;
mod service;

pub use service::{CheckDraft, EquipmentService, ItemDraft, PostDraft, StandardDraft};

//! Visitors, vehicles and goods at the gate (docs/VISITORS.md; R12(2), R87, R66, R74; Decree 421
//! Art 11): invitations filled in by the visitor on a phone (a public, rate-limited form), the
//! host's approval, check-in with the ID verified, check-out with the goods carried out and who
//! authorised them, walk-ins, the visitors still inside at closing time. A visit inside opens
//! suppression windows (reason `visit`) for the devices of its key areas. Visits are deleted by
//! the retention sweep after the unit's period (`crate::privacy`).

mod service;

pub use service::{InsideList, Invitation, InvitationDraft, VisitorDraft, VisitorService};

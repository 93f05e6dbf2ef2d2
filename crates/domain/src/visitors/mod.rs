//! Visitors, vehicles and goods at a unit's gate (访客、车辆、物品登记, docs/VISITORS.md; R12(2),
//! R87, R66, R74; Decree 421 Art 11: security staff check IDs and register the people, goods and
//! vehicles going in and out). A host invites a visitor, the visitor fills in the form on a phone
//! (the privacy notice of its purpose shown, consent recorded where consent is the basis), the
//! host approves, the guard checks the visitor in (the ID verified) and out; walk-ins are
//! registered at the gate. Records are kept for the unit's configured period (default 90 days).

mod identity;
mod records;

pub use identity::*;
pub use records::*;

//! 心防 (docs/WELLBEING.md; R36, R87, R88, R64): volunteer safety teams and education
//! activities of a unit, and crisis-intervention cases readable only by the counsellors named on
//! them and their reporter; police see counts, the unit's security head and the police station a
//! minimal escalation notice.

mod service;

pub use service::{CaseInput, CaseRef, EducationInput, FollowUpInput, TeamActivityInput, TeamInput, WellbeingService};

//! Every repository trait, for `use neibao_store::prelude::*;` (trait methods need their trait in
//! scope, also on `dyn Store`).

pub use crate::accounts::{ApiTokenRepo, LoginAttemptRepo, SecuritySettingsRepo, SessionRepo, UserRepo};
pub use crate::alarms::AlarmRepo;
pub use crate::alerts::{AlertRepo, EscalationPolicyRepo, RuleSettingRepo};
pub use crate::assessment::AssessmentRepo;
pub use crate::attachments::AttachmentRepo;
pub use crate::audit::AuditRepo;
pub use crate::bulletins::BulletinRepo;
pub use crate::compliance::ComplianceRepo;
pub use crate::credit::CreditEntryRepo;
pub use crate::dashboard::DashboardRepo;
pub use crate::designations::DesignationRepo;
pub use crate::devices::DeviceRepo;
pub use crate::documents::DocumentRepo;
pub use crate::drills::DrillRepo;
pub use crate::emergency_plans::EmergencyPlanRepo;
pub use crate::enterprise_requests::EnterpriseRequestRepo;
pub use crate::equipment::EquipmentRepo;
pub use crate::events::EventRepo;
pub use crate::filings::FilingRepo;
pub use crate::honours::HonoursRepo;
pub use crate::idempotency::IdempotencyRepo;
pub use crate::imports::ImportJobRepo;
pub use crate::jobs::JobRepo;
pub use crate::liaison::LiaisonRepo;
pub use crate::notifications::{ChannelRepo, InboxRepo, OutboxRepo};
pub use crate::organisations::OrgAdminRepo;
pub use crate::patrol::PatrolRepo;
pub use crate::privacy::{KeyRotationRepo, RetentionRepo, SealedTextRepo};
pub use crate::protection_levels::ProtectionLevelRepo;
pub use crate::registry::{DivisionRepo, LifecycleRepo, OrganisationRepo, PersonRepo, UnitRepo};
pub use crate::reports::ReportRepo;
pub use crate::rollup::RollupRepo;
pub use crate::rulebook::RulebookRepo;
pub use crate::security_staff::SecurityStaffRepo;
pub use crate::settings::SettingsRepo;
pub use crate::store::Store;
pub use crate::supervision::{
    BureauSettingsRepo, CampaignRepo, ChecklistRepo, CreditRepo, DispatchRepo, HazardRepo, InspectionRepo,
};
pub use crate::universities::UniversityRepo;
pub use crate::users::UserAdminRepo;
pub use crate::video::VideoRepo;
pub use crate::visitors::VisitRepo;
pub use crate::warning::{DataRuleRepo, SuppressionRepo};
pub use crate::watchlists::{PiaRepo, WatchlistRepo};
pub use crate::wellbeing::{CrisisCaseRepo, WellbeingRepo};

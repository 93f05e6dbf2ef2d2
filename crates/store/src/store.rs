//! [`Store`]: everything neibao persists, as the sum of one repository trait per aggregate.
//! Each capability declares its repositories in its own folder (`src/<capability>/mod.rs`) and
//! implements them for both backends in `src/<capability>/sql.rs`; this file lists them, one line
//! per capability.

use crate::accounts::{ApiTokenRepo, LoginAttemptRepo, SecuritySettingsRepo, SessionRepo, UserRepo};
use crate::alarms::AlarmRepo;
use crate::alerts::{AlertRepo, EscalationPolicyRepo, RuleSettingRepo};
use crate::assessment::AssessmentRepo;
use crate::attachments::AttachmentRepo;
use crate::audit::AuditRepo;
use crate::bulletins::BulletinRepo;
use crate::compliance::ComplianceRepo;
use crate::credit::CreditEntryRepo;
use crate::dashboard::DashboardRepo;
use crate::designations::DesignationRepo;
use crate::devices::DeviceRepo;
use crate::documents::DocumentRepo;
use crate::drills::DrillRepo;
use crate::emergency_plans::EmergencyPlanRepo;
use crate::enterprise_requests::EnterpriseRequestRepo;
use crate::equipment::EquipmentRepo;
use crate::events::EventRepo;
use crate::filings::FilingRepo;
use crate::honours::HonoursRepo;
use crate::idempotency::IdempotencyRepo;
use crate::imports::ImportJobRepo;
use crate::jobs::JobRepo;
use crate::liaison::LiaisonRepo;
use crate::notifications::{ChannelRepo, InboxRepo, OutboxRepo};
use crate::organisations::OrgAdminRepo;
use crate::patrol::PatrolRepo;
use crate::privacy::{KeyRotationRepo, RetentionRepo, SealedTextRepo};
use crate::protection_levels::ProtectionLevelRepo;
use crate::registry::{DivisionRepo, LifecycleRepo, OrganisationRepo, PersonRepo, UnitRepo};
use crate::reports::ReportRepo;
use crate::rollup::RollupRepo;
use crate::rulebook::RulebookRepo;
use crate::security_staff::SecurityStaffRepo;
use crate::settings::SettingsRepo;
use crate::supervision::{
    BureauSettingsRepo, CampaignRepo, ChecklistRepo, CreditRepo, DispatchRepo, HazardRepo, InspectionRepo,
};
use crate::universities::UniversityRepo;
use crate::users::UserAdminRepo;
use crate::video::VideoRepo;
use crate::visitors::VisitRepo;
use crate::warning::{DataRuleRepo, SuppressionRepo};
use crate::watchlists::{PiaRepo, WatchlistRepo};
use crate::wellbeing::{CrisisCaseRepo, WellbeingRepo};

/// Every repository of every capability. The web and engine layers hold an `Arc<dyn Store>`;
/// a backend implements each repository trait and gets `Store` for free.
pub trait Store:
    UserRepo
    + LoginAttemptRepo
    + SessionRepo
    + ApiTokenRepo
    + SecuritySettingsRepo
    + AlertRepo
    + EscalationPolicyRepo
    + RuleSettingRepo
    + AttachmentRepo
    + AuditRepo
    + DashboardRepo
    + DeviceRepo
    + DocumentRepo
    + EventRepo
    + IdempotencyRepo
    + ImportJobRepo
    + JobRepo
    + ChannelRepo
    + OutboxRepo
    + InboxRepo
    + RetentionRepo
    + KeyRotationRepo
    + SealedTextRepo
    + DivisionRepo
    + OrganisationRepo
    + UnitRepo
    + PersonRepo
    + LifecycleRepo
    + RulebookRepo
    + PatrolRepo
    + EmergencyPlanRepo
    + EquipmentRepo
    + DrillRepo
    + VisitRepo
    + ProtectionLevelRepo
    + SettingsRepo
    + ChecklistRepo
    + CampaignRepo
    + DispatchRepo
    + InspectionRepo
    + HazardRepo
    + CreditRepo
    + BureauSettingsRepo
    + DataRuleRepo
    + SuppressionRepo
    + UserAdminRepo
    + OrgAdminRepo
    + VideoRepo
    + SecurityStaffRepo
    + FilingRepo
    + DesignationRepo
    + AlarmRepo
    + BulletinRepo
    + ReportRepo
    + LiaisonRepo
    + EnterpriseRequestRepo
    + CreditEntryRepo
    + ComplianceRepo
    + RollupRepo
    + HonoursRepo
    + AssessmentRepo
    + WatchlistRepo
    + PiaRepo
    + UniversityRepo
    + WellbeingRepo
    + CrisisCaseRepo
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: UserRepo
        + LoginAttemptRepo
        + SessionRepo
        + ApiTokenRepo
        + SecuritySettingsRepo
        + AlertRepo
        + EscalationPolicyRepo
        + RuleSettingRepo
        + AttachmentRepo
        + AuditRepo
        + DashboardRepo
        + DeviceRepo
        + DocumentRepo
        + EventRepo
        + IdempotencyRepo
        + ImportJobRepo
        + JobRepo
        + ChannelRepo
        + OutboxRepo
        + InboxRepo
        + RetentionRepo
        + KeyRotationRepo
        + SealedTextRepo
        + DivisionRepo
        + OrganisationRepo
        + UnitRepo
        + PersonRepo
        + LifecycleRepo
        + RulebookRepo
        + PatrolRepo
        + EmergencyPlanRepo
        + EquipmentRepo
        + DrillRepo
        + VisitRepo
        + ProtectionLevelRepo
        + SettingsRepo
        + ChecklistRepo
        + CampaignRepo
        + DispatchRepo
        + InspectionRepo
        + HazardRepo
        + CreditRepo
        + BureauSettingsRepo
        + DataRuleRepo
        + SuppressionRepo
        + UserAdminRepo
        + OrgAdminRepo
        + VideoRepo
        + SecurityStaffRepo
        + FilingRepo
        + DesignationRepo
        + AlarmRepo
        + BulletinRepo
        + ReportRepo
        + LiaisonRepo
        + EnterpriseRequestRepo
        + CreditEntryRepo
        + ComplianceRepo
        + RollupRepo
        + HonoursRepo
        + AssessmentRepo
        + WatchlistRepo
        + PiaRepo
        + UniversityRepo
        + WellbeingRepo
        + CrisisCaseRepo
        + Send
        + Sync
        + 'static
{
}

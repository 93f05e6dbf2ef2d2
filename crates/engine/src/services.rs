//! [`Services`]: one service per capability, built from one [`Ctx`]; this file lists them,
//! one line each. The web layer holds an `Arc<Services>` and calls nothing else.

use std::sync::Arc;

use neibao_store::Store;

use crate::accounts::AccountService;
use crate::alarms::AlarmService;
use crate::alerts::AlertService;
use crate::assessment::AssessmentService;
use crate::attachments::AttachmentService;
use crate::audit::AuditService;
use crate::bulletins::BulletinService;
use crate::compliance::ComplianceService;
use crate::config::EngineConfig;
use crate::context::Ctx;
use crate::credit::CreditService;
use crate::dashboard::DashboardService;
use crate::designations::DesignationService;
use crate::devices::DeviceService;
use crate::documents::DocumentService;
use crate::drills::DrillService;
use crate::emergency_plans::EmergencyPlanService;
use crate::enterprise_requests::EnterpriseRequestService;
use crate::equipment::EquipmentService;
use crate::events::EventService;
use crate::filings::FilingService;
use crate::honours::HonoursService;
use crate::idempotency::IdempotencyService;
use crate::imports::ImportService;
use crate::intake::bus::EventBus;
use crate::intake::pipeline::Pipeline;
use crate::intake::IntakeService;
use crate::liaison::LiaisonService;
use crate::notifications::NotificationService;
use crate::organisations::OrganisationService;
use crate::patrol::PatrolService;
use crate::privacy::PrivacyService;
use crate::protection_levels::ProtectionLevelService;
use crate::registry::RegistryService;
use crate::reports::ReportService;
use crate::rollup::RollupService;
use crate::rulebook::RulebookService;
use crate::security_staff::SecurityStaffService;
use crate::setup::SetupService;
use crate::supervision::SupervisionService;
use crate::universities::UniversityService;
use crate::users::UserService;
use crate::video::VideoService;
use crate::visitors::VisitorService;
use crate::warning::WarningService;
use crate::watchlists::WatchlistService;
use crate::wellbeing::WellbeingService;

/// Every service of the platform.
#[derive(Clone)]
pub struct Services {
    ctx: Ctx,
    pub registry: RegistryService,
    pub devices: DeviceService,
    pub events: EventService,
    pub dashboard: DashboardService,
    pub intake: IntakeService,
    pub alerts: AlertService,
    pub warning: WarningService,
    pub notifications: NotificationService,
    pub supervision: SupervisionService,
    pub documents: DocumentService,
    pub attachments: AttachmentService,
    pub accounts: AccountService,
    pub privacy: PrivacyService,
    pub audit: AuditService,
    pub idempotency: IdempotencyService,
    pub users: UserService,
    pub setup: SetupService,
    pub imports: ImportService,
    pub organisations: OrganisationService,
    pub rulebook: RulebookService,
    pub video: VideoService,
    pub patrol: PatrolService,
    pub equipment: EquipmentService,
    pub drills: DrillService,
    pub visitors: VisitorService,
    pub security_staff: SecurityStaffService,
    pub filings: FilingService,
    pub designations: DesignationService,
    pub emergency_plans: EmergencyPlanService,
    pub protection_levels: ProtectionLevelService,
    pub alarms: AlarmService,
    pub bulletins: BulletinService,
    pub reports: ReportService,
    pub liaison: LiaisonService,
    pub enterprise_requests: EnterpriseRequestService,
    pub compliance: ComplianceService,
    pub credit: CreditService,
    pub rollup: RollupService,
    pub honours: HonoursService,
    pub assessment: AssessmentService,
    pub watchlists: WatchlistService,
    pub universities: UniversityService,
    pub wellbeing: WellbeingService,
}

impl Services {
    /// The services over `store`, with device payloads going to `bus` and rules run by `pipeline`.
    pub fn new(store: Arc<dyn Store>, bus: EventBus, pipeline: Pipeline, config: EngineConfig) -> Services {
        let ctx = Ctx {
            store,
            pipeline,
            bus,
            config: Arc::new(config),
        };
        // One filings service, shared by the capabilities that open filings (guards, video).
        let filings = FilingService::new(ctx.clone());
        Services {
            registry: RegistryService::new(ctx.clone()),
            devices: DeviceService::new(ctx.clone()),
            events: EventService::new(ctx.clone()),
            dashboard: DashboardService::new(ctx.clone()),
            intake: IntakeService::new(ctx.clone()),
            alerts: AlertService::new(ctx.clone()),
            warning: WarningService::new(ctx.clone()),
            notifications: NotificationService::new(ctx.clone()),
            supervision: SupervisionService::new(ctx.clone()),
            documents: DocumentService::new(ctx.clone()),
            attachments: AttachmentService::new(ctx.clone()),
            accounts: AccountService::new(ctx.clone()),
            privacy: PrivacyService::new(ctx.clone()),
            audit: AuditService::new(ctx.clone()),
            idempotency: IdempotencyService::new(ctx.clone()),
            users: UserService::new(ctx.clone()),
            setup: SetupService::new(ctx.clone()),
            imports: ImportService::new(ctx.clone()),
            organisations: OrganisationService::new(ctx.clone()),
            rulebook: RulebookService::new(ctx.clone()),
            video: VideoService::new(ctx.clone(), filings.clone()),
            patrol: PatrolService::new(ctx.clone()),
            equipment: EquipmentService::new(ctx.clone()),
            drills: DrillService::new(ctx.clone()),
            visitors: VisitorService::new(ctx.clone()),
            security_staff: SecurityStaffService::new(ctx.clone(), filings.clone()),
            filings,
            designations: DesignationService::new(ctx.clone()),
            emergency_plans: EmergencyPlanService::new(ctx.clone()),
            protection_levels: ProtectionLevelService::new(ctx.clone()),
            alarms: AlarmService::new(ctx.clone()),
            bulletins: BulletinService::new(ctx.clone()),
            reports: ReportService::new(ctx.clone()),
            liaison: LiaisonService::new(ctx.clone()),
            enterprise_requests: EnterpriseRequestService::new(ctx.clone()),
            compliance: ComplianceService::new(ctx.clone()),
            credit: CreditService::new(ctx.clone()),
            rollup: RollupService::new(ctx.clone()),
            honours: HonoursService::new(ctx.clone()),
            assessment: AssessmentService::new(ctx.clone()),
            watchlists: WatchlistService::new(ctx.clone()),
            universities: UniversityService::new(ctx.clone()),
            wellbeing: WellbeingService::new(ctx.clone()),
            ctx,
        }
    }

    /// The store, for the application's background work (scheduler, outbox, sweeps) and the
    /// command line's maintenance; handlers call the services.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.ctx.store
    }

    /// The rule pipeline of this process.
    pub fn pipeline(&self) -> &Pipeline {
        &self.ctx.pipeline
    }

    /// The event bus of this process.
    pub fn bus(&self) -> &EventBus {
        &self.ctx.bus
    }

    /// The engine settings.
    pub fn config(&self) -> &EngineConfig {
        &self.ctx.config
    }
}

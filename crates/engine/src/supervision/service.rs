//! [`SupervisionService`]: what the web layer calls for supervision. Each method takes the
//! caller's principal, is traced with ids only, and runs the function of its file with the
//! store of the service's context.

use chrono::{NaiveDate, Utc};
use neibao_domain::access::Principal;
use neibao_domain::attachments::{Attachment, AttachmentOwner, Upload};
use neibao_domain::paging::{Listing, Page};
use neibao_domain::supervision::dispatch::Officer;
use neibao_domain::supervision::{
    Campaign, CampaignDetail, ChecklistVersion, Hazard, HazardFilter, HazardStep, Inspection, InspectionFilter,
    InspectionRecord, ItemOutcome, SupervisionSettings,
};
use neibao_store::Store;

use super::campaigns::{self, CampaignInput};
use super::checklists::{self, ChecklistInput};
use super::credit::{self, CreditSummary, DueUnit};
use super::dispatch::{self, AssignAllInput, AssignResult, AssigneeInput, HandOutInput, HandOutResult};
use super::evidence;
use super::hazards::{self, HazardDetail, HazardForm, HazardInput};
use super::inspections::{self, InspectionDetail, Submitted};
use super::ladder::{self, ActInput};
use super::settings::{self, SettingsView};
use crate::context::Ctx;
use crate::error::ServiceResult;

/// Supervision: checklists, campaigns, inspections, hazards and the ladder, credit, settings.
#[derive(Clone)]
pub struct SupervisionService {
    pub(crate) ctx: Ctx,
}

impl SupervisionService {
    pub fn new(ctx: Ctx) -> SupervisionService {
        SupervisionService { ctx }
    }

    fn store(&self) -> &dyn Store {
        self.ctx.store.as_ref()
    }

    // ---------------------------------------------------------------- settings

    /// The caller's bureau settings (defaults where none are stored); everyone signed in.
    #[tracing::instrument(skip_all)]
    pub async fn settings(&self, who: &Principal) -> ServiceResult<SupervisionSettings> {
        settings::settings(self.store(), who.org_id.as_deref()).await
    }

    /// The settings page's view (`SupervisionSettingsRead`).
    #[tracing::instrument(skip_all)]
    pub async fn settings_view(&self, who: &Principal) -> ServiceResult<SettingsView> {
        settings::settings_view(self.store(), who).await
    }

    /// Replaces the caller's bureau settings (`BureauSettingsConfigure`).
    #[tracing::instrument(skip_all, fields(org = who.org_id.as_deref().unwrap_or("")))]
    pub async fn save_settings(&self, who: &Principal, s: &SupervisionSettings) -> ServiceResult<SupervisionSettings> {
        settings::save_settings(self.store(), who, s, Utc::now()).await
    }

    // ---------------------------------------------------------------- checklists

    /// Every checklist version (reference data, the same for everyone signed in).
    #[tracing::instrument(skip_all)]
    pub async fn checklists(&self, _who: &Principal) -> ServiceResult<Vec<ChecklistVersion>> {
        Ok(self.store().list_checklists().await?)
    }

    /// One checklist version.
    #[tracing::instrument(skip_all, fields(checklist = %id))]
    pub async fn checklist(&self, _who: &Principal, id: &str) -> ServiceResult<ChecklistVersion> {
        Ok(self.store().get_checklist(id).await?)
    }

    /// The newest version of a variant (by its code).
    #[tracing::instrument(skip_all, fields(variant = %variant))]
    pub async fn latest_checklist(&self, _who: &Principal, variant: &str) -> ServiceResult<ChecklistVersion> {
        checklists::latest(self.store(), variant).await
    }

    /// Publishes a new version of a variant (`ChecklistEdit`).
    #[tracing::instrument(skip_all, fields(variant = %variant))]
    pub async fn publish_checklist(
        &self,
        who: &Principal,
        variant: &str,
        input: ChecklistInput,
    ) -> ServiceResult<ChecklistVersion> {
        checklists::publish(self.store(), who, variant, input, Utc::now()).await
    }

    // ---------------------------------------------------------------- campaigns

    #[tracing::instrument(skip_all)]
    pub async fn campaigns(&self, who: &Principal, page: Page) -> ServiceResult<Listing<Campaign>> {
        campaigns::list(self.store(), who, page, Utc::now()).await
    }

    /// One campaign with its progress per organisation.
    #[tracing::instrument(skip_all, fields(campaign = %id))]
    pub async fn campaign(&self, who: &Principal, id: &str) -> ServiceResult<CampaignDetail> {
        campaigns::get(self.store(), who, id, Utc::now()).await
    }

    /// A campaign (with its progress per organisation) and one page of its inspections.
    #[tracing::instrument(skip_all, fields(campaign = %id))]
    pub async fn campaign_with_inspections(
        &self,
        who: &Principal,
        id: &str,
        page: Page,
    ) -> ServiceResult<(CampaignDetail, Listing<Inspection>)> {
        campaigns::with_inspections(self.store(), who, id, page, Utc::now()).await
    }

    /// Hands an organisation's unassigned inspections of a campaign to its direct subordinates
    /// (`InspectionDispatch`).
    #[tracing::instrument(skip_all, fields(campaign = %id))]
    pub async fn hand_out(&self, who: &Principal, id: &str, input: HandOutInput) -> ServiceResult<HandOutResult> {
        dispatch::hand_out(self.store(), who, id, input, Utc::now()).await
    }

    /// Assigns one inspection to an officer of the organisation holding it (`InspectionDispatch`).
    #[tracing::instrument(skip_all, fields(inspection = %id))]
    pub async fn assign_inspection(
        &self,
        who: &Principal,
        id: &str,
        input: AssigneeInput,
    ) -> ServiceResult<Inspection> {
        dispatch::assign_one(self.store(), who, id, input, Utc::now()).await
    }

    /// Assigns an organisation's unassigned inspections of a campaign to one of its officers
    /// (`InspectionDispatch`).
    #[tracing::instrument(skip_all, fields(campaign = %id))]
    pub async fn assign_campaign(
        &self,
        who: &Principal,
        id: &str,
        input: AssignAllInput,
    ) -> ServiceResult<AssignResult> {
        dispatch::assign_all(self.store(), who, id, input, Utc::now()).await
    }

    /// Of these organisations, those the caller may hand out and assign for, with their active
    /// officers (for the campaign page's forms).
    #[tracing::instrument(skip_all)]
    pub async fn dispatch_options(
        &self,
        who: &Principal,
        org_ids: &[String],
    ) -> ServiceResult<(std::collections::HashSet<String>, Vec<Officer>)> {
        let mine = dispatch::dispatchable(self.store(), who).await?;
        let may: Vec<String> = org_ids.iter().filter(|o| mine.contains(*o)).cloned().collect();
        let officers = if may.is_empty() {
            Vec::new()
        } else {
            dispatch::officers(self.store(), &may).await?
        };
        Ok((may.into_iter().collect(), officers))
    }

    /// Launches a campaign (`CampaignLaunch`).
    #[tracing::instrument(skip_all)]
    pub async fn launch_campaign(&self, who: &Principal, input: CampaignInput) -> ServiceResult<Campaign> {
        campaigns::launch(self.store(), who, input, Utc::now()).await
    }

    // ---------------------------------------------------------------- inspections

    #[tracing::instrument(skip_all)]
    pub async fn inspections(
        &self,
        who: &Principal,
        filter: InspectionFilter,
        mine: bool,
        page: Page,
    ) -> ServiceResult<Listing<Inspection>> {
        inspections::list(self.store(), who, filter, mine, page).await
    }

    #[tracing::instrument(skip_all, fields(inspection = %id))]
    pub async fn inspection(&self, who: &Principal, id: &str) -> ServiceResult<Inspection> {
        inspections::get(self.store(), who, id).await
    }

    #[tracing::instrument(skip_all, fields(inspection = %id))]
    pub async fn inspection_detail(&self, who: &Principal, id: &str) -> ServiceResult<InspectionDetail> {
        inspections::detail(self.store(), who, id).await
    }

    /// Starts an inspection of a unit (`Inspect`).
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn start_inspection(
        &self,
        who: &Principal,
        unit_id: &str,
        due_date: Option<NaiveDate>,
    ) -> ServiceResult<Inspection> {
        inspections::start(self.store(), who, unit_id, due_date, Utc::now()).await
    }

    /// Saves a draft (`Inspect`, the caller's kind of inspection).
    #[tracing::instrument(skip_all, fields(inspection = %id))]
    pub async fn save_inspection(
        &self,
        who: &Principal,
        id: &str,
        record: &InspectionRecord,
        results: &[ItemOutcome],
    ) -> ServiceResult<Inspection> {
        inspections::save(self.store(), who, id, record, results, Utc::now()).await
    }

    /// Submits an inspection once (`Inspect`, the caller's kind of inspection).
    #[tracing::instrument(skip_all, fields(inspection = %id))]
    pub async fn submit_inspection(
        &self,
        who: &Principal,
        id: &str,
        record: &InspectionRecord,
        results: &[ItemOutcome],
    ) -> ServiceResult<Submitted> {
        inspections::submit(self.store(), who, id, record, results, Utc::now()).await
    }

    // ---------------------------------------------------------------- hazards

    #[tracing::instrument(skip_all)]
    pub async fn hazards(&self, who: &Principal, filter: &HazardFilter, page: Page) -> ServiceResult<Listing<Hazard>> {
        hazards::list(self.store(), who, filter, page).await
    }

    #[tracing::instrument(skip_all, fields(hazard = %id))]
    pub async fn hazard_detail(&self, who: &Principal, id: &str) -> ServiceResult<HazardDetail> {
        hazards::detail(self.store(), who, id, Utc::now()).await
    }

    /// Records a hazard (`Inspect`).
    #[tracing::instrument(skip_all, fields(unit = %input.unit_id))]
    pub async fn report_hazard(&self, who: &Principal, input: HazardInput) -> ServiceResult<Hazard> {
        hazards::report(self.store(), who, input, Utc::now()).await
    }

    /// The new-hazard form of a unit, or of an alert's unit (`Inspect`).
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn hazard_form(
        &self,
        who: &Principal,
        unit_id: &str,
        alert_id: Option<&str>,
    ) -> ServiceResult<HazardForm> {
        hazards::form(self.store(), who, unit_id, alert_id).await
    }

    /// The name of a unit in scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn unit_name(&self, who: &Principal, unit_id: &str) -> ServiceResult<String> {
        hazards::unit_name(self.store(), who, unit_id).await
    }

    /// One ladder action (`HazardAct`; the ladder decides the rest).
    #[tracing::instrument(skip_all, fields(hazard = %id, action = input.action.code()))]
    pub async fn act(&self, who: &Principal, id: &str, input: ActInput) -> ServiceResult<(Hazard, HazardStep)> {
        ladder::act(self.store(), who, id, input, Utc::now()).await
    }

    // ---------------------------------------------------------------- evidence

    /// Whether the caller may add evidence to the object (checked before the upload is read).
    #[tracing::instrument(skip_all, fields(owner = owner.code(), id = %id))]
    pub async fn check_evidence_target(&self, who: &Principal, owner: AttachmentOwner, id: &str) -> ServiceResult<()> {
        evidence::check_target(self.store(), who, owner, id).await.map(|_| ())
    }

    /// Stores an evidence file (`Inspect`).
    #[tracing::instrument(skip_all, fields(owner = owner.code(), id = %id))]
    pub async fn add_evidence(
        &self,
        who: &Principal,
        owner: AttachmentOwner,
        id: &str,
        upload: Upload,
    ) -> ServiceResult<Attachment> {
        evidence::add(self.store(), who, owner, id, upload, Utc::now()).await
    }

    // ---------------------------------------------------------------- credit

    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn credit(&self, who: &Principal, unit_id: &str) -> ServiceResult<CreditSummary> {
        credit::summary(self.store(), who, unit_id, Utc::now()).await
    }

    /// One page of the units due for inspection, with their total.
    #[tracing::instrument(skip_all)]
    pub async fn units_due_page(&self, who: &Principal, page: Page) -> ServiceResult<Listing<DueUnit>> {
        credit::units_due_page(self.store(), who, Utc::now(), page).await
    }
}

//! [`PrivacyService`]: purpose-logged reads of personal data (a responsible person in full, a
//! look-up by ID number through the blind index), retention policies, legal holds, and the
//! re-encryption of a key rotation. Security-sensitive: a read is written to the audit log
//! before its data is returned (no audit row, no data).

use std::collections::HashMap;

use chrono::Utc;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::paging::{Listing, Page};
use neibao_domain::privacy::{
    check_purpose, free_text_fields_of, DataClass, DeletionRecord, LegalHold, LegalHoldDraft, ReencryptReport,
    RetentionPolicy, RevealedText,
};
use neibao_domain::registry::{PersonMatch, RevealedPerson, UnitFilter};
use neibao_domain::validate::CitizenId;

use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};

/// Privacy: purpose-logged reads of personal data, retention, legal holds.
#[derive(Clone)]
pub struct PrivacyService {
    pub(crate) ctx: Ctx,
}

/// Retention policies, legal holds in the caller's jurisdiction, and the latest deletions.
#[derive(Debug, Clone)]
pub struct RetentionOverview {
    pub policies: Vec<RetentionPolicy>,
    pub holds: Vec<LegalHold>,
    pub deletions: Listing<DeletionRecord>,
}

/// Where a purpose-logged read comes from (written into the audit row's detail).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Api,
    Ui,
}

impl Via {
    fn code(self) -> &'static str {
        match self {
            Via::Api => "api",
            Via::Ui => "ui",
        }
    }
}

impl PrivacyService {
    pub fn new(ctx: Ctx) -> PrivacyService {
        PrivacyService { ctx }
    }

    /// A responsible person's plaintext ID number and phone, for a stated purpose; the read is
    /// written to the audit log (who, what, why, when) before the answer. With `unit_id`, the
    /// person must belong to that unit.
    ///
    /// Errors: `forbidden` (403) without `person.reveal`; `purpose_required` (400);
    /// `not_found` (404) outside the scope.
    #[tracing::instrument(skip_all, fields(user = %who.user_id, person = %person_id))]
    pub async fn reveal_person(
        &self,
        who: &Principal,
        unit_id: Option<&str>,
        person_id: &str,
        purpose: Option<&str>,
        via: Via,
    ) -> ServiceResult<RevealedPerson> {
        who.require(Permission::PersonReveal)?;
        let purpose = check_purpose(purpose)?;
        let person = self.ctx.store.reveal_person(&who.scope, person_id).await?;
        if unit_id.is_some_and(|u| u != person.unit_id) {
            return Err(ServiceError::not_found());
        }
        let fields = [
            person.citizen_id.as_ref().map(|_| "citizen_id"),
            person.phone.as_ref().map(|_| "phone"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(",");
        let mut audit = who.audit(
            "person.reveal",
            "responsible_persons",
            &person.person_id,
            Some(&person.unit_id),
        );
        audit.purpose = purpose;
        audit.detail = format!("{}:{fields}", via.code());
        self.ctx.store.append_audit(&audit, Utc::now()).await?;
        Ok(person)
    }

    /// The plaintext of the personal data masked in an object's free texts (an event's device
    /// texts, an alert's comments, a hazard's title and description, a hazard step's reason, an
    /// inspection's record and results, a suppression note, a legal-hold reason, a key-area
    /// description, a unit's address, a campaign's title and description, an attachment's file
    /// name: the `object` is the table
    /// named in `neibao_domain::privacy::FREE_TEXT_FIELDS`), for a stated purpose; the read is
    /// audited (`free_text.reveal`, the purpose and the fields) before the answer. Only fields in
    /// which something was masked are returned. Same roles as a person reveal.
    ///
    /// Errors: `forbidden` (403) without `person.reveal`; `purpose_required` (400);
    /// `not_found` (404) for an unknown object kind or id, or outside the scope.
    #[tracing::instrument(skip_all, fields(user = %who.user_id, object = %object, id = %id))]
    pub async fn reveal_free_text(
        &self,
        who: &Principal,
        object: &str,
        id: &str,
        purpose: Option<&str>,
        via: Via,
    ) -> ServiceResult<RevealedText> {
        if object == "reports" {
            return self.reveal_report(who, id, purpose, via).await;
        }
        who.require(Permission::PersonReveal)?;
        let purpose = check_purpose(purpose)?;
        if free_text_fields_of(object).next().is_none() {
            return Err(ServiceError::not_found());
        }
        let texts = self.ctx.store.sealed_texts(&who.scope, object, id).await?;
        let fields = texts.fields.keys().cloned().collect::<Vec<_>>().join(",");
        let mut audit = who.audit("free_text.reveal", object, id, texts.unit_id.as_deref());
        audit.purpose = purpose;
        audit.detail = format!("{}:{fields}", via.code());
        self.ctx.store.append_audit(&audit, Utc::now()).await?;
        Ok(texts)
    }

    /// Checks that the caller may reveal the free texts of `object` `id` (the reveal page's form,
    /// before a purpose is given): `person.reveal`, a known object kind, the object in the
    /// caller's jurisdiction. Nothing is decrypted or audited.
    ///
    /// Errors: `forbidden` (403); `not_found` (404) for an unknown kind or id, or outside the scope.
    pub async fn check_free_text_object(&self, who: &Principal, object: &str, id: &str) -> ServiceResult<()> {
        who.require(Permission::PersonReveal)?;
        if object == "reports" {
            who.require(Permission::ReportHandle)?;
            return match self.ctx.store.report(&who.scope, id).await? {
                Some(_) => Ok(()),
                None => Err(ServiceError::not_found()),
            };
        }
        Ok(self.ctx.store.sealed_object_in_scope(&who.scope, object, id).await?)
    }

    /// The plaintext of what a report's answers mask (docs/REPORTS.md "Sensitive data"): its
    /// people involved (`people`, a JSON array of name, role, ID number and phone) and a public
    /// reporter's contact (`contact`), each only when stored, for a stated purpose; the read is
    /// audited (`person.reveal`, object `reports`, the purpose and the fields) before the answer.
    /// Police who handle reports (`person.reveal` and `report.handle`: the station the report
    /// was routed to and the bureaus above it), never the unit's accounts or a department.
    ///
    /// Errors: `forbidden` (403); `purpose_required` (400); `not_found` (404) outside the scope.
    async fn reveal_report(
        &self,
        who: &Principal,
        id: &str,
        purpose: Option<&str>,
        via: Via,
    ) -> ServiceResult<RevealedText> {
        who.require(Permission::PersonReveal)?;
        who.require(Permission::ReportHandle)?;
        let purpose = check_purpose(purpose)?;
        let r = self
            .ctx
            .store
            .report(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)?;
        let mut out = RevealedText {
            object: "reports".into(),
            id: r.id.clone(),
            unit_id: r.unit_id.clone(),
            fields: Default::default(),
        };
        if !r.people.is_empty() {
            out.fields.insert(
                "people".into(),
                serde_json::to_string(&r.people).map_err(anyhow::Error::from)?,
            );
        }
        if !r.contact.is_empty() {
            out.fields.insert("contact".into(), r.contact.clone());
        }
        let fields = out.fields.keys().cloned().collect::<Vec<_>>().join(",");
        let mut audit = who.audit("person.reveal", "reports", &r.id, r.unit_id.as_deref());
        audit.purpose = purpose;
        audit.detail = format!("{}:{fields}", via.code());
        self.ctx.store.append_audit(&audit, Utc::now()).await?;
        Ok(out)
    }

    /// Seals the free texts written before their field went through the masking mechanism (an
    /// installation upgraded from before it, or a field added later): see
    /// `SealedTextRepo::backfill_free_text`. Run by the server at start, in the background;
    /// returns `"<table>.<column>"` and the rows sealed of each field back-filled now (empty when
    /// every field was back-filled before).
    ///
    /// Errors: the database.
    pub async fn backfill_free_text(&self) -> ServiceResult<Vec<(String, u64)>> {
        Ok(self.ctx.store.backfill_free_text(Utc::now()).await?)
    }

    /// The responsible persons in the caller's jurisdiction with this exact ID number, found by
    /// its blind index (no other row is decrypted); audited with the purpose and the masked
    /// number before the answer.
    ///
    /// Errors: `forbidden` (403) without `person.lookup`; `purpose_required` (400);
    /// `invalid_citizen_id` (400).
    #[tracing::instrument(skip_all, fields(user = %who.user_id))]
    pub async fn lookup_persons(
        &self,
        who: &Principal,
        citizen_id: &str,
        purpose: Option<&str>,
        via: Via,
    ) -> ServiceResult<Vec<PersonMatch>> {
        who.require(Permission::PersonLookup)?;
        let purpose = check_purpose(purpose)?;
        let id = CitizenId::parse(citizen_id, Utc::now().date_naive())?.into_sensitive();
        let found = self
            .ctx
            .store
            .find_persons_by_citizen_id(&who.scope, id.expose())
            .await?;
        let mut audit = who.audit("person.lookup", "responsible_persons", &id.masked(), None);
        audit.purpose = purpose;
        audit.detail = format!("{}:matches={}", via.code(), found.len());
        self.ctx.store.append_audit(&audit, Utc::now()).await?;
        Ok(found)
    }

    /// Retention policies, the legal holds in the caller's jurisdiction (released ones too),
    /// and the latest 50 deletions.
    ///
    /// Errors: `forbidden` (403) without `retention.read`.
    #[tracing::instrument(skip_all, fields(user = %who.user_id))]
    pub async fn retention_overview(&self, who: &Principal) -> ServiceResult<RetentionOverview> {
        who.require(Permission::RetentionRead)?;
        let store = &self.ctx.store;
        Ok(RetentionOverview {
            policies: store.retention_policies().await?,
            holds: store.list_legal_holds(&who.scope, true).await?,
            deletions: store.list_deletions(Page::new(Some(1), Some(50))).await?,
        })
    }

    /// Sets the maximum retention of a data class (`class` is its code). Refused below the
    /// legal minimum (docs/REQUIREMENTS.md R54, R43, R68).
    ///
    /// Errors: `forbidden` (403) without `retention.configure`; `validation_failed` (400) for an
    /// unknown class or a maximum out of range.
    #[tracing::instrument(skip_all, fields(user = %who.user_id, class = %class))]
    pub async fn set_retention_policy(&self, who: &Principal, class: &str, max_days: i64) -> ServiceResult<()> {
        who.require(Permission::RetentionConfigure)?;
        let class = DataClass::from_code(class).ok_or_else(|| ServiceError::invalid("未知的数据类别"))?;
        class.check_max_days(max_days)?;
        let mut audit = who.audit("retention_policy.update", "retention_policies", class.code(), None);
        audit.detail = format!("max_days={max_days}");
        self.ctx
            .store
            .set_retention_policy(class, max_days, &who.username, &audit, Utc::now())
            .await?;
        Ok(())
    }

    /// Places a legal hold: nothing of the unit (of the class) is deleted until it is released.
    /// The unit is named by its id or its USCC and must be in the caller's jurisdiction.
    ///
    /// Errors: `forbidden` (403) without `legal_hold.manage`; `validation_failed` (400);
    /// `not_found` (404) for a unit outside the jurisdiction.
    #[tracing::instrument(skip_all, fields(user = %who.user_id))]
    pub async fn create_hold(&self, who: &Principal, draft: LegalHoldDraft) -> ServiceResult<LegalHold> {
        who.require(Permission::LegalHoldManage)?;
        let draft = draft.validated()?;
        let unit_id = self.resolve_unit(who, &draft.unit).await?;
        let hold = LegalHold {
            id: neibao_domain::ids::new_id(),
            case_no: draft.case_no,
            unit_id,
            data_class: draft.data_class,
            reason: draft.reason,
            created_by: who.username.clone(),
            created_at: Utc::now().timestamp_millis(),
            released_at: None,
            released_by: None,
        };
        let mut audit = who.audit("legal_hold.create", "legal_holds", "", Some(&hold.unit_id));
        audit.detail = format!("data_class={}", hold.data_class.map_or("all", DataClass::code));
        Ok(self
            .ctx
            .store
            .create_legal_hold(&who.scope, &hold, &audit, Utc::now())
            .await?)
    }

    /// The id of the unit named by its USCC (18 characters) or its id, within the caller's
    /// scope.
    async fn resolve_unit(&self, who: &Principal, s: &str) -> ServiceResult<String> {
        let not_found = || ServiceError::refused(neibao_domain::error::ErrorCode::NotFound, "辖区内没有找到该单位");
        if s.chars().count() == 18 {
            let uscc = s.to_ascii_uppercase();
            let filter = UnitFilter {
                q: Some(uscc.clone()),
                // Closed (注销) units keep their personal data until their retention ends.
                state: neibao_domain::registry::StateFilter::All,
                ..Default::default()
            };
            let list = self
                .ctx
                .store
                .list_units(&who.scope, &filter, Page::new(Some(1), Some(2)))
                .await?;
            return list
                .items
                .into_iter()
                .find(|unit| unit.uscc == uscc)
                .map(|unit| unit.id)
                .ok_or_else(not_found);
        }
        match self.ctx.store.get_unit(&who.scope, s).await {
            Ok(unit) => Ok(unit.id),
            Err(neibao_store::StoreError::NotFound) => Err(not_found()),
            Err(e) => Err(e.into()),
        }
    }

    /// Releases a legal hold on a unit in the caller's jurisdiction.
    ///
    /// Errors: `forbidden` (403) without `legal_hold.manage`; `not_found` (404);
    /// `invalid_transition` (409) when it was released already.
    #[tracing::instrument(skip_all, fields(user = %who.user_id, hold = %id))]
    pub async fn release_hold(&self, who: &Principal, id: &str) -> ServiceResult<LegalHold> {
        who.require(Permission::LegalHoldManage)?;
        let audit = who.audit("legal_hold.release", "legal_holds", id, None);
        Ok(self
            .ctx
            .store
            .release_legal_hold(&who.scope, id, &who.username, &audit, Utc::now())
            .await?)
    }

    /// Names of the units with these ids that the principal may see (the others keep their id).
    #[tracing::instrument(skip_all, fields(user = %who.user_id))]
    pub async fn unit_names(
        &self,
        who: &Principal,
        ids: impl IntoIterator<Item = String>,
    ) -> ServiceResult<HashMap<String, String>> {
        crate::audit::unit_names(self.ctx.store.as_ref(), &who.scope, ids).await
    }

    /// Deletes what is past its retention as of `now` (legal holds respected), each deletion
    /// audited in its transaction (the scheduler's daily `retention.sweep`).
    ///
    /// Errors: `forbidden` (403) without `retention.configure`.
    #[tracing::instrument(skip_all)]
    pub async fn sweep_retention(
        &self,
        who: &Principal,
        now: chrono::DateTime<Utc>,
    ) -> ServiceResult<Vec<DeletionRecord>> {
        who.require(Permission::RetentionConfigure)?;
        Ok(super::retention::sweep(self.ctx.store.as_ref(), who, now).await?)
    }

    /// Re-encrypts every encrypted value under the current key and fills missing blind indexes
    /// (`neibao keys rotate`, after the new key was made current).
    ///
    /// Errors: `forbidden` (403) without `security.settings.configure`.
    #[tracing::instrument(skip_all)]
    pub async fn reencrypt_all(&self, who: &Principal) -> ServiceResult<ReencryptReport> {
        who.require(Permission::SecuritySettingsConfigure)?;
        Ok(self.ctx.store.reencrypt_all().await?)
    }

    /// Records a finished key rotation (`keys.rotate`) with what was re-encrypted.
    #[tracing::instrument(skip_all, fields(key = %key_id))]
    pub async fn record_key_rotation(
        &self,
        who: &Principal,
        key_id: &str,
        report: &ReencryptReport,
    ) -> ServiceResult<()> {
        who.require(Permission::SecuritySettingsConfigure)?;
        let mut audit = who.audit("keys.rotate", "keys", key_id, None);
        audit.detail = serde_json::to_string(report).map_err(anyhow::Error::from)?;
        self.ctx.store.append_audit(&audit, Utc::now()).await?;
        Ok(())
    }
}

//! [`VideoService`]: a unit's public-security video system (docs/VIDEO.md).
//!
//! Who may do what: everyone reads the video records of the units in their scope (police,
//! departments and administrators those of their jurisdiction, a unit's accounts their own),
//! except the retrieval log, read by police in their jurisdiction, administrators and the unit's
//! manager ([`Permission::VideoRetrievalRead`]); the unit's manager (and administrators) record
//! the system and its signage ([`Permission::VideoManage`]); the unit's manager and guards
//! record retrievals ([`Permission::VideoRetrievalRecord`]). A unit outside the scope is not
//! found.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::attachments::{
    check_size, clean_file_name, sniff_image, Attachment, AttachmentOwner, NewAttachment, Upload,
};
use neibao_domain::devices::DEVICE_KINDS;
use neibao_domain::filings::{FilingKind, FilingStatus};
use neibao_domain::paging::{Listing, Page};
use neibao_domain::text::checked_text;
use neibao_domain::video::*;

use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::filings::FilingService;

/// Longest storage period accepted (days): ten years.
pub const MAX_STORAGE_DAYS: i64 = 3650;

/// The unit's video-system record as sent, with the version the caller saw (0 before the first
/// record).
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct SystemDraft {
    #[schema(minimum = 0)]
    pub version: i64,
    /// 投入使用日期 (Beijing date, not after today); absent, null or empty: not recorded.
    #[serde(default, deserialize_with = "neibao_domain::json::opt_date")]
    pub commissioned_on: Option<NaiveDate>,
    /// 存储期限 in days, 30–3650 (S7 Art 17, R54); absent or null: not recorded.
    #[serde(default)]
    #[schema(minimum = 30, maximum = 3650)]
    pub storage_days: Option<i64>,
}

/// A signage group to add.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct GroupDraft {
    /// 分组名称 (e.g. 东门), 1–50 characters, unique within the unit.
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    /// Ids of the unit's cameras in the group (at most 200).
    #[serde(default)]
    pub camera_ids: Vec<String>,
}

/// A check of a group's sign.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct CheckDraft {
    /// 检查日期 (Beijing date, not after today).
    pub checked_on: NaiveDate,
    /// 检查人, 1–50 characters.
    #[schema(min_length = 1, max_length = 50)]
    pub checked_by: String,
    /// Whether the sign is present and conspicuous (default true).
    #[serde(default = "yes")]
    pub present: bool,
    /// At most 200 characters.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub note: String,
}

fn yes() -> bool {
    true
}

/// A footage retrieval to record (R53).
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct RetrievalDraft {
    /// `view` (查看) or `export` (导出).
    #[schema(pattern = "^(view|export)$")]
    pub action: String,
    /// 调阅事由, 1–200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub reason: String,
    /// The unit's cameras retrieved (1–200 ids).
    pub camera_ids: Vec<String>,
    /// Start and end of the footage (from ≤ to, not in the future).
    pub footage_from: DateTime<Utc>,
    pub footage_to: DateTime<Utc>,
    /// 调阅人所在单位 and 姓名, 1–100 and 1–50 characters.
    #[schema(min_length = 1, max_length = 100)]
    pub requester_unit: String,
    #[schema(min_length = 1, max_length = 50)]
    pub requester_name: String,
    /// 批准人, 1–50 characters.
    #[schema(min_length = 1, max_length = 50)]
    pub approver: String,
}

/// The unit's video page in one read.
#[derive(Debug, Clone)]
pub struct VideoOverview {
    pub summary: VideoSummary,
    pub system: SystemSummary,
    pub cameras: Vec<Camera>,
    pub groups: Vec<SignageGroup>,
}

/// The public-security video system of units.
#[derive(Clone)]
pub struct VideoService {
    pub(crate) ctx: Ctx,
    /// The R50 filing of the system is opened through it.
    filings: FilingService,
}

/// Today in Beijing.
fn today() -> NaiveDate {
    Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive()
}

fn counts(labels: impl Iterator<Item = String>) -> Vec<LabelCount> {
    let mut m: BTreeMap<String, i64> = BTreeMap::new();
    for l in labels {
        *m.entry(l).or_default() += 1;
    }
    let mut v: Vec<LabelCount> = m
        .into_iter()
        .map(|(label, count)| LabelCount { label, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
    v
}

fn kind_label(code: &str) -> String {
    DEVICE_KINDS
        .iter()
        .find(|(k, _)| *k == code)
        .map(|(_, l)| l.to_string())
        .unwrap_or_default()
}

/// The R50 filing payload from what is stored.
fn system_of(unit_id: &str, r: &VideoRegister) -> SystemSummary {
    let mut by_kind = Vec::new();
    if !r.cameras.is_empty() {
        by_kind.push(LabelCount {
            label: kind_label("camera"),
            count: r.cameras.len() as i64,
        });
    }
    if r.nvrs > 0 {
        by_kind.push(LabelCount {
            label: kind_label("nvr"),
            count: r.nvrs,
        });
    }
    SystemSummary {
        unit_id: unit_id.to_string(),
        unit_name: r.unit_name.clone(),
        uscc: r.uscc.clone(),
        address: r.address.clone(),
        division_code: r.division_code.clone(),
        system: r.system.clone(),
        cameras: r.cameras.len() as i64,
        by_location: counts(r.cameras.iter().map(|c| c.location_label.clone())),
        by_kind,
        by_vendor: counts(r.cameras.iter().map(|c| c.vendor.clone())),
        groups: r.groups.iter().map(|g| g.name.clone()).collect(),
        generated_at: Utc::now(),
    }
}

/// The checklist view from what is stored.
fn summary_of(unit_id: &str, r: &VideoRegister) -> VideoSummary {
    let prohibited = r.cameras.iter().filter(|c| c.prohibited).count() as i64;
    let with = r
        .groups
        .iter()
        .filter(|g| g.checks.iter().any(|c| c.photo_id.is_some()))
        .count() as i64;
    VideoSummary {
        unit_id: unit_id.to_string(),
        unit_name: r.unit_name.clone(),
        cameras: r.cameras.len() as i64,
        unrecorded_location: r.cameras.iter().filter(|c| c.location_type.is_none()).count() as i64,
        prohibited,
        prohibited_check_passed: prohibited == 0,
        signage_groups: r.groups.len() as i64,
        signage_with_evidence: with,
        signage_without_evidence: r.groups.len() as i64 - with,
        retrievals_90_days: r.retrievals_since,
        system: r.system.clone(),
    }
}

fn line(value: &str, label: &str, max: usize) -> ServiceResult<String> {
    Ok(checked_text(value, label, max, true, false)?)
}

impl VideoService {
    pub fn new(ctx: Ctx, filings: FilingService) -> VideoService {
        VideoService { ctx, filings }
    }

    /// Opens the system's R50 filing once its commissioning date is recorded
    /// (《公共安全视频图像信息系统管理条例》第十四条: within 30 days of going into use; systems in
    /// use before 2025-04-01 within 90 days of that date), once per unit (source
    /// `video-system:<unit>`), and fills its draft from the register (locations, counts and
    /// types, storage period) when the caller may write the unit's filings. A failure is
    /// logged, not answered: the record is stored, and the unit can open the filing by hand.
    async fn open_system_filing(&self, who: &Principal, unit_id: &str, v: &VideoSystem) {
        let Some(on) = v.commissioned_on else { return };
        let source = format!("video-system:{unit_id}");
        let f = match self
            .filings
            .open_obligation(FilingKind::VideoSystem, unit_id, on, &source)
            .await
        {
            Ok(f) => f,
            Err(e) => {
                tracing::error!(code = ?e.error_code(), "opening the video system's filing");
                return;
            }
        };
        if !f.content.is_empty() || f.status != FilingStatus::Draft || !who.can(Permission::FilingWrite) {
            return;
        }
        let content = match self.system_summary(who, unit_id).await {
            Ok(sum) => filing_content(&sum),
            Err(e) => {
                tracing::error!(code = ?e.error_code(), "the video system's summary for its filing");
                return;
            }
        };
        if let Err(e) = self.filings.save(who, &f.id, f.version, content).await {
            tracing::error!(code = ?e.error_code(), "filling the video system's filing");
        }
    }

    async fn register(&self, who: &Principal, unit_id: &str) -> ServiceResult<VideoRegister> {
        let since = Utc::now() - Duration::days(SUMMARY_RETRIEVAL_DAYS);
        Ok(self.ctx.store.video_register(&who.scope, unit_id, since).await?)
    }

    /// The video-system summary generated from the camera register: unit information, camera
    /// locations by type, device counts by type and vendor, the storage period, the commissioning
    /// date (S7 Art 14, R50). The payload of the video-system filing. 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn system_summary(&self, who: &Principal, unit_id: &str) -> ServiceResult<SystemSummary> {
        let r = self.register(who, unit_id).await?;
        Ok(system_of(unit_id, &r))
    }

    /// The pure read shown next to inspection checklist items: cameras, the prohibited-spot
    /// check (R49), signage groups with and without photo evidence (R51), retrievals in the last
    /// 90 days (R53). 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn summary(&self, who: &Principal, unit_id: &str) -> ServiceResult<VideoSummary> {
        let r = self.register(who, unit_id).await?;
        Ok(summary_of(unit_id, &r))
    }

    /// The unit's video page in one read. 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn overview(&self, who: &Principal, unit_id: &str) -> ServiceResult<VideoOverview> {
        let r = self.register(who, unit_id).await?;
        Ok(VideoOverview {
            summary: summary_of(unit_id, &r),
            system: system_of(unit_id, &r),
            cameras: r.cameras,
            groups: r.groups,
        })
    }

    /// Records the unit's commissioning date (投入使用日期) and storage period
    /// ([`Permission::VideoManage`]). Refused (400 `validation_failed`): a storage period under 30
    /// days (S7 Art 17, R54) or over 3650; a commissioning date after today (Beijing) or before
    /// 1990. 409 `version_conflict` when stale; 404 outside the scope. Audited as `video.system`.
    ///
    /// Integration point (R50): a set or changed commissioning date opens the video-system
    /// filing obligation (30 days; docs/VIDEO.md).
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn set_system(&self, who: &Principal, unit_id: &str, d: SystemDraft) -> ServiceResult<VideoSystem> {
        who.require(Permission::VideoManage)?;
        if let Some(days) = d.storage_days {
            if days < MIN_STORAGE_DAYS {
                return Err(ServiceError::invalid(
                    "存储期限不得少于30日（《公共安全视频图像信息系统管理条例》第十七条）",
                ));
            }
            if days > MAX_STORAGE_DAYS {
                return Err(ServiceError::invalid("存储期限不超过3650日"));
            }
        }
        if let Some(on) = d.commissioned_on {
            if on > today() {
                return Err(ServiceError::invalid("投入使用日期不能晚于今天"));
            }
            if on < NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or_default() {
                return Err(ServiceError::invalid("投入使用日期不能早于1990年"));
            }
        }
        let mut audit = who.audit("video.system", "unit", unit_id, Some(unit_id));
        audit.detail = serde_json::json!({
            "commissioned_on": d.commissioned_on.map(|x| x.to_string()),
            "storage_days": d.storage_days,
        })
        .to_string();
        let v = self
            .ctx
            .store
            .set_video_system(
                &who.scope,
                unit_id,
                d.version,
                d.commissioned_on,
                d.storage_days,
                &who.display_name,
                &audit,
                Utc::now(),
            )
            .await?;
        self.open_system_filing(who, unit_id, &v).await;
        Ok(v)
    }

    /// Adds a signage group ([`Permission::VideoManage`]): a name (1–50, unique in the unit:
    /// 409 `conflict`) and the unit's cameras in it (others: 400). Audited as
    /// `video.signage_group`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn add_group(&self, who: &Principal, unit_id: &str, d: GroupDraft) -> ServiceResult<SignageGroup> {
        who.require(Permission::VideoManage)?;
        let r = self.register(who, unit_id).await?;
        let name = line(&d.name, "分组名称", 50)?;
        let ids = checked_cameras(&r, d.camera_ids, false)?;
        let audit = who.audit("video.signage_group", "video_signage_group", "", Some(unit_id));
        Ok(self
            .ctx
            .store
            .add_signage_group(&who.scope, unit_id, &name, &ids, &who.display_name, &audit, Utc::now())
            .await?)
    }

    /// Records a check of a group's sign ([`Permission::VideoManage`]): date (not after today),
    /// who checked, present or not, a note. The photo follows with [`Self::add_signage_photo`].
    /// Audited as `video.signage_check`.
    /// 404 outside the scope, or a group not of the unit (after the input is checked).
    #[tracing::instrument(skip_all, fields(unit = %unit_id, group = %group_id))]
    pub async fn add_check(
        &self,
        who: &Principal,
        unit_id: &str,
        group_id: &str,
        d: CheckDraft,
    ) -> ServiceResult<SignageCheck> {
        who.require(Permission::VideoManage)?;
        let r = self.register(who, unit_id).await?;
        let by = line(&d.checked_by, "检查人", 50)?;
        let note = checked_text(&d.note, "备注", 200, false, false)?;
        if d.checked_on > today() {
            return Err(ServiceError::invalid("检查日期不能晚于今天"));
        }
        if !r.groups.iter().any(|g| g.id == group_id) {
            return Err(ServiceError::refused(
                neibao_domain::error::ErrorCode::NotFound,
                "提示标识分组不存在或不属于该单位",
            ));
        }
        let audit = who.audit("video.signage_check", "video_signage_check", "", Some(unit_id));
        Ok(self
            .ctx
            .store
            .add_signage_check(
                &who.scope,
                group_id,
                d.checked_on,
                &by,
                d.present,
                &note,
                &audit,
                Utc::now(),
            )
            .await?)
    }

    /// Whether the caller may add a signage photo to the unit (checked before the upload is
    /// read): [`Permission::VideoManage`] and the unit in scope (404).
    pub async fn check_photo_target(&self, who: &Principal, unit_id: &str) -> ServiceResult<()> {
        who.require(Permission::VideoManage)?;
        self.register(who, unit_id).await?;
        Ok(())
    }

    /// Stores the photo of a signage check ([`Permission::VideoManage`]; an image of at most
    /// 10 MB, else 400) in the attachments kernel (owner kind `video_signage`), audited as
    /// `attachment.upload`. 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id, check = %check_id))]
    pub async fn add_signage_photo(
        &self,
        who: &Principal,
        unit_id: &str,
        check_id: &str,
        upload: Upload,
    ) -> ServiceResult<Attachment> {
        self.check_photo_target(who, unit_id).await?;
        check_size(upload.data.len())?;
        // The bytes say what the file is (phones often declare application/octet-stream).
        let Some(content_type) = sniff_image(&upload.data).map(str::to_string) else {
            return Err(ServiceError::invalid("提示标识照片应为图片（JPEG、PNG、GIF 或 WebP）"));
        };
        let owner = self.ctx.store.signage_check_unit(&who.scope, check_id).await?;
        if owner.as_str() != unit_id {
            return Err(ServiceError::refused(
                neibao_domain::error::ErrorCode::NotFound,
                "提示标识检查记录不存在或不属于该单位",
            ));
        }
        let unit_id = owner;
        let mut audit = who.audit("attachment.upload", "attachment", "", Some(&unit_id));
        audit.detail = serde_json::json!({
            "owner_kind": AttachmentOwner::VideoSignage.code(),
            "owner_id": check_id,
            "content_type": content_type,
            "size": upload.data.len(),
        })
        .to_string();
        Ok(self
            .ctx
            .store
            .add_attachment(
                &who.scope,
                &NewAttachment {
                    unit_id,
                    owner_kind: AttachmentOwner::VideoSignage,
                    owner_id: check_id.to_string(),
                    name: clean_file_name(&upload.name),
                    content_type,
                    data: upload.data,
                    uploaded_by: who.display_name.clone(),
                },
                &audit,
                Utc::now(),
            )
            .await?)
    }

    /// Records a footage retrieval (调阅登记, S7 Art 16, R53; [`Permission::VideoRetrievalRecord`]):
    /// view or export, reason, cameras of the unit, footage time range, requester's unit and name,
    /// approver. Written with its audit entry `video.retrieval` in one transaction; never changed
    /// or deleted. Refused (400): an empty field, an unknown action, cameras not of the unit, a
    /// range that ends before it starts or lies in the future. 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn record_retrieval(
        &self,
        who: &Principal,
        unit_id: &str,
        d: RetrievalDraft,
    ) -> ServiceResult<Retrieval> {
        who.require(Permission::VideoRetrievalRecord)?;
        let r = self.register(who, unit_id).await?;
        if d.action != "view" && d.action != "export" {
            return Err(ServiceError::invalid("调阅方式应为查看（view）或导出（export）"));
        }
        let reason = line(&d.reason, "调阅事由", 200)?;
        let requester_unit = line(&d.requester_unit, "调阅人所在单位", 100)?;
        let requester_name = line(&d.requester_name, "调阅人姓名", 50)?;
        let approver = line(&d.approver, "批准人", 50)?;
        if d.footage_to < d.footage_from {
            return Err(ServiceError::invalid("调阅录像的结束时间不能早于开始时间"));
        }
        if d.footage_from > Utc::now() + Duration::minutes(5) {
            return Err(ServiceError::invalid("调阅录像的时间不能在将来"));
        }
        let camera_ids = checked_cameras(&r, d.camera_ids, true)?;
        let mut audit = who.audit("video.retrieval", "video_retrieval", "", Some(unit_id));
        audit.detail = serde_json::json!({"action": d.action, "cameras": camera_ids.len()}).to_string();
        let new = NewRetrieval {
            unit_id: unit_id.to_string(),
            action: d.action,
            reason,
            camera_ids,
            footage_from: d.footage_from,
            footage_to: d.footage_to,
            requester_unit,
            requester_name,
            approver,
            recorded_by: who.display_name.clone(),
        };
        Ok(self
            .ctx
            .store
            .add_retrieval(&who.scope, &new, &audit, Utc::now())
            .await?)
    }

    /// The unit's retrieval log, newest first ([`Permission::VideoRetrievalRead`]). 404 outside
    /// the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn retrievals(&self, who: &Principal, unit_id: &str, page: Page) -> ServiceResult<Listing<Retrieval>> {
        who.require(Permission::VideoRetrievalRead)?;
        Ok(self.ctx.store.list_retrievals(&who.scope, unit_id, page).await?)
    }
}

/// The ids as given when each is a camera of the unit (at most 200, no repeats); at least one
/// when `required`.
fn checked_cameras(r: &VideoRegister, ids: Vec<String>, required: bool) -> ServiceResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        let id = id.trim().to_string();
        if id.is_empty() || out.contains(&id) {
            continue;
        }
        if !r.cameras.iter().any(|c| c.id == id) {
            return Err(ServiceError::invalid("所选摄像机不属于该单位或已注销"));
        }
        out.push(id);
    }
    if out.len() > 200 {
        return Err(ServiceError::invalid("摄像机不超过200台"));
    }
    if required && out.is_empty() {
        return Err(ServiceError::invalid("请至少选择一台调阅的摄像机"));
    }
    Ok(out)
}

/// The R50 filing's content from the register (S7 Art 14: locations, device counts and types,
/// storage period), keyed as `FilingKind::VideoSystem`'s fields.
fn filing_content(s: &SystemSummary) -> BTreeMap<String, String> {
    let list = |l: &[LabelCount]| {
        l.iter()
            .map(|x| format!("{} {} 台", x.label, x.count))
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut c = BTreeMap::new();
    c.insert("system_name".into(), format!("{}视频图像信息系统", s.unit_name));
    let mut locations = list(&s.by_location);
    if !s.groups.is_empty() {
        locations.push_str(&format!("；点位：{}", s.groups.join("、")));
    }
    c.insert("locations".into(), locations.chars().take(2000).collect());
    c.insert("camera_count".into(), s.cameras.to_string());
    let mut types = list(&s.by_kind);
    if !s.by_vendor.is_empty() {
        types.push_str(&format!("（{}）", list(&s.by_vendor)));
    }
    c.insert("device_types".into(), types.chars().take(500).collect());
    if let Some(d) = s.system.storage_days {
        c.insert("storage_days".into(), d.to_string());
    }
    if let Some(d) = s.system.commissioned_on {
        c.insert("in_use_on".into(), d.to_string());
    }
    c
}

//! [`EquipmentService`]: a unit's posts and protective equipment, checks, minimum sets and the
//! police overview (docs/EQUIPMENT.md; R35).
//!
//! Who may do what: everyone reads the posts, items and flags of the units in their scope and
//! the minimum sets; the unit's security manager keeps the posts and inventory
//! ([`Permission::EquipmentManage`]); the unit's manager and guards record checks
//! ([`Permission::EquipmentCheck`]); administrators and provincial and city police set the
//! minimum sets ([`Permission::EquipmentStandards`]). A unit, post, item or check outside the
//! scope is not found.

use chrono::{NaiveDate, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::equipment::*;
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::text::checked_text;

use super::flags::{evaluate, expiry_job};
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::filings::deadlines::beijing_today;

/// Largest quantity of one inventory line.
pub const MAX_QUANTITY: i64 = 999;

/// A post as typed.
#[derive(Debug, Clone, Default)]
pub struct PostDraft {
    pub name: String,
    pub location: String,
    /// A [`PostKind`] code.
    pub kind: String,
    pub key_area_id: Option<String>,
}

/// An inventory line as typed (dates `YYYY-MM-DD`).
#[derive(Debug, Clone, Default)]
pub struct ItemDraft {
    /// An [`ItemType`] code.
    pub item_type: String,
    pub quantity: i64,
    pub purchased_on: String,
    /// Empty: no expiry date.
    pub expires_on: String,
    pub note: String,
}

/// A check as typed.
#[derive(Debug, Clone, Default)]
pub struct CheckDraft {
    /// A [`CheckResult`] code.
    pub result: String,
    pub note: String,
}

/// A minimum set as typed.
#[derive(Debug, Clone, Default)]
pub struct StandardDraft {
    pub name: String,
    pub applies_to: String,
    /// A [`PostKind`] code; empty: every post.
    pub post_kind: String,
    pub items: Vec<StandardItem>,
    pub source: String,
}

/// The protective equipment of the units.
#[derive(Clone)]
pub struct EquipmentService {
    pub(crate) ctx: Ctx,
}

fn now() -> chrono::DateTime<Utc> {
    let t = Utc::now();
    chrono::DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

fn parse_date(s: &str, label: &str) -> ServiceResult<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| ServiceError::invalid(format!("{label}应为日期（如 2026-01-31）")))
}

fn checked_post(id: &str, unit_id: &str, d: PostDraft) -> ServiceResult<NewPost> {
    let kind = PostKind::from_code(d.kind.trim()).ok_or_else(|| ServiceError::invalid("请选择岗位类型"))?;
    Ok(NewPost {
        id: id.to_string(),
        unit_id: unit_id.to_string(),
        name: checked_text(&d.name, "岗位名称", 50, true, false)?,
        location: checked_text(&d.location, "岗位位置", 100, false, false)?,
        kind,
        key_area_id: d.key_area_id.filter(|k| !k.trim().is_empty()),
        at: now(),
    })
}

fn checked_item(d: ItemDraft, today: NaiveDate) -> ServiceResult<ItemFields> {
    let item_type = ItemType::from_code(d.item_type.trim()).ok_or_else(|| ServiceError::invalid("请选择器械类型"))?;
    if d.quantity < 0 {
        return Err(ServiceError::invalid("数量不能为负数"));
    }
    if d.quantity > MAX_QUANTITY {
        return Err(ServiceError::invalid(format!("数量不超过 {MAX_QUANTITY}")));
    }
    let purchased_on = parse_date(&d.purchased_on, "购置日期")?;
    if purchased_on > today {
        return Err(ServiceError::invalid("购置日期不能晚于今天"));
    }
    let expires_on = match d.expires_on.trim() {
        "" => None,
        s => Some(parse_date(s, "有效期至")?),
    };
    if expires_on.is_some_and(|e| e < purchased_on) {
        return Err(ServiceError::invalid("有效期至不能早于购置日期"));
    }
    let note = checked_text(&d.note, "备注", 200, false, false)?;
    if item_type == ItemType::Other && note.is_empty() {
        return Err(ServiceError::invalid("器械类型为“其他”时，请在备注中写明是什么器械"));
    }
    Ok(ItemFields {
        item_type,
        quantity: d.quantity,
        purchased_on,
        expires_on,
        note,
    })
}

fn checked_standard(id: &str, d: StandardDraft) -> ServiceResult<Standard> {
    let name = checked_text(&d.name, "标准名称", 50, true, false)?;
    if applies_to_label(d.applies_to.trim()).is_none() {
        return Err(ServiceError::invalid("请选择适用单位"));
    }
    let post_kind = match d.post_kind.trim() {
        "" => None,
        k => Some(PostKind::from_code(k).ok_or_else(|| ServiceError::invalid("岗位类型无效"))?),
    };
    let mut items: Vec<StandardItem> = Vec::new();
    for i in d.items.iter().filter(|i| i.quantity != 0) {
        if !(1..=99).contains(&i.quantity) {
            return Err(ServiceError::invalid(format!(
                "{}的最低数量应为 1–99（0 表示不要求）",
                i.item_type.label_zh()
            )));
        }
        if items.iter().any(|x| x.item_type == i.item_type) {
            return Err(ServiceError::invalid(format!("{}重复填写", i.item_type.label_zh())));
        }
        items.push(i.clone());
    }
    if items.is_empty() {
        return Err(ServiceError::invalid("最低配备标准至少要求一种器械"));
    }
    Ok(Standard {
        id: id.to_string(),
        name,
        applies_to: d.applies_to.trim().to_string(),
        post_kind,
        items,
        source: checked_text(&d.source, "依据", 300, false, true)?,
        version: 0,
        updated_at: now(),
    })
}

fn actor(who: &Principal) -> String {
    if who.display_name.trim().is_empty() {
        who.username.clone()
    } else {
        who.display_name.clone()
    }
}

impl EquipmentService {
    pub fn new(ctx: Ctx) -> EquipmentService {
        EquipmentService { ctx }
    }

    /// Flags the post to its unit: new flags send one notice each (flags.rs).
    async fn reflag(&self, unit_id: &str, post_id: &str) -> ServiceResult<()> {
        let base = self.ctx.config.public_url.clone();
        evaluate(
            self.ctx.store.as_ref(),
            base.as_deref(),
            unit_id,
            Some(post_id),
            beijing_today(),
        )
        .await
        .map(|_| ())
        .map_err(ServiceError::Internal)
    }

    /// The unit's posts with items, minimum sets and flags, and its summary. 404 outside the
    /// scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn unit(&self, who: &Principal, unit_id: &str) -> ServiceResult<UnitEquipment> {
        let data = self.ctx.store.equipment_unit(&who.scope, unit_id).await?;
        let standards = self.ctx.store.equipment_standards().await?;
        let today = beijing_today();
        let posts = views(&data, &standards, today);
        let summary = summary(unit_id, &posts, today);
        Ok(UnitEquipment {
            unit_id: data.unit_id,
            unit_name: data.unit_name,
            posts,
            summary,
        })
    }

    /// The unit's summary for the assessment's 物防 data (a pure read). 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn summary(&self, who: &Principal, unit_id: &str) -> ServiceResult<EquipmentSummary> {
        Ok(self.unit(who, unit_id).await?.summary)
    }

    /// Creates a post of the unit ([`Permission::EquipmentManage`]; 404 outside the scope; 400
    /// for an empty or long name, an unknown kind, a key area not of the unit). Audited as
    /// `equipment.post_create`.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn create_post(&self, who: &Principal, unit_id: &str, d: PostDraft) -> ServiceResult<Post> {
        who.require(Permission::EquipmentManage)?;
        let p = checked_post(&new_id(), unit_id, d)?;
        let audit = who.audit("equipment.post_create", "equipment_post", &p.id, Some(unit_id));
        let post = self.ctx.store.create_equipment_post(&who.scope, &p, &audit).await?;
        self.reflag(unit_id, &post.id).await?;
        Ok(post)
    }

    /// Changes a post still at `version` (409 otherwise). Refusals as
    /// [`EquipmentService::create_post`]. Audited as `equipment.post_update`.
    #[tracing::instrument(skip_all, fields(post = %id))]
    pub async fn update_post(&self, who: &Principal, id: &str, version: i64, d: PostDraft) -> ServiceResult<Post> {
        who.require(Permission::EquipmentManage)?;
        let current = self.post(who, id).await?;
        let p = checked_post(id, &current.unit_id, d)?;
        let audit = who.audit("equipment.post_update", "equipment_post", id, Some(&current.unit_id));
        let post = self
            .ctx
            .store
            .update_equipment_post(&who.scope, &p, version, &audit)
            .await?;
        self.reflag(&post.unit_id, id).await?;
        Ok(post)
    }

    /// One post. 404 when absent or outside the scope.
    pub async fn post(&self, who: &Principal, id: &str) -> ServiceResult<Post> {
        self.ctx
            .store
            .equipment_post(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    /// One item with its last check. 404 when absent or outside the scope.
    pub async fn item(&self, who: &Principal, id: &str) -> ServiceResult<Item> {
        self.ctx
            .store
            .equipment_item(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    /// Adds an inventory line to a post ([`Permission::EquipmentManage`]). 400
    /// `validation_failed`: unknown type, quantity below 0 or above 999, a malformed date, a
    /// purchase date after today, an expiry date before the purchase date, 其他 without a note.
    /// Audited as `equipment.item_add`, kept in the item's history; an expiry date schedules
    /// `equipment.expiry`. The post is flagged anew (one notice per new flag).
    #[tracing::instrument(skip_all, fields(post = %post_id))]
    pub async fn add_item(&self, who: &Principal, post_id: &str, d: ItemDraft) -> ServiceResult<Item> {
        who.require(Permission::EquipmentManage)?;
        let post = self.post(who, post_id).await?;
        let f = checked_item(d, beijing_today())?;
        let id = new_id();
        let audit = who.audit("equipment.item_add", "equipment_item", &id, Some(&post.unit_id));
        let job = f.expires_on.map(|e| expiry_job(&id, e));
        let item = self
            .ctx
            .store
            .add_equipment_item(&who.scope, &id, post_id, &f, &actor(who), job.as_ref(), &audit, now())
            .await?;
        self.reflag(&post.unit_id, post_id).await?;
        Ok(item)
    }

    /// Changes an inventory line still at `version` (409 otherwise). Refusals as
    /// [`EquipmentService::add_item`]. Audited as `equipment.item_update`, the change kept in the
    /// item's history.
    #[tracing::instrument(skip_all, fields(item = %id))]
    pub async fn update_item(&self, who: &Principal, id: &str, version: i64, d: ItemDraft) -> ServiceResult<Item> {
        who.require(Permission::EquipmentManage)?;
        let current = self.item(who, id).await?;
        let f = checked_item(d, beijing_today())?;
        let audit = who.audit("equipment.item_update", "equipment_item", id, Some(&current.unit_id));
        let job = f.expires_on.map(|e| expiry_job(id, e));
        let item = self
            .ctx
            .store
            .update_equipment_item(&who.scope, id, version, &f, &actor(who), job.as_ref(), &audit, now())
            .await?;
        self.reflag(&item.unit_id, &item.post_id).await?;
        Ok(item)
    }

    /// An item's history (added, changed, checked), oldest first. 404 outside the scope.
    pub async fn history(&self, who: &Principal, item_id: &str) -> ServiceResult<Vec<ItemHistory>> {
        Ok(self.ctx.store.equipment_history(&who.scope, item_id).await?)
    }

    /// Records a check of an item today by the caller ([`Permission::EquipmentCheck`]: the
    /// unit's manager and guards). 400 for an unknown result or a long note. Audited as
    /// `equipment.check`; a result other than 完好 flags the post.
    #[tracing::instrument(skip_all, fields(item = %item_id))]
    pub async fn check(&self, who: &Principal, item_id: &str, d: CheckDraft) -> ServiceResult<Check> {
        who.require(Permission::EquipmentCheck)?;
        let item = self.item(who, item_id).await?;
        let result = CheckResult::from_code(d.result.trim())
            .ok_or_else(|| ServiceError::invalid("请选择检查结果（完好、损坏、缺失或过期）"))?;
        let c = NewCheck {
            id: new_id(),
            item_id: item_id.to_string(),
            checked_on: beijing_today(),
            checker_name: actor(who),
            result,
            note: checked_text(&d.note, "检查说明", 200, false, false)?,
            at: now(),
        };
        let mut audit = who.audit("equipment.check", "equipment_item", item_id, Some(&item.unit_id));
        audit.detail = serde_json::json!({ "result": result.code(), "check": c.id }).to_string();
        let check = self.ctx.store.add_equipment_check(&who.scope, &c, &audit).await?;
        self.reflag(&item.unit_id, &item.post_id).await?;
        Ok(check)
    }

    /// One check. 404 when absent or outside the scope.
    pub async fn get_check(&self, who: &Principal, id: &str) -> ServiceResult<Check> {
        self.ctx
            .store
            .equipment_check(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    /// Every minimum set (everyone reads them).
    pub async fn standards(&self, _who: &Principal) -> ServiceResult<Vec<Standard>> {
        Ok(self.ctx.store.equipment_standards().await?)
    }

    /// Creates a minimum set (`id` `None`) or replaces one still at `version`
    /// ([`Permission::EquipmentStandards`]). 400: empty or long name, unknown class or post kind,
    /// no item, a quantity outside 1–99, a type twice; 409 on a stale version. Audited as
    /// `equipment.standard_save`. Posts are flagged anew at their next change or check.
    #[tracing::instrument(skip_all)]
    pub async fn save_standard(
        &self,
        who: &Principal,
        id: Option<&str>,
        version: i64,
        d: StandardDraft,
    ) -> ServiceResult<Standard> {
        who.require(Permission::EquipmentStandards)?;
        let sid = id.map(str::to_string).unwrap_or_else(new_id);
        let s = checked_standard(&sid, d)?;
        let mut audit = who.audit("equipment.standard_save", "equipment_standard", &sid, None);
        audit.detail = serde_json::json!({ "name": s.name, "applies_to": s.applies_to }).to_string();
        Ok(self
            .ctx
            .store
            .save_equipment_standard(&s, id.map(|_| version), &audit, now())
            .await?)
    }

    /// The units in the caller's scope with a post below its minimum, an expired item or an item
    /// checked as damaged or missing (by division code, name).
    #[tracing::instrument(skip_all)]
    pub async fn shortfalls(&self, who: &Principal, page: Page) -> ServiceResult<Listing<UnitShortfall>> {
        let standards = self.ctx.store.equipment_standards().await?;
        let today = beijing_today();
        let all: Vec<UnitShortfall> = self
            .ctx
            .store
            .equipment_units(&who.scope)
            .await?
            .iter()
            .map(|d| UnitShortfall {
                unit_id: d.unit_id.clone(),
                unit_name: d.unit_name.clone(),
                division_code: d.division_code.clone(),
                summary: summary(&d.unit_id, &views(d, &standards, today), today),
            })
            .filter(|s| s.summary.flagged())
            .collect();
        let total = all.len() as i64;
        let items = all
            .into_iter()
            .skip(page.offset() as usize)
            .take(page.per_page as usize)
            .collect();
        Ok(Listing {
            items,
            total,
            total_capped: false,
            page: page.page,
            per_page: page.per_page,
        })
    }
}

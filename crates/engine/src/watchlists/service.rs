//! [`WatchlistService`]: watchlists (布控) of plates and face subjects, their entries, the hits
//! the pipeline finds and their human check (docs/WATCHLISTS.md; R64, R65, R76).
//!
//! Who may do what: police (province to station) and a unit's security manager keep their own
//! organ's or unit's lists ([`Permission::WatchlistManage`]) and check their hits
//! ([`Permission::WatchlistReview`]). Visibility is by owner, narrower than any scope: a police
//! list and its hits are seen only by the officers of the named organ (a superior or neighbouring
//! organ gets 404), a unit's only by that unit. A face list is switched on only under an approved
//! PIA of its owner (409 `pia_not_approved`, R69).

use chrono::{DateTime, NaiveDate, Utc};
use neibao_domain::access::{Permission, Principal, Scope};
use neibao_domain::error::ErrorCode;
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::text::checked_text;
use neibao_domain::watchlists::*;
use neibao_store::watchlists::WatchlistChange;

use super::index::reload;
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::filings::deadlines::beijing_today;

/// A list as typed.
#[derive(Debug, Clone, Default)]
pub struct WatchlistDraft {
    /// `face` or `plate` (ignored on a change: a list keeps its kind).
    pub kind: String,
    pub name: String,
    pub legal_basis: String,
    /// `YYYY-MM-DD`.
    pub expires_on: String,
    /// Percent; `None`: the default.
    pub threshold: Option<i64>,
}

/// An entry as typed. Templates and photos arrive as bytes (the API decodes base64).
#[derive(Debug, Clone, Default)]
pub struct EntryDraft {
    pub plate: String,
    pub subject_name: String,
    pub external_subject_id: String,
    pub template: Option<Vec<u8>>,
    pub photo: Option<Vec<u8>>,
    pub note: String,
}

/// A reviewer's decision: `confirm` (确认本人) or `reject` (非本人).
#[derive(Debug, Clone, Default)]
pub struct HitReview {
    pub decision: String,
    pub note: String,
}

/// A PIA as typed.
#[derive(Debug, Clone, Default)]
pub struct PiaDraft {
    /// A [`PiaPurpose`] code.
    pub purpose: String,
    pub title: String,
    pub necessity: String,
    pub risks: String,
    pub safeguards: String,
}

/// Watchlists, their hits and PIAs.
#[derive(Clone)]
pub struct WatchlistService {
    pub(crate) ctx: Ctx,
}

pub(super) fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

pub(super) fn actor(who: &Principal) -> String {
    if who.display_name.trim().is_empty() {
        who.username.clone()
    } else {
        who.display_name.clone()
    }
}

/// Whom `who` acts for: their police organ (with its area: the division prefix of its
/// jurisdiction) or their unit. Others own no lists.
pub(super) fn owner_of(who: &Principal) -> ServiceResult<(Owner, String, String)> {
    if who.is_police() {
        let org = who
            .org_id
            .clone()
            .ok_or_else(|| ServiceError::forbidden("账号未归属公安机关，不能布控"))?;
        let area = match &who.scope {
            Scope::Division { prefix } => prefix.clone(),
            _ => who.division_code.clone().unwrap_or_default(),
        };
        if area.is_empty() {
            return Err(ServiceError::forbidden("账号所属公安机关没有辖区，不能布控"));
        }
        return Ok((Owner::Organ(org), who.org_name.clone().unwrap_or_default(), area));
    }
    match &who.unit_id {
        Some(u) if who.role == neibao_domain::access::Role::UnitManager => Ok((
            Owner::Unit(u.clone()),
            who.unit_name.clone().unwrap_or_default(),
            String::new(),
        )),
        _ => Err(ServiceError::forbidden("只有公安机关和单位可以布控")),
    }
}

fn parse_date(s: &str) -> ServiceResult<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| ServiceError::invalid("有效期至应为日期（如 2026-12-31）"))
}

fn checked_change(d: &WatchlistDraft, kind: ListKind) -> ServiceResult<WatchlistChange> {
    let threshold = match (kind, d.threshold) {
        (ListKind::Plate, _) => MAX_THRESHOLD,
        (ListKind::Face, None) => DEFAULT_THRESHOLD,
        (ListKind::Face, Some(t)) => checked_threshold(t)?,
    };
    Ok(WatchlistChange {
        name: checked_text(&d.name, "布控名称", 50, true, false)?,
        legal_basis: checked_text(&d.legal_basis, "法律依据或目的", 500, true, true)?,
        expires_on: checked_expiry(parse_date(&d.expires_on)?, beijing_today())?,
        threshold,
    })
}

fn opt_text(s: &str, label: &str, max: usize) -> ServiceResult<Option<String>> {
    Ok(Some(checked_text(s, label, max, false, false)?).filter(|t| !t.is_empty()))
}

fn checked_entry(list: &Watchlist, d: EntryDraft) -> ServiceResult<NewEntry> {
    let note = checked_text(&d.note, "备注", 200, false, false)?;
    let mut e = NewEntry {
        id: new_id(),
        watchlist_id: list.id.clone(),
        plate: None,
        subject_name: None,
        external_subject_id: None,
        template: None,
        photo: None,
        note,
        at: now(),
    };
    match list.kind {
        ListKind::Plate => {
            e.plate = Some(checked_plate(&d.plate)?);
        }
        ListKind::Face => {
            e.subject_name = opt_text(&d.subject_name, "姓名", 50)?;
            e.external_subject_id = opt_text(&d.external_subject_id, "对象编号", 128)?;
            if e.subject_name.is_none() {
                return Err(ServiceError::invalid("人员布控对象须填写姓名"));
            }
            for (b, label) in [(&d.template, "特征模板"), (&d.photo, "布控照片")] {
                if b.as_ref().is_some_and(|b| b.len() > MAX_BIOMETRIC_BYTES) {
                    return Err(ServiceError::invalid(format!(
                        "{label}不超过 {} KB",
                        MAX_BIOMETRIC_BYTES / 1024
                    )));
                }
            }
            e.template = d.template.filter(|b| !b.is_empty());
            e.photo = d.photo.filter(|b| !b.is_empty());
        }
    }
    Ok(e)
}

/// Bytes sent as base64 (a template or photo in a JSON body); `None` when absent or empty.
pub fn decode_base64(s: Option<&str>, label: &str) -> ServiceResult<Option<Vec<u8>>> {
    use base64::Engine;
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => base64::engine::general_purpose::STANDARD
            .decode(s)
            .map(Some)
            .map_err(|_| ServiceError::invalid(format!("{label}应为 base64 编码"))),
    }
}

/// Bytes as base64 (a picture shown inline as a `data:` URL in the hit review page).
pub fn encode_base64(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}

impl WatchlistService {
    pub fn new(ctx: Ctx) -> WatchlistService {
        WatchlistService { ctx }
    }

    /// Rebuilds this node's index after a change to an active list (other nodes within seconds).
    async fn reindex(&self) -> ServiceResult<()> {
        reload(self.ctx.store.as_ref(), self.ctx.pipeline.watch_index()).await?;
        Ok(())
    }

    async fn own_list(&self, who: &Principal, owner: &Owner, id: &str) -> ServiceResult<Watchlist> {
        let _ = who;
        self.ctx
            .store
            .watchlist(owner, id)
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    /// The caller's lists.
    #[tracing::instrument(skip_all)]
    pub async fn lists(&self, who: &Principal) -> ServiceResult<Vec<Watchlist>> {
        who.require(Permission::WatchlistManage)?;
        let (owner, _, _) = owner_of(who)?;
        Ok(self.ctx.store.list_watchlists(&owner).await?)
    }

    /// One of the caller's lists (404 otherwise).
    #[tracing::instrument(skip_all, fields(list = %id))]
    pub async fn list(&self, who: &Principal, id: &str) -> ServiceResult<Watchlist> {
        who.require(Permission::WatchlistManage)?;
        let (owner, _, _) = owner_of(who)?;
        self.own_list(who, &owner, id).await
    }

    /// Creates a list (switched off) for the caller's organ or unit. `watchlist.create`.
    #[tracing::instrument(skip_all)]
    pub async fn create(&self, who: &Principal, d: WatchlistDraft) -> ServiceResult<Watchlist> {
        who.require(Permission::WatchlistManage)?;
        let (owner, owner_name, area_prefix) = owner_of(who)?;
        let kind = ListKind::from_code(d.kind.trim()).ok_or_else(|| ServiceError::invalid("请选择布控类型"))?;
        let c = checked_change(&d, kind)?;
        let l = NewWatchlist {
            id: new_id(),
            kind,
            name: c.name,
            owner: owner.clone(),
            owner_name,
            area_prefix,
            legal_basis: c.legal_basis,
            expires_on: c.expires_on,
            threshold: c.threshold,
            created_by: actor(who),
            at: now(),
        };
        let audit = who.audit("watchlist.create", "watchlist", &l.id, owner.unit_id());
        Ok(self.ctx.store.create_watchlist(&l, &audit).await?)
    }

    /// Changes a list's name, basis, expiry and threshold. `watchlist.update`.
    #[tracing::instrument(skip_all, fields(list = %id))]
    pub async fn update(&self, who: &Principal, id: &str, d: WatchlistDraft) -> ServiceResult<Watchlist> {
        who.require(Permission::WatchlistManage)?;
        let (owner, _, _) = owner_of(who)?;
        let current = self.own_list(who, &owner, id).await?;
        let c = checked_change(&d, current.kind)?;
        let audit = who.audit("watchlist.update", "watchlist", id, owner.unit_id());
        let l = self.ctx.store.update_watchlist(&owner, id, &c, &audit, now()).await?;
        if l.active {
            self.reindex().await?;
        }
        Ok(l)
    }

    /// Switches a list on. A face list needs `pia_id`, an approved PIA of the same owner for face
    /// watchlists: without one, 409 `pia_not_approved`. `watchlist.activate`.
    #[tracing::instrument(skip_all, fields(list = %id))]
    pub async fn activate(&self, who: &Principal, id: &str, pia_id: Option<&str>) -> ServiceResult<Watchlist> {
        who.require(Permission::WatchlistManage)?;
        let (owner, _, _) = owner_of(who)?;
        let list = self.own_list(who, &owner, id).await?;
        let pia_id = pia_id
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .or(list.pia_id.as_deref());
        let pia = match pia_id {
            Some(p) => self.ctx.store.pia(&owner, p).await?,
            None => None,
        };
        check_activation(&list, pia.as_ref(), beijing_today())?;
        let audit = who.audit("watchlist.activate", "watchlist", id, owner.unit_id());
        let l = self
            .ctx
            .store
            .set_watchlist_active(&owner, id, true, pia.as_ref().map(|p| p.id.as_str()), &audit, now())
            .await?;
        self.reindex().await?;
        Ok(l)
    }

    /// Switches a list off. `watchlist.deactivate`.
    #[tracing::instrument(skip_all, fields(list = %id))]
    pub async fn deactivate(&self, who: &Principal, id: &str) -> ServiceResult<Watchlist> {
        who.require(Permission::WatchlistManage)?;
        let (owner, _, _) = owner_of(who)?;
        self.own_list(who, &owner, id).await?;
        let audit = who.audit("watchlist.deactivate", "watchlist", id, owner.unit_id());
        let l = self
            .ctx
            .store
            .set_watchlist_active(&owner, id, false, None, &audit, now())
            .await?;
        self.reindex().await?;
        Ok(l)
    }

    /// A page of a list's entries.
    #[tracing::instrument(skip_all, fields(list = %id))]
    pub async fn entries(&self, who: &Principal, id: &str, page: Page) -> ServiceResult<Listing<Entry>> {
        who.require(Permission::WatchlistManage)?;
        let (owner, _, _) = owner_of(who)?;
        Ok(self.ctx.store.list_watchlist_entries(&owner, id, page).await?)
    }

    /// Adds entries (one from a form, many from the API or the benchmark) in one transaction.
    /// `watchlist.entry_add`.
    #[tracing::instrument(skip_all, fields(list = %id, n = drafts.len()))]
    pub async fn add_entries(&self, who: &Principal, id: &str, drafts: Vec<EntryDraft>) -> ServiceResult<Vec<Entry>> {
        who.require(Permission::WatchlistManage)?;
        let (owner, _, _) = owner_of(who)?;
        let list = self.own_list(who, &owner, id).await?;
        if drafts.is_empty() {
            return Err(ServiceError::invalid("请至少填写一个布控对象"));
        }
        if list.entry_count + drafts.len() as i64 > MAX_ENTRIES {
            return Err(ServiceError::invalid(format!("一个布控名单最多 {MAX_ENTRIES} 个对象")));
        }
        let entries = drafts
            .into_iter()
            .enumerate()
            .map(|(i, d)| {
                checked_entry(&list, d).map_err(|e| match e {
                    ServiceError::Refused(mut r) if i > 0 => {
                        r.message = format!("第 {} 个对象：{}", i + 1, r.message);
                        ServiceError::Refused(r)
                    }
                    e => e,
                })
            })
            .collect::<ServiceResult<Vec<NewEntry>>>()?;
        let mut audit = who.audit("watchlist.entry_add", "watchlist", id, owner.unit_id());
        audit.detail = format!("{} 个", entries.len());
        self.ctx
            .store
            .add_watchlist_entries(&owner, id, &entries, &audit)
            .await?;
        if list.active {
            self.reindex().await?;
        }
        Ok(entries
            .into_iter()
            .map(|e| Entry {
                id: e.id,
                watchlist_id: e.watchlist_id,
                plate: e.plate,
                subject_name: e.subject_name,
                external_subject_id: e.external_subject_id,
                has_template: e.template.is_some(),
                has_photo: e.photo.is_some(),
                note: e.note,
                created_at: e.at,
            })
            .collect())
    }

    /// Removes an entry. `watchlist.entry_delete`.
    #[tracing::instrument(skip_all, fields(list = %id, entry = %entry_id))]
    pub async fn delete_entry(&self, who: &Principal, id: &str, entry_id: &str) -> ServiceResult<()> {
        who.require(Permission::WatchlistManage)?;
        let (owner, _, _) = owner_of(who)?;
        let list = self.own_list(who, &owner, id).await?;
        let audit = who.audit("watchlist.entry_delete", "watchlist_entry", entry_id, owner.unit_id());
        self.ctx
            .store
            .delete_watchlist_entry(&owner, id, entry_id, &audit)
            .await?;
        if list.active {
            self.reindex().await?;
        }
        Ok(())
    }

    /// An entry's reference photo, for a stated purpose (audited first; R64: biometric data).
    /// 404 without one.
    #[tracing::instrument(skip_all, fields(list = %id, entry = %entry_id))]
    pub async fn entry_photo(
        &self,
        who: &Principal,
        id: &str,
        entry_id: &str,
        purpose: &str,
    ) -> ServiceResult<Vec<u8>> {
        who.require(Permission::WatchlistReview)?;
        let purpose = checked_text(purpose, "用途", 200, false, false)?;
        if purpose.is_empty() {
            return Err(ServiceError::code(ErrorCode::PurposeRequired));
        }
        let (owner, _, _) = owner_of(who)?;
        let mut audit = who.audit("watchlist.entry_photo", "watchlist_entry", entry_id, owner.unit_id());
        audit.purpose = purpose;
        self.ctx
            .store
            .watchlist_entry_photo(&owner, id, entry_id, &audit)
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    /// A page of the hits of the caller's lists, optionally of one status.
    #[tracing::instrument(skip_all)]
    pub async fn hits(&self, who: &Principal, status: Option<HitStatus>, page: Page) -> ServiceResult<Listing<Hit>> {
        who.require(Permission::WatchlistReview)?;
        let (owner, _, _) = owner_of(who)?;
        Ok(self.ctx.store.list_watchlist_hits(&owner, status, page).await?)
    }

    /// One hit of the caller's lists (404 otherwise: a police list's hit is the named organ's only).
    #[tracing::instrument(skip_all, fields(hit = %id))]
    pub async fn hit(&self, who: &Principal, id: &str) -> ServiceResult<Hit> {
        who.require(Permission::WatchlistReview)?;
        let (owner, _, _) = owner_of(who)?;
        self.ctx
            .store
            .watchlist_hit(&owner, id)
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    /// Records the human check of a hit: `confirm` (确认本人) or `reject` (非本人; a note is
    /// required). `watchlist.hit_confirm` / `watchlist.hit_reject`.
    #[tracing::instrument(skip_all, fields(hit = %id))]
    pub async fn review(&self, who: &Principal, id: &str, r: HitReview) -> ServiceResult<Hit> {
        who.require(Permission::WatchlistReview)?;
        let (owner, _, _) = owner_of(who)?;
        let (status, action) = match r.decision.trim() {
            "confirm" => (HitStatus::Confirmed, "watchlist.hit_confirm"),
            "reject" => (HitStatus::Rejected, "watchlist.hit_reject"),
            _ => return Err(ServiceError::invalid("请选择核验结论：确认本人或非本人")),
        };
        let note = checked_text(&r.note, "核验说明", 500, status == HitStatus::Rejected, true)?;
        let audit = who.audit(action, "watchlist_hit", id, owner.unit_id());
        Ok(self
            .ctx
            .store
            .review_watchlist_hit(&owner, id, status, &who.user_id, &actor(who), &note, &audit, now())
            .await?)
    }
}

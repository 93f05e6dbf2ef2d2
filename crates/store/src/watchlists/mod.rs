//! Repositories of watchlists (布控) and PIAs: [`WatchlistRepo`], [`PiaRepo`]
//! (docs/WATCHLISTS.md). Implemented by both backends in `sql.rs`.
//!
//! Visibility is narrower than a scope: a list, its entries, its hits and a PIA are found only by
//! their owner (the police organ or the unit, [`Owner`]); anyone else gets `None` / `NotFound`.

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use neibao_domain::audit::AuditEntry;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::watchlists::*;

/// A list's changeable fields.
#[derive(Debug, Clone)]
pub struct WatchlistChange {
    pub name: String,
    pub legal_basis: String,
    pub expires_on: NaiveDate,
    pub threshold: u8,
}

/// Lists, entries and hits.
#[async_trait]
pub trait WatchlistRepo: Send + Sync {
    /// Stores a new (inactive) list with `audit`.
    async fn create_watchlist(&self, l: &NewWatchlist, audit: &AuditEntry) -> StoreResult<Watchlist>;

    /// The owner's lists, newest first.
    async fn list_watchlists(&self, owner: &Owner) -> StoreResult<Vec<Watchlist>>;

    /// One of the owner's lists; `None` otherwise.
    async fn watchlist(&self, owner: &Owner, id: &str) -> StoreResult<Option<Watchlist>>;

    /// Changes a list's name, basis, expiry and threshold with `audit`. `NotFound` otherwise.
    async fn update_watchlist(
        &self,
        owner: &Owner,
        id: &str,
        c: &WatchlistChange,
        audit: &AuditEntry,
        at: DateTime<Utc>,
    ) -> StoreResult<Watchlist>;

    /// Switches a list on (with the PIA it was switched on under) or off, with `audit`.
    async fn set_watchlist_active(
        &self,
        owner: &Owner,
        id: &str,
        active: bool,
        pia_id: Option<&str>,
        audit: &AuditEntry,
        at: DateTime<Utc>,
    ) -> StoreResult<Watchlist>;

    /// Adds entries to one of the owner's lists in one transaction with one `audit` (templates
    /// and photos encrypted with the biometric key). `NotFound` otherwise.
    async fn add_watchlist_entries(
        &self,
        owner: &Owner,
        list_id: &str,
        entries: &[NewEntry],
        audit: &AuditEntry,
    ) -> StoreResult<u64>;

    /// A page of a list's entries, newest first. `NotFound` outside the owner.
    async fn list_watchlist_entries(&self, owner: &Owner, list_id: &str, page: Page) -> StoreResult<Listing<Entry>>;

    /// Removes an entry with `audit`. `NotFound` otherwise.
    async fn delete_watchlist_entry(
        &self,
        owner: &Owner,
        list_id: &str,
        entry_id: &str,
        audit: &AuditEntry,
    ) -> StoreResult<()>;

    /// An entry's reference photo, decrypted, with `audit` (a read of biometric data); `None`
    /// without one or outside the owner.
    async fn watchlist_entry_photo(
        &self,
        owner: &Owner,
        list_id: &str,
        entry_id: &str,
        audit: &AuditEntry,
    ) -> StoreResult<Option<Vec<u8>>>;

    /// Every active list and its entries, for the in-memory index.
    async fn watch_index_data(&self) -> StoreResult<(Vec<IndexList>, Vec<IndexEntry>)>;

    /// Stores hits found by the pipeline.
    async fn record_watchlist_hits(&self, hits: &[NewHit]) -> StoreResult<()>;

    /// A page of the hits of the owner's lists (newest first), optionally of one status.
    async fn list_watchlist_hits(
        &self,
        owner: &Owner,
        status: Option<HitStatus>,
        page: Page,
    ) -> StoreResult<Listing<Hit>>;

    /// One hit of the owner's lists; `None` otherwise.
    async fn watchlist_hit(&self, owner: &Owner, id: &str) -> StoreResult<Option<Hit>>;

    /// Records the human check of a pending hit with `audit` (`InvalidTransition` when already
    /// checked, `NotFound` outside the owner).
    #[allow(clippy::too_many_arguments)]
    async fn review_watchlist_hit(
        &self,
        owner: &Owner,
        id: &str,
        status: HitStatus,
        by: &str,
        by_name: &str,
        note: &str,
        audit: &AuditEntry,
        at: DateTime<Utc>,
    ) -> StoreResult<Hit>;
}

/// Personal-information protection impact assessments.
#[async_trait]
pub trait PiaRepo: Send + Sync {
    /// Stores a draft with `audit`.
    async fn create_pia(&self, p: &NewPia, audit: &AuditEntry) -> StoreResult<Pia>;

    /// The owner's PIAs, newest first.
    async fn list_pias(&self, owner: &Owner) -> StoreResult<Vec<Pia>>;

    /// One of the owner's PIAs; `None` otherwise.
    async fn pia(&self, owner: &Owner, id: &str) -> StoreResult<Option<Pia>>;

    /// Approves a draft (by someone other than its drafter: checked by the service) with
    /// `audit`; its keeping period restarts. `InvalidTransition` when not a draft.
    async fn approve_pia(
        &self,
        owner: &Owner,
        id: &str,
        by: &str,
        by_name: &str,
        audit: &AuditEntry,
        at: DateTime<Utc>,
    ) -> StoreResult<Pia>;

    /// Deletes a PIA whose keeping period has ended (checked by the service) and that no list
    /// was switched on under, with `audit`.
    async fn delete_pia(&self, owner: &Owner, id: &str, audit: &AuditEntry) -> StoreResult<()>;
}

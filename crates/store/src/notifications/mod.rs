//! Repositories of notifications: [`ChannelRepo`], [`OutboxRepo`], [`InboxRepo`]. Implemented by both
//! backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::audit::AuditEntry;
use neibao_domain::notifications::*;

/// Notification channels (config encrypted at rest).
#[async_trait]
pub trait ChannelRepo: Send + Sync {
    /// Adds a notification channel (config encrypted at rest). The channel and `audit` (its
    /// object id filled in with the new id when empty) commit together.
    async fn create_channel(
        &self,
        channel: &NewChannel,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<NotificationChannel>;
    async fn get_channel(&self, id: &str) -> StoreResult<NotificationChannel>;
    async fn list_channels(&self) -> StoreResult<Vec<NotificationChannel>>;
    /// Switches a channel on or off; the change and `audit` commit together.
    async fn set_channel_enabled(
        &self,
        id: &str,
        enabled: bool,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}

/// The notification outbox: fan-out, claims with a lease, delivery outcomes.
#[async_trait]
pub trait OutboxRepo: Send + Sync {
    /// In one transaction: inbox items for the recipients and one outbox row per matching enabled
    /// channel (each (alert, channel, level) once). Returns the outbox rows added.
    async fn fan_out(&self, fanout: &Fanout, now: DateTime<Utc>) -> StoreResult<usize>;
    /// Claims pending outbox rows that are due, with a lease (`attempts` counts claims).
    async fn claim_outbox(
        &self,
        node: &str,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: i64,
    ) -> StoreResult<Vec<(OutboxItem, NotificationChannel)>>;
    /// Records a delivery attempt's outcome; false when this node no longer holds the claim.
    async fn finish_outbox(
        &self,
        id: &str,
        node: &str,
        outcome: &DeliveryOutcome,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Deliveries of one alert (caller checks the alert is in scope).
    async fn alert_outbox(&self, alert_id: &str) -> StoreResult<Vec<OutboxItem>>;
}

/// The in-app inbox of each user.
#[async_trait]
pub trait InboxRepo: Send + Sync {
    async fn list_inbox(&self, user_id: &str, unread_only: bool, limit: i64) -> StoreResult<Vec<InboxItem>>;
    async fn count_unread(&self, user_id: &str) -> StoreResult<i64>;
    /// Marks one item (or all with `None`) read; returns how many changed. When some did, the
    /// change and `audit` commit together.
    async fn mark_inbox_read(
        &self,
        user_id: &str,
        id: Option<&str>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<u64>;
}

//! Repository of private-enterprise requests: [`EnterpriseRequestRepo`]. Implemented by both
//! backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::enterprise_requests::*;
use neibao_domain::jobs::NewJob;
use neibao_domain::paging::{Listing, Page};

/// A change of a request (each with its audit row, one transaction).
#[derive(Debug, Clone)]
pub enum RequestChange {
    /// The station names a handler (a police account).
    Assign { handler_id: String, handler_name: String },
    /// A reply; `police` marks the first police reply's time.
    Reply { reply: RequestReply },
    /// Closure by the police with a note.
    Close { by: String, note: String },
    /// The enterprise's rating of a closed request (once).
    Rate { rating: Rating },
}

/// Private-enterprise requests (docs/ENTERPRISE-REQUESTS.md; seed highlight 6). Methods taking
/// a scope do not find a request or unit outside it.
#[async_trait]
pub trait EnterpriseRequestRepo: Send + Sync {
    /// Stores a new request with its deadline job and `audit`, in one transaction. `NotFound`
    /// when the unit is outside the scope; `InvalidTransition` when the unit is not an active
    /// private enterprise. The station is the unit's at filing.
    async fn create_enterprise_request(
        &self,
        scope: &Scope,
        r: &NewRequest,
        job: &NewJob,
        audit: &AuditEntry,
    ) -> StoreResult<EnterpriseRequest>;

    /// One request with its replies; `None` when absent or outside the scope.
    async fn enterprise_request(&self, scope: &Scope, id: &str) -> StoreResult<Option<RequestDetail>>;

    /// Requests in scope, newest first.
    async fn list_enterprise_requests(
        &self,
        scope: &Scope,
        f: &RequestFilter,
        page: Page,
    ) -> StoreResult<Listing<EnterpriseRequest>>;

    /// Counts of the requests in scope.
    async fn enterprise_request_counts(&self, scope: &Scope) -> StoreResult<RequestCounts>;

    /// Applies `change` at `at` with `audit` in one transaction. `NotFound` outside the scope;
    /// `InvalidTransition` for a change the state does not allow (a reply, assignment or closure
    /// of a closed request; a rating of an open or already rated one).
    async fn change_enterprise_request(
        &self,
        scope: &Scope,
        id: &str,
        change: &RequestChange,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<RequestDetail>;

    /// Sets the response deadline in days (meta key
    /// [`neibao_domain::enterprise_requests::RESPONSE_DAYS_KEY`]) with `audit`, in one transaction.
    async fn set_enterprise_response_days(&self, days: i64, audit: &AuditEntry) -> StoreResult<()>;

    /// Marks the request overdue if it is still open and its deadline is at or before `now`;
    /// answers it when it was marked now (`None` otherwise), audited as the system with `audit`.
    async fn mark_enterprise_request_overdue(
        &self,
        id: &str,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<Option<EnterpriseRequest>>;
}

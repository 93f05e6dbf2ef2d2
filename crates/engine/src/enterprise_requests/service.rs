//! [`EnterpriseRequestService`]: private-enterprise requests (docs/ENTERPRISE-REQUESTS.md; seed
//! highlight 6).
//!
//! Who may do what: a private enterprise's manager files, replies and rates
//! ([`Permission::EnterpriseRequestFile`]); police of the jurisdiction assign a handler, reply
//! and close ([`Permission::EnterpriseRequestHandle`]); everyone reads the requests of the units
//! in their scope (outside it: not found).

use chrono::{DateTime, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::attachments::AttachmentOwner;
use neibao_domain::enterprise_requests::*;
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::text::checked_text;
use neibao_store::enterprise_requests::RequestChange;

use super::deadline::{deadline_job, deadline_of};
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::notifications::notice::{send, Notice};

/// What the enterprise sends: a [`RequestKind`] code and the text.
#[derive(Debug, Clone, Default)]
pub struct FileInput {
    pub kind: String,
    pub text: String,
}

fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

fn name_of(who: &Principal) -> String {
    let name = if who.display_name.trim().is_empty() {
        who.username.clone()
    } else {
        who.display_name.clone()
    };
    match (&who.org_name, &who.unit_name) {
        (Some(org), _) => format!("{name}（{org}）"),
        (None, Some(unit)) => format!("{name}（{unit}）"),
        _ => name,
    }
}

#[derive(Clone)]
pub struct EnterpriseRequestService {
    pub(crate) ctx: Ctx,
}

impl EnterpriseRequestService {
    pub fn new(ctx: Ctx) -> EnterpriseRequestService {
        EnterpriseRequestService { ctx }
    }

    /// Files a request of the unit ([`Permission::EnterpriseRequestFile`]; 404 outside the
    /// scope). 400 for an unknown kind or an empty or over-long text (2000 characters); 409
    /// `invalid_transition` for a unit not flagged 民营企业 or not active. The deadline is
    /// [`RESPONSE_DAYS`] days on; the station is told at once. Audited as
    /// `enterprise_request.file`. Repeats of one `Idempotency-Key` make one request (middleware).
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn file(&self, who: &Principal, unit_id: &str, input: FileInput) -> ServiceResult<EnterpriseRequest> {
        who.require(Permission::EnterpriseRequestFile)?;
        let code = input.kind.trim();
        if code.is_empty() {
            return Err(ServiceError::invalid("请选择诉求类型"));
        }
        let kind = RequestKind::from_code(code)
            .ok_or_else(|| ServiceError::invalid(format!("诉求类型「{code}」不存在，请从列表中选择")))?;
        let text = checked_text(&input.text, "诉求内容", MAX_TEXT_CHARS, true, true)?;
        let at = now();
        let r = NewRequest {
            id: new_id(),
            unit_id: unit_id.to_string(),
            kind,
            text,
            filed_by: who.user_id.clone(),
            filed_by_name: name_of(who),
            at,
            deadline: deadline_of(at, self.response_days().await?),
        };
        let audit = who.audit("enterprise_request.file", "enterprise_request", &r.id, Some(unit_id));
        let created = self
            .ctx
            .store
            .create_enterprise_request(&who.scope, &r, &deadline_job(&r.id, r.deadline), &audit)
            .await?;
        if let Some(station) = &created.station_id {
            let notice = Notice {
                key: format!("enterprise-request:{}", created.id),
                unit_id: None,
                org_ids: vec![station.clone()],
                title: format!("收到民营企业诉求：{}（{}）", created.unit_name, kind.label_zh()),
                unit_name: created.unit_name.clone(),
                summary: format!(
                    "请指派承办民警，在 {} 前答复。",
                    created
                        .deadline
                        .with_timezone(&chrono_tz::Asia::Shanghai)
                        .format("%Y-%m-%d %H:%M")
                ),
                link: format!("/enterprise-requests/{}", created.id),
                at,
            };
            send(self.ctx.store.as_ref(), &notice, self.ctx.config.public_url.as_deref())
                .await
                .map_err(ServiceError::from)?;
        }
        Ok(created)
    }

    /// The response deadline in days (default [`RESPONSE_DAYS`]; 1–60 when configured).
    pub async fn response_days(&self) -> ServiceResult<i64> {
        let v = self.ctx.store.get_meta(RESPONSE_DAYS_KEY).await?;
        Ok(response_days(v.and_then(|s| s.parse().ok())))
    }

    /// Sets the response deadline (administrators, [`Permission::EnterpriseRequestConfigure`]):
    /// 1–60 days, for requests filed after. Audited as `enterprise_request.settings`.
    #[tracing::instrument(skip_all, fields(days))]
    pub async fn set_response_days(&self, who: &Principal, days: i64) -> ServiceResult<i64> {
        who.require(Permission::EnterpriseRequestConfigure)?;
        if !(1..=60).contains(&days) {
            return Err(ServiceError::invalid("诉求答复期限为 1–60 天"));
        }
        let mut audit = who.audit(
            "enterprise_request.settings",
            "enterprise_request_settings",
            RESPONSE_DAYS_KEY,
            None,
        );
        audit.detail = format!("{days} 天");
        self.ctx.store.set_enterprise_response_days(days, &audit).await?;
        Ok(days)
    }

    /// One request with its replies. 404 absent or outside the scope.
    #[tracing::instrument(skip_all, fields(request = %id))]
    pub async fn get(&self, who: &Principal, id: &str) -> ServiceResult<RequestDetail> {
        let d = self
            .ctx
            .store
            .enterprise_request(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)?;
        self.with_files(who, d).await
    }

    /// `d` with the enterprise's files (of the request's unit, in the caller's scope).
    pub(super) async fn with_files(&self, who: &Principal, mut d: RequestDetail) -> ServiceResult<RequestDetail> {
        d.attachments = self
            .ctx
            .store
            .list_attachments(&who.scope, AttachmentOwner::EnterpriseRequest, &d.request.id)
            .await?;
        Ok(d)
    }

    /// Requests in scope, newest first (open/closed, overdue only, one unit's).
    #[tracing::instrument(skip_all)]
    pub async fn list(
        &self,
        who: &Principal,
        f: &RequestFilter,
        page: Page,
    ) -> ServiceResult<Listing<EnterpriseRequest>> {
        Ok(self.ctx.store.list_enterprise_requests(&who.scope, f, page).await?)
    }

    /// Open, overdue and closed counts, the mean time to the first police reply, the ratings.
    #[tracing::instrument(skip_all)]
    pub async fn counts(&self, who: &Principal) -> ServiceResult<RequestCounts> {
        Ok(self.ctx.store.enterprise_request_counts(&who.scope).await?)
    }

    async fn change(
        &self,
        who: &Principal,
        id: &str,
        change: RequestChange,
        action: &str,
    ) -> ServiceResult<RequestDetail> {
        let audit = who.audit(action, "enterprise_request", id, None);
        let d = self
            .ctx
            .store
            .change_enterprise_request(&who.scope, id, &change, now(), &audit)
            .await?;
        self.with_files(who, d).await
    }

    /// Names the handler ([`Permission::EnterpriseRequestHandle`]): an active police account.
    /// 400 otherwise; 404 outside the scope; 409 for a closed request. Audited as
    /// `enterprise_request.assign`.
    #[tracing::instrument(skip_all, fields(request = %id))]
    pub async fn assign(&self, who: &Principal, id: &str, handler_id: &str) -> ServiceResult<RequestDetail> {
        who.require(Permission::EnterpriseRequestHandle)?;
        self.get(who, id).await?;
        let handler_id = handler_id.trim();
        if handler_id.is_empty() {
            return Err(ServiceError::invalid("请选择承办民警"));
        }
        let acc = match self.ctx.store.get_account(handler_id).await {
            Ok(a) => a,
            Err(neibao_store::StoreError::NotFound) => return Err(ServiceError::invalid("所选承办民警的账号不存在")),
            Err(e) => return Err(e.into()),
        };
        if !acc.user.role.is_police() || acc.disabled {
            return Err(ServiceError::invalid("承办民警须为在用的公安机关账号"));
        }
        let name = if acc.user.display_name.trim().is_empty() {
            acc.user.username.clone()
        } else {
            acc.user.display_name.clone()
        };
        let change = RequestChange::Assign {
            handler_id: acc.user.id.clone(),
            handler_name: match &acc.user.org_name {
                Some(o) => format!("{name}（{o}）"),
                None => name,
            },
        };
        self.change(who, id, change, "enterprise_request.assign").await
    }

    /// A reply: the police's ([`Permission::EnterpriseRequestHandle`]; the first one sets the
    /// response time) or the enterprise's ([`Permission::EnterpriseRequestFile`]). 400 for an
    /// empty or over-long text; 404 outside the scope; 409 for a closed request. Audited as
    /// `enterprise_request.reply`.
    #[tracing::instrument(skip_all, fields(request = %id))]
    pub async fn reply(&self, who: &Principal, id: &str, text: &str) -> ServiceResult<RequestDetail> {
        let side = if who.can(Permission::EnterpriseRequestHandle) {
            "police"
        } else {
            who.require(Permission::EnterpriseRequestFile)?;
            "unit"
        };
        let text = checked_text(text, "回复内容", MAX_TEXT_CHARS, true, true)?;
        let current = self.get(who, id).await?;
        let reply = RequestReply {
            id: new_id(),
            request_id: id.to_string(),
            side: side.into(),
            author_id: who.user_id.clone(),
            author_name: name_of(who),
            text,
            at: now(),
        };
        let d = self
            .change(who, id, RequestChange::Reply { reply }, "enterprise_request.reply")
            .await?;
        if side == "police" {
            let n = d.replies.len();
            let notice = Notice {
                key: format!("enterprise-request-reply:{id}:{n}"),
                unit_id: Some(current.request.unit_id.clone()),
                org_ids: Vec::new(),
                title: format!("民营企业诉求有新答复：{}", current.request.kind.label_zh()),
                unit_name: current.request.unit_name.clone(),
                summary: "公安机关答复了本单位的诉求，请查看。".into(),
                link: format!("/enterprise-requests/{id}"),
                at: now(),
            };
            send(self.ctx.store.as_ref(), &notice, self.ctx.config.public_url.as_deref())
                .await
                .map_err(ServiceError::from)?;
        }
        Ok(d)
    }

    /// Closes the request ([`Permission::EnterpriseRequestHandle`]) with a note (required, 500).
    /// 404 outside the scope; 409 when already closed. Audited as `enterprise_request.close`;
    /// the unit is asked for its rating.
    #[tracing::instrument(skip_all, fields(request = %id))]
    pub async fn close(&self, who: &Principal, id: &str, note: &str) -> ServiceResult<RequestDetail> {
        who.require(Permission::EnterpriseRequestHandle)?;
        let note = checked_text(note, "办结情况", MAX_NOTE_CHARS, true, true)?;
        let d = self
            .change(
                who,
                id,
                RequestChange::Close { by: name_of(who), note },
                "enterprise_request.close",
            )
            .await?;
        let notice = Notice {
            key: format!("enterprise-request-closed:{id}"),
            unit_id: Some(d.request.unit_id.clone()),
            org_ids: Vec::new(),
            title: format!("民营企业诉求已办结：{}", d.request.kind.label_zh()),
            unit_name: d.request.unit_name.clone(),
            summary: "公安机关已办结本单位的诉求，请评价办理结果（满意、基本满意、不满意）。".into(),
            link: format!("/enterprise-requests/{id}"),
            at: now(),
        };
        send(self.ctx.store.as_ref(), &notice, self.ctx.config.public_url.as_deref())
            .await
            .map_err(ServiceError::from)?;
        Ok(d)
    }

    /// The enterprise's rating of a closed request ([`Permission::EnterpriseRequestFile`]): a
    /// [`Rating`] code. 400 for an unknown one; 404 outside the scope; 409 while open or when
    /// rated already. Audited as `enterprise_request.rate`.
    #[tracing::instrument(skip_all, fields(request = %id))]
    pub async fn rate(&self, who: &Principal, id: &str, rating: &str) -> ServiceResult<RequestDetail> {
        who.require(Permission::EnterpriseRequestFile)?;
        let code = rating.trim();
        if code.is_empty() {
            return Err(ServiceError::invalid("请选择评价（满意、基本满意、不满意）"));
        }
        let rating = Rating::from_code(code)
            .ok_or_else(|| ServiceError::invalid(format!("评价「{code}」不存在，请选择满意、基本满意或不满意")))?;
        let mut d = self.get(who, id).await?;
        d = self
            .change(
                who,
                &d.request.id,
                RequestChange::Rate { rating },
                "enterprise_request.rate",
            )
            .await?;
        Ok(d)
    }
}

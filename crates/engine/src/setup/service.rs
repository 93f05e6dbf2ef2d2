//! [`SetupService`]: whether the installation still needs its first-run setup, and completing
//! it. Only the bootstrap administrator of a new installation completes it, once.

use chrono::Utc;
use neibao_domain::access::{Permission, Principal, Role, Scope};
use neibao_domain::accounts::NewUser;
use neibao_domain::error::ErrorCode;
use neibao_domain::ids::new_id;
use neibao_domain::organisations::NewOrgHistory;
use neibao_domain::registry::Organisation;
use neibao_domain::setup::{top_org_kind, SetupInput, SetupStatus, SETUP_META_KEY};
use neibao_domain::users::{check_display_name, check_username};
use neibao_store::StoreError;
use serde::{Deserialize, Serialize};

use crate::accounts::{check_password_policy, hash_password};
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};

/// What the completed setup made.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SetupDone {
    /// The top organisation.
    pub organisation: Organisation,
    /// The new administrator's id and user name.
    pub admin_id: String,
    pub admin_username: String,
    /// True: the bootstrap account that completed the setup is now disabled; sign in with the
    /// new account.
    pub bootstrap_disabled: bool,
}

/// The stored record of a completed setup (meta [`SETUP_META_KEY`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Completed {
    at: String,
    division_code: String,
    org_id: String,
    admin_username: String,
}

/// The division code the installation serves, chosen in its first-run setup (e.g. `330100`);
/// `None` before the setup and for an installation that never had one (the demo).
///
/// Errors: the database.
pub async fn served_division(store: &dyn neibao_store::Store) -> ServiceResult<Option<String>> {
    let Some(raw) = store.get_meta(SETUP_META_KEY).await? else {
        return Ok(None);
    };
    Ok(serde_json::from_str::<Completed>(&raw).ok().map(|c| c.division_code))
}

/// First-run setup.
#[derive(Clone)]
pub struct SetupService {
    pub(crate) ctx: Ctx,
}

impl SetupService {
    pub fn new(ctx: Ctx) -> SetupService {
        SetupService { ctx }
    }

    /// Whether the installation still needs its setup: no setup completed, no demo data, and no
    /// organisation at all (an installation that already has its tree does not need it).
    ///
    /// Errors: the database.
    #[tracing::instrument(skip_all)]
    pub async fn status(&self) -> ServiceResult<SetupStatus> {
        let store = &self.ctx.store;
        if let Some(raw) = store.get_meta(SETUP_META_KEY).await? {
            let done: Option<Completed> = serde_json::from_str(&raw).ok();
            return Ok(SetupStatus {
                needed: false,
                completed_at: done.as_ref().map(|d| d.at.clone()),
                division_code: done.as_ref().map(|d| d.division_code.clone()),
                org_id: done.map(|d| d.org_id),
            });
        }
        let needed =
            store.get_meta("demo_loaded").await?.is_none() && store.list_organisations(None, None).await?.is_empty();
        Ok(SetupStatus {
            needed,
            completed_at: None,
            division_code: None,
            org_id: None,
        })
    }

    /// Completes the setup: the top police organisation at the chosen division, the first
    /// administrator's own account (installation-wide, with the password they chose), and the
    /// bootstrap account `who` disabled (its sessions end: sign in again with the new account).
    /// Everything is checked before anything is written; audited as `setup.complete`.
    ///
    /// Errors: `forbidden` (not an installation-wide administrator); `invalid_transition` when the
    /// setup is not needed any more; `invalid_division_code` (no such division in force, or a
    /// township); `validation_failed` (names); `weak_password`; `conflict` (user name taken).
    #[tracing::instrument(skip_all)]
    pub async fn complete(&self, who: &Principal, input: SetupInput) -> ServiceResult<SetupDone> {
        who.require(Permission::UserAdminister)?;
        if !matches!(who.scope, Scope::All) || who.user_id.is_empty() {
            return Err(ServiceError::forbidden("初始设置只能由系统初始管理员完成"));
        }
        if !self.status().await?.needed {
            return Err(ServiceError::refused(
                ErrorCode::InvalidTransition,
                "本系统已完成初始设置（或已有机构），不能再次设置；请在「组织机构」中管理机构",
            ));
        }
        let store = &self.ctx.store;
        let code = input.division_code.trim();
        let bad_division = |m: String| ServiceError::refused(ErrorCode::InvalidDivisionCode, m);
        let division = match store.get_division(code).await {
            Ok(d) if d.valid_to.is_none() => d,
            Ok(d) => return Err(bad_division(format!("行政区划「{}」已撤销，请选择现行区划", d.name))),
            Err(StoreError::NotFound) => {
                return Err(bad_division(format!(
                    "行政区划代码「{}」不存在，请选择本系统服务的省、市或县（区）",
                    code.chars().take(12).collect::<String>()
                )))
            }
            Err(e) => return Err(e.into()),
        };
        let kind = top_org_kind(&division.level).ok_or_else(|| {
            bad_division("请选择省、市或县（区）一级：乡镇（街道）由派出所管辖，不能作为本系统的服务范围".into())
        })?;
        let org_name = input.org_name.trim();
        if org_name.is_empty() || org_name.chars().count() > 64 {
            return Err(ServiceError::invalid(
                "请填写本级公安机关名称（不超过 64 字），如 杭州市公安局",
            ));
        }
        let username = check_username(&input.username)?;
        let display_name = check_display_name(&input.display_name)?;
        check_password_policy(&input.password, &username)?;
        if store.user_credentials(&username).await?.is_some() {
            return Err(ServiceError::refused(
                ErrorCode::Conflict,
                format!("用户名「{username}」已被使用，请换一个"),
            ));
        }

        let org = Organisation {
            id: new_id(),
            name: org_name.to_string(),
            kind: kind.to_string(),
            division_code: division.code.clone(),
            parent_id: None,
            sector: None,
        };
        // The top of the tree, with its history row and audit entry like any organisation
        // (docs/ORGANISATIONS.md); a city or county bureau may be the top of an installation that
        // serves only that city or county.
        let sentence = format!(
            "{} 在初始设置中新建了本级公安机关「{}」（{}，行政区划 {}）",
            neibao_domain::audit::actor_label(&who.username),
            org.name,
            neibao_domain::registry::org_kind_label_zh(&org.kind),
            org.division_code
        );
        let history = NewOrgHistory {
            action: "create".into(),
            actor_id: Some(who.user_id.clone()),
            actor_name: who.username.clone(),
            before: None,
            after: Some(serde_json::json!({
                "name": org.name, "kind": org.kind, "division_code": org.division_code,
                "parent_id": null, "sector": null, "status": "open", "version": 1,
            })),
            sentence: sentence.clone(),
        };
        let mut org_audit = who.audit("organisation.create", "organisations", "", None);
        org_audit.detail = serde_json::json!({ "sentence": sentence }).to_string();
        store.create_org(&org, &history, &org_audit, Utc::now()).await?;
        let mut audit = who.audit("setup.complete", "installation", &org.id, None);
        audit.detail = serde_json::json!({
            "division_code": division.code,
            "division": division.name,
            "organisation": org.name,
            "admin": username,
        })
        .to_string();
        let admin_id = store
            .create_account(
                &NewUser {
                    username: username.clone(),
                    display_name,
                    password_hash: hash_password(&input.password),
                    password_temporary: false,
                    role: Role::Admin,
                    org_id: None,
                    unit_id: None,
                },
                None,
                &audit,
                Utc::now(),
            )
            .await?;
        let done = Completed {
            at: Utc::now().to_rfc3339(),
            division_code: division.code.clone(),
            org_id: org.id.clone(),
            admin_username: username.clone(),
        };
        store
            .set_meta(SETUP_META_KEY, &serde_json::to_string(&done).unwrap_or_default())
            .await?;
        // The bootstrap account's password was in an environment variable or on a console:
        // it is retired now that a named administrator exists.
        let mut retire = who.audit("user.disable", "users", &who.user_id, None);
        retire.detail =
            serde_json::json!({ "username": who.username, "reason": "初始设置完成，停用初始管理员账号" }).to_string();
        store
            .set_account_disabled(&who.user_id, true, &retire, Utc::now())
            .await?;
        Ok(SetupDone {
            organisation: org,
            admin_id,
            admin_username: username,
            bootstrap_disabled: true,
        })
    }
}

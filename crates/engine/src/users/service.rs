//! [`UserService`]: account administration (docs/SECURITY.md "Account administration").
//! Security-sensitive: whose accounts an administrator reaches is decided here, by the
//! division code of the account's organisation or unit against the administrator's scope.

use chrono::Utc;
use neibao_domain::access::{Permission, Principal, Role, Scope};
use neibao_domain::accounts::NewUser;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::users::{
    check_display_name, check_external_subject, check_node, check_username, AccountChange, Node, UserAccount,
    UserFilter,
};
use neibao_store::StoreError;
use serde::{Deserialize, Serialize};

use crate::accounts::{hash_password, temporary_password};
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};

/// An account to create. The first password is made by the server and shown once.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewAccount {
    /// 3–32 of `a-z 0-9 _ . -`, starting with a letter.
    #[schema(min_length = 3, max_length = 32, pattern = "^[a-z][a-z0-9_.-]{2,31}$")]
    pub username: String,
    /// The person's name, 1–50 characters.
    #[schema(min_length = 1, max_length = 50)]
    pub display_name: String,
    pub role: Role,
    /// The police organisation or competent department (police, department and delegated
    /// administrator roles).
    #[serde(default)]
    pub org_id: Option<String>,
    /// The unit (unit manager and guard roles).
    #[serde(default)]
    pub unit_id: Option<String>,
    /// The person's subject in an external directory (统一身份认证, LDAP DN, OIDC `sub`), at most
    /// 256 characters; unique. Not used for sign-in yet.
    #[serde(default)]
    #[schema(max_length = 256)]
    pub external_subject: Option<String>,
}

/// An account's new name, role and node (a move to another organisation or unit).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct AccountEdit {
    #[schema(min_length = 1, max_length = 50)]
    pub display_name: String,
    pub role: Role,
    #[serde(default)]
    pub org_id: Option<String>,
    #[serde(default)]
    pub unit_id: Option<String>,
    /// As in [`NewAccount`]; empty or absent clears it.
    #[serde(default)]
    #[schema(max_length = 256)]
    pub external_subject: Option<String>,
}

/// A new account and its first password, shown this once (the person changes it on the
/// account page).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CreatedAccount {
    #[serde(flatten)]
    pub account: UserAccount,
    pub initial_password: String,
}

/// Account administration.
#[derive(Clone)]
pub struct UserService {
    ctx: Ctx,
}

/// The division-code prefix an administrator reaches: `None` for everything.
fn reach(who: &Principal) -> ServiceResult<Option<String>> {
    who.require(Permission::UserAdminister)?;
    match &who.scope {
        Scope::All => Ok(None),
        Scope::Division { prefix } => Ok(Some(prefix.clone())),
        _ => Err(ServiceError::forbidden("只有系统管理员可以管理账号")),
    }
}

/// Whether an account whose node has `division` is inside `prefix`.
fn inside(prefix: Option<&str>, division: Option<&str>) -> bool {
    match prefix {
        None => true,
        Some(p) => division.is_some_and(|d| d.starts_with(p)),
    }
}

fn opt(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl UserService {
    pub fn new(ctx: Ctx) -> UserService {
        UserService { ctx }
    }

    /// The organisations an administrator may hang accounts on (inside their jurisdiction), by
    /// division code.
    ///
    /// Errors: `forbidden` without `user.administer`.
    #[tracing::instrument(skip_all)]
    pub async fn organisations(&self, who: &Principal) -> ServiceResult<Vec<neibao_domain::registry::Organisation>> {
        let prefix = reach(who)?;
        let mut orgs = self.ctx.store.list_organisations(None, prefix.as_deref()).await?;
        orgs.sort_by(|a, b| (&a.division_code, &a.name).cmp(&(&b.division_code, &b.name)));
        Ok(orgs)
    }

    /// Accounts inside the caller's jurisdiction, by user name.
    ///
    /// Errors: `forbidden` without `user.administer`.
    #[tracing::instrument(skip_all)]
    pub async fn list(&self, who: &Principal, filter: &UserFilter, page: Page) -> ServiceResult<Listing<UserAccount>> {
        let prefix = reach(who)?;
        Ok(self.ctx.store.list_accounts(prefix.as_deref(), filter, page).await?)
    }

    /// One account inside the caller's jurisdiction.
    ///
    /// Errors: `forbidden`; `not_found` for an account outside it.
    #[tracing::instrument(skip_all)]
    pub async fn get(&self, who: &Principal, id: &str) -> ServiceResult<UserAccount> {
        let prefix = reach(who)?;
        let account = self.ctx.store.get_account(id).await?;
        if !inside(prefix.as_deref(), account.user.division_code.as_deref()) {
            return Err(ServiceError::not_found());
        }
        Ok(account)
    }

    /// The node `role` is to hang on, checked: it exists, fits the role and lies inside the
    /// caller's jurisdiction. Returns the node's organisation and unit ids.
    async fn node(
        &self,
        who: &Principal,
        prefix: Option<&str>,
        role: Role,
        org_id: Option<String>,
        unit_id: Option<String>,
    ) -> ServiceResult<(Option<String>, Option<String>)> {
        let store = &self.ctx.store;
        match (org_id, unit_id) {
            (Some(_), Some(_)) => Err(ServiceError::invalid("所属机构和所在单位只能选择一个")),
            (Some(org), None) => {
                let o = match store.get_organisation(&org).await {
                    Ok(o) => o,
                    Err(StoreError::NotFound) => return Err(ServiceError::invalid("所选机构不存在")),
                    Err(e) => return Err(e.into()),
                };
                check_node(role, Node::Organisation { kind: &o.kind })?;
                // A closed (撤销) organisation takes no new accounts (docs/ORGANISATIONS.md).
                if self.ctx.store.get_org_detail(&org).await?.status != "open" {
                    return Err(ServiceError::invalid("所选机构已撤销，不能在其下设置账号"));
                }
                if !inside(prefix, Some(&o.division_code)) {
                    return Err(ServiceError::invalid("所选机构不在本辖区，不能在其下设置账号"));
                }
                Ok((Some(org), None))
            }
            (None, Some(unit)) => {
                check_node(role, Node::Unit)?;
                match store.get_unit(&who.scope, &unit).await {
                    Ok(_) => Ok((None, Some(unit))),
                    Err(StoreError::NotFound) => Err(ServiceError::invalid("所选单位不存在或不在本辖区")),
                    Err(e) => Err(e.into()),
                }
            }
            (None, None) => {
                check_node(role, Node::None)?;
                if prefix.is_some() {
                    return Err(ServiceError::invalid(
                        "不属于任何机构的系统管理员只能由全局系统管理员设置；请选择本辖区的公安机关",
                    ));
                }
                Ok((None, None))
            }
        }
    }

    /// Checks an account to create as [`Self::create`] does (the name, the role and its node
    /// inside the caller's jurisdiction), without creating it: a spreadsheet import checks every
    /// row before it writes any.
    ///
    /// Errors: as [`Self::create`], but for the `conflict` of a taken user name.
    #[tracing::instrument(skip_all)]
    pub async fn check_new(&self, who: &Principal, input: &NewAccount) -> ServiceResult<()> {
        self.checked(who, input).await.map(|_| ())
    }

    /// The fields of a new account, checked: user name, display name, organisation and unit
    /// ids, external subject.
    async fn checked(
        &self,
        who: &Principal,
        input: &NewAccount,
    ) -> ServiceResult<(String, String, Option<String>, Option<String>, Option<String>)> {
        let prefix = reach(who)?;
        let username = check_username(&input.username)?;
        let display_name = check_display_name(&input.display_name)?;
        let (org_id, unit_id) = self
            .node(
                who,
                prefix.as_deref(),
                input.role,
                opt(&input.org_id),
                opt(&input.unit_id),
            )
            .await?;
        let external_subject = check_external_subject(input.external_subject.as_deref())?;
        Ok((username, display_name, org_id, unit_id, external_subject))
    }

    /// Creates an account with a first password made here (returned once, never stored in
    /// clear); audited as `user.create`.
    ///
    /// Errors: `forbidden`; `validation_failed` (name, role and node); `conflict` when the user
    /// name is taken.
    #[tracing::instrument(skip_all)]
    pub async fn create(&self, who: &Principal, input: NewAccount) -> ServiceResult<CreatedAccount> {
        let (username, display_name, org_id, unit_id, external_subject) = self.checked(who, &input).await?;
        let password = temporary_password();
        let mut audit = who.audit("user.create", "users", "", None);
        audit.detail = serde_json::json!({ "username": username, "role": input.role.code() }).to_string();
        let id = self
            .ctx
            .store
            .create_account(
                &NewUser {
                    username,
                    display_name,
                    password_hash: hash_password(&password),
                    password_temporary: true,
                    role: input.role,
                    org_id,
                    unit_id,
                },
                external_subject.as_deref(),
                &audit,
                Utc::now(),
            )
            .await?;
        Ok(CreatedAccount {
            account: self.ctx.store.get_account(&id).await?,
            initial_password: password,
        })
    }

    /// Renames an account, changes its role or moves it to another organisation or unit (a
    /// changed role or node ends its sessions and revokes its tokens); audited as
    /// `user.update`. An administrator does not change their own role or node.
    ///
    /// Errors: `forbidden`; `not_found` outside the jurisdiction; `validation_failed`.
    #[tracing::instrument(skip_all)]
    pub async fn update(&self, who: &Principal, id: &str, edit: AccountEdit) -> ServiceResult<UserAccount> {
        let prefix = reach(who)?;
        let old = self.get(who, id).await?;
        let display_name = check_display_name(&edit.display_name)?;
        let (org_id, unit_id) = self
            .node(who, prefix.as_deref(), edit.role, opt(&edit.org_id), opt(&edit.unit_id))
            .await?;
        if id == who.user_id && (edit.role != old.user.role || org_id != old.user.org_id || unit_id != old.user.unit_id)
        {
            return Err(ServiceError::invalid(
                "不能修改本人的角色和所属机构，请由其他管理员办理",
            ));
        }
        let mut audit = who.audit("user.update", "users", id, None);
        audit.detail = serde_json::json!({
            "username": old.user.username,
            "role": edit.role.code(),
            "moved": org_id != old.user.org_id || unit_id != old.user.unit_id,
        })
        .to_string();
        let external_subject = check_external_subject(edit.external_subject.as_deref())?;
        let change = AccountChange {
            external_subject,
            display_name,
            role: edit.role,
            org_id,
            unit_id,
        };
        self.ctx.store.update_account(id, &change, &audit, Utc::now()).await?;
        Ok(self.ctx.store.get_account(id).await?)
    }

    /// Disables an account (its sessions end, its tokens are revoked) or enables it again;
    /// audited as `user.disable` / `user.enable`. Not one's own account.
    ///
    /// Errors: `forbidden`; `not_found` outside the jurisdiction; `validation_failed` for
    /// oneself.
    #[tracing::instrument(skip_all)]
    pub async fn set_disabled(&self, who: &Principal, id: &str, disabled: bool) -> ServiceResult<UserAccount> {
        let old = self.get(who, id).await?;
        if id == who.user_id {
            return Err(ServiceError::invalid("不能停用或启用本人的账号"));
        }
        let action = if disabled { "user.disable" } else { "user.enable" };
        let mut audit = who.audit(action, "users", id, None);
        audit.detail = serde_json::json!({ "username": old.user.username }).to_string();
        self.ctx
            .store
            .set_account_disabled(id, disabled, &audit, Utc::now())
            .await?;
        Ok(self.ctx.store.get_account(id).await?)
    }

    /// Resets an account's password to a new one made here (returned once): the second factor
    /// removed, the login lock lifted, every session ended and every token revoked; audited as
    /// `user.reset`. One's own password is changed on the account page instead.
    ///
    /// Errors: `forbidden`; `not_found` outside the jurisdiction; `validation_failed` for
    /// oneself.
    #[tracing::instrument(skip_all)]
    pub async fn reset_password(&self, who: &Principal, id: &str) -> ServiceResult<String> {
        let old = self.get(who, id).await?;
        if id == who.user_id {
            return Err(ServiceError::invalid("本人的密码请在「我的账号」中修改"));
        }
        let password = temporary_password();
        let mut audit = who.audit("user.reset", "users", id, None);
        audit.detail = serde_json::json!({ "username": old.user.username }).to_string();
        self.ctx
            .store
            .reset_user(id, &hash_password(&password), &audit, Utc::now())
            .await?;
        Ok(password)
    }
}

//! The accounts kind of import ([`AccountRows`]): bulk account creation (issue 12, "Bulk creation
//! from a spreadsheet"). A row is an account to create — user name, name, role, and its node:
//! an organisation inside the administrator's jurisdiction (by full name or id) or a registered
//! unit (by USCC) — checked by `UserService::check_new` and created by `UserService::create`
//! (`user.create` audited for each). An account with the same user name, name, role and node is
//! unchanged; a user name taken otherwise is refused.
//!
//! Passwords: none is shown or kept. `UserService::create` makes a random first password and the
//! import throws it away, so an imported account cannot sign in until an administrator resets
//! its password on the account's page (重置密码), which shows a temporary password once, to be
//! handed to that person alone. A job (stored, shown again) is no place for thousands of
//! passwords.

use async_trait::async_trait;
use neibao_domain::access::{Principal, Role};
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::imports::{ac, Column, RowError, ACCOUNT_COLUMNS};
use neibao_domain::registry::Organisation;
use neibao_domain::users::{check_display_name, check_username};
use neibao_domain::validate::Uscc;

use super::kind::{cell_error, Checked, Presence, RowKind};
use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::users::{NewAccount, UserService};

/// Accounts, checked and created through account administration.
pub(super) struct AccountRows {
    ctx: Ctx,
    users: UserService,
    /// The organisations the administrator may hang accounts on.
    organisations: Vec<Organisation>,
}

impl AccountRows {
    /// Loads the organisations a row may name. Errors: `forbidden` (not an administrator).
    pub(super) async fn load(ctx: Ctx, who: &Principal) -> ServiceResult<AccountRows> {
        let users = UserService::new(ctx.clone());
        let organisations = users.organisations(who).await?;
        Ok(AccountRows {
            ctx,
            users,
            organisations,
        })
    }
}

fn bad(row: u32, col: usize, code: &str, message: impl Into<String>) -> RowError {
    cell_error(&ACCOUNT_COLUMNS, row, Some(col), code, message)
}

#[async_trait]
impl RowKind for AccountRows {
    type Item = NewAccount;

    fn columns(&self) -> &'static [Column] {
        &ACCOUNT_COLUMNS
    }

    fn duplicate(&self, first: u32) -> (usize, String) {
        (ac::USERNAME, format!("用户名与第{first}行重复"))
    }

    async fn check(
        &self,
        who: &Principal,
        row: u32,
        cells: &[String],
    ) -> ServiceResult<Result<Checked<Self::Item>, Vec<RowError>>> {
        let cell = |i: usize| cells.get(i).map(|s| s.trim()).unwrap_or("");
        let mut errors = Vec::new();
        let username = match check_username(cell(ac::USERNAME)) {
            Ok(u) => u,
            Err(e) => {
                let code = if cell(ac::USERNAME).is_empty() {
                    "required"
                } else {
                    "invalid_username"
                };
                errors.push(bad(row, ac::USERNAME, code, e.message));
                String::new()
            }
        };
        let display_name = match check_display_name(cell(ac::NAME)) {
            Ok(n) => n,
            Err(e) => {
                let code = if cell(ac::NAME).is_empty() {
                    "required"
                } else {
                    "invalid_text"
                };
                errors.push(bad(row, ac::NAME, code, e.message));
                String::new()
            }
        };
        let role_cell = cell(ac::ROLE);
        let role = Role::ALL
            .into_iter()
            .find(|r| r.label_zh() == role_cell || r.code() == role_cell);
        if role.is_none() {
            let (code, m) = if role_cell.is_empty() {
                ("required", "角色必填".to_string())
            } else {
                ("invalid_role", format!("角色「{role_cell}」无效，请按填写说明填写"))
            };
            errors.push(bad(row, ac::ROLE, code, m));
        }
        let org_cell = cell(ac::ORGANISATION);
        let org_id = if org_cell.is_empty() {
            None
        } else if let Some(o) = self.organisations.iter().find(|o| o.id == org_cell) {
            Some(o.id.clone())
        } else {
            let mut named = self.organisations.iter().filter(|o| o.name == org_cell);
            match (named.next(), named.next()) {
                (Some(o), None) => Some(o.id.clone()),
                (Some(_), Some(_)) => {
                    errors.push(bad(
                        row,
                        ac::ORGANISATION,
                        "organisation_ambiguous",
                        format!("本辖区有多个名为「{org_cell}」的机构，请填写机构编号"),
                    ));
                    None
                }
                _ => {
                    errors.push(bad(
                        row,
                        ac::ORGANISATION,
                        "organisation_not_found",
                        format!("本辖区没有名为「{org_cell}」的机构"),
                    ));
                    None
                }
            }
        };
        let unit_cell = cell(ac::UNIT_USCC);
        let unit_id = if unit_cell.is_empty() {
            None
        } else {
            match Uscc::parse(unit_cell) {
                Err(e) => {
                    errors.push(bad(row, ac::UNIT_USCC, "invalid_uscc", e.message));
                    None
                }
                Ok(u) => {
                    let found = self.ctx.store.unit_ids_by_uscc(&[u.as_str().to_string()]).await?;
                    match found.into_iter().next() {
                        Some((_, id)) => Some(id),
                        None => {
                            errors.push(bad(
                                row,
                                ac::UNIT_USCC,
                                "unit_not_found",
                                "该统一社会信用代码的单位尚未登记",
                            ));
                            None
                        }
                    }
                }
            }
        };
        let Some(role) = role.filter(|_| errors.is_empty()) else {
            return Ok(Err(errors));
        };
        let input = NewAccount {
            username: username.clone(),
            display_name,
            role,
            org_id,
            unit_id,
            external_subject: None,
        };
        match self.users.check_new(who, &input).await {
            Ok(()) => Ok(Ok(Checked {
                key: username,
                item: input,
            })),
            Err(ServiceError::Refused(d)) => {
                let col = if d.message.contains("单位") {
                    ac::UNIT_USCC
                } else if d.message.contains("机构") || d.message.contains("部门") {
                    ac::ORGANISATION
                } else {
                    ac::ROLE
                };
                let code = match d.code {
                    ErrorCode::Forbidden => "outside_jurisdiction",
                    other => other.as_str(),
                };
                Ok(Err(vec![bad(row, col, code, d.message)]))
            }
            Err(e) => Err(e),
        }
    }

    async fn presence(&self, _who: &Principal, rows: &[(u32, Checked<Self::Item>)]) -> ServiceResult<Vec<Presence>> {
        let mut out = Vec::with_capacity(rows.len());
        for (row, checked) in rows {
            let a = &checked.item;
            out.push(match self.ctx.store.user_credentials(&a.username).await? {
                None => Presence::New,
                Some((u, _))
                    if u.display_name == a.display_name
                        && u.role == a.role
                        && u.org_id == a.org_id
                        && u.unit_id == a.unit_id =>
                {
                    Presence::Unchanged
                }
                Some(_) => Presence::Refused(bad(
                    *row,
                    ac::USERNAME,
                    "username_taken",
                    "该用户名已被使用，且与表中内容不一致；导入不修改已有账号",
                )),
            });
        }
        Ok(out)
    }

    async fn write(&self, who: &Principal, item: Self::Item) -> ServiceResult<()> {
        // The first password is thrown away: see the module's documentation.
        self.users.create(who, item).await.map(|_| ())
    }

    fn write_refusal(&self, e: &DomainError) -> String {
        if e.code == ErrorCode::Conflict {
            "username_taken".into()
        } else {
            e.code.as_str().into()
        }
    }
}

//! The units kind of import ([`UnitRows`]): a row is a unit registration (`rows.rs` parses it),
//! checked by `RegistryService::check_unit` and written by `RegistryService::create_unit`; a
//! USCC registered with the same content is unchanged, with different content or outside the
//! importer's jurisdiction refused.

use std::collections::HashMap;

use async_trait::async_trait;
use neibao_domain::access::Principal;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::imports::{c, Column, RowError, UNIT_COLUMNS};
use neibao_domain::registry::NewUnit;
use neibao_domain::validate::Uscc;
use neibao_store::StoreError;

use super::kind::{Checked, Presence, RowKind};
use super::rows::{parse_row, registry_refusal, row_error, same_unit, Lookups};
use crate::context::Ctx;
use crate::error::ServiceResult;
use crate::registry::{RegistryService, UnitInput};

/// Units, checked and written through the registry.
pub(super) struct UnitRows {
    ctx: Ctx,
    registry: RegistryService,
    lookups: Lookups,
}

impl UnitRows {
    /// Loads the police stations and departments a row may name.
    pub(super) async fn load(ctx: Ctx, who: &Principal) -> ServiceResult<UnitRows> {
        let lookups = Lookups::load(ctx.store.as_ref(), who).await?;
        Ok(UnitRows {
            registry: RegistryService::new(ctx.clone()),
            ctx,
            lookups,
        })
    }
}

#[async_trait]
impl RowKind for UnitRows {
    type Item = (UnitInput, NewUnit);

    fn columns(&self) -> &'static [Column] {
        &UNIT_COLUMNS
    }

    fn duplicate(&self, first: u32) -> (usize, String) {
        (c::USCC, format!("统一社会信用代码与第{first}行重复"))
    }

    async fn check(
        &self,
        who: &Principal,
        row: u32,
        cells: &[String],
    ) -> ServiceResult<Result<Checked<Self::Item>, Vec<RowError>>> {
        let input = match parse_row(row, cells, &self.lookups) {
            Ok(input) => input,
            Err(es) => return Ok(Err(es)),
        };
        let key = Uscc::parse(&input.uscc)
            .map(|u| u.as_str().to_string())
            .unwrap_or_default();
        match self.registry.check_unit(who, input.clone()).await {
            Ok(new) => Ok(Ok(Checked {
                key,
                item: (input, new),
            })),
            Err(e) => match registry_refusal(row, &e) {
                Some(err) => Ok(Err(vec![err])),
                None => Err(e),
            },
        }
    }

    async fn presence(&self, who: &Principal, rows: &[(u32, Checked<Self::Item>)]) -> ServiceResult<Vec<Presence>> {
        let store = &self.ctx.store;
        let usccs: Vec<String> = rows.iter().map(|(_, c)| c.key.clone()).collect();
        let owners: HashMap<String, String> = store.unit_ids_by_uscc(&usccs).await?.into_iter().collect();
        let mut out = Vec::with_capacity(rows.len());
        for (row, checked) in rows {
            let Some(unit_id) = owners.get(&checked.key) else {
                out.push(Presence::New);
                continue;
            };
            out.push(match store.get_unit(&who.scope, unit_id).await {
                Ok(old) if same_unit(&old, &checked.item.1) => Presence::Unchanged,
                Ok(old) => Presence::Refused(row_error(
                    *row,
                    Some(c::USCC),
                    "uscc_registered_differently",
                    format!(
                        "该统一社会信用代码已登记为「{}」，且与表中内容不一致；导入不修改已登记的单位，请在单位页修改",
                        old.name
                    ),
                )),
                Err(StoreError::NotFound) => Presence::Refused(row_error(
                    *row,
                    Some(c::USCC),
                    "uscc_registered_elsewhere",
                    "该统一社会信用代码已由其他辖区登记",
                )),
                Err(e) => return Err(e.into()),
            });
        }
        Ok(out)
    }

    async fn write(&self, who: &Principal, item: Self::Item) -> ServiceResult<()> {
        self.registry.create_unit(who, item.0).await.map(|_| ())
    }

    fn write_refusal(&self, e: &DomainError) -> String {
        if e.code == ErrorCode::Conflict {
            "uscc_registered_elsewhere".into()
        } else {
            e.code.as_str().into()
        }
    }
}

//! The key areas kind of import ([`KeyAreaRows`]): a row names a registered unit by its USCC
//! (inside the importer's jurisdiction, read through `RegistryService::unit`) and a key area
//! (重要部位) of it, checked as `RegistryService::create_key_area` checks one and written by it.
//! A key area of the same unit with the same name and description is unchanged; the same name
//! with another description is refused (an import does not change registered key areas).

use async_trait::async_trait;
use neibao_domain::access::Principal;
use neibao_domain::imports::{ka, Column, RowError, KEY_AREA_COLUMNS};

use super::kind::{cell_error, unit_of_row, Checked, Presence, RowKind};
use crate::context::Ctx;
use crate::error::ServiceResult;
use crate::registry::{text_block, text_field, KeyAreaInput, RegistryService};

/// Key areas, checked and written through the registry.
pub(super) struct KeyAreaRows {
    ctx: Ctx,
    registry: RegistryService,
}

/// A checked key area: its unit and what to create.
pub(super) struct KeyAreaItem {
    unit_id: String,
    input: KeyAreaInput,
}

impl KeyAreaRows {
    pub(super) fn new(ctx: Ctx) -> KeyAreaRows {
        KeyAreaRows {
            registry: RegistryService::new(ctx.clone()),
            ctx,
        }
    }
}

fn bad(row: u32, col: usize, code: &str, message: impl Into<String>) -> RowError {
    cell_error(&KEY_AREA_COLUMNS, row, Some(col), code, message)
}

#[async_trait]
impl RowKind for KeyAreaRows {
    type Item = KeyAreaItem;

    fn columns(&self) -> &'static [Column] {
        &KEY_AREA_COLUMNS
    }

    fn duplicate(&self, first: u32) -> (usize, String) {
        (ka::NAME, format!("同一单位的重要部位名称与第{first}行重复"))
    }

    async fn check(
        &self,
        who: &Principal,
        row: u32,
        cells: &[String],
    ) -> ServiceResult<Result<Checked<Self::Item>, Vec<RowError>>> {
        let cell = |i: usize| cells.get(i).map(|s| s.trim()).unwrap_or("");
        let mut errors = Vec::new();
        let unit = unit_of_row(
            &self.ctx,
            &self.registry,
            who,
            (&KEY_AREA_COLUMNS, ka::USCC),
            row,
            cell(ka::USCC),
        )
        .await?
        .map_err(|e| errors.push(e))
        .ok();
        let name = cell(ka::NAME);
        let name = match text_field(name, "重要部位名称", 100, true) {
            Ok(n) => n,
            Err(e) => {
                let code = if name.is_empty() { "required" } else { "invalid_text" };
                errors.push(bad(row, ka::NAME, code, e.to_string()));
                String::new()
            }
        };
        let description = match text_block(cell(ka::DESCRIPTION), "重要部位说明", 500, false) {
            Ok(d) => d,
            Err(e) => {
                errors.push(bad(row, ka::DESCRIPTION, "invalid_text", e.to_string()));
                String::new()
            }
        };
        let Some(unit_id) = unit.map(|u| u.id) else {
            return Ok(Err(errors));
        };
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        Ok(Ok(Checked {
            key: format!("{unit_id}\u{1f}{name}"),
            item: KeyAreaItem {
                unit_id,
                input: KeyAreaInput { name, description },
            },
        }))
    }

    async fn presence(&self, who: &Principal, rows: &[(u32, Checked<Self::Item>)]) -> ServiceResult<Vec<Presence>> {
        let mut areas: std::collections::HashMap<String, Vec<neibao_domain::registry::KeyArea>> = Default::default();
        let mut out = Vec::with_capacity(rows.len());
        for (row, checked) in rows {
            let item = &checked.item;
            if !areas.contains_key(&item.unit_id) {
                let list = self.registry.key_areas(who, &item.unit_id).await?;
                areas.insert(item.unit_id.clone(), list);
            }
            let existing = areas[&item.unit_id].iter().find(|a| a.name == item.input.name);
            out.push(match existing {
                None => Presence::New,
                Some(a) if a.description == item.input.description => Presence::Unchanged,
                Some(_) => Presence::Refused(bad(
                    *row,
                    ka::NAME,
                    "key_area_registered_differently",
                    "该单位已有同名重要部位，且说明与表中不一致；导入不修改已登记的重要部位，请在单位页修改",
                )),
            });
        }
        Ok(out)
    }

    async fn write(&self, who: &Principal, item: Self::Item) -> ServiceResult<()> {
        self.registry
            .create_key_area(who, &item.unit_id, item.input)
            .await
            .map(|_| ())
    }
}

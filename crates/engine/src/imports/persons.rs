//! The responsible persons kind of import ([`PersonRows`], issue 12: "Import units, responsible
//! persons …"; Decree 421 Art 5, docs/REQUIREMENTS.md R4). A row names a registered unit by its
//! USCC (inside the importer's jurisdiction, not closed), a role (身份), a name, a GB 11643
//! citizen ID and a phone; checked as `RegistryService::add_person` checks one and written by it.
//!
//! A person is recognised within the unit by role and the citizen ID's blind index
//! (`RegistryService::person_by_citizen_id`): the same name and phone (or an empty phone cell)
//! is unchanged; another name or phone is an update through `RegistryService::update_person`
//! (its history row and audit entry), so re-importing a file changes nothing.

use async_trait::async_trait;
use neibao_domain::access::Principal;
use neibao_domain::imports::{pc, Column, RowError, PERSON_COLUMNS};
use neibao_domain::registry::{LifeState, PersonRole, ResponsiblePerson};
use neibao_domain::validate::{CitizenId, PhoneNumber};

use super::kind::{cell_error, unit_of_row, Checked, Presence, RowKind};
use crate::context::Ctx;
use crate::error::ServiceResult;
use crate::registry::{text_field, PersonInput, PersonUpdate, RegistryService};

/// Responsible persons, checked and written through the registry.
pub(super) struct PersonRows {
    ctx: Ctx,
    registry: RegistryService,
}

/// A checked person: its unit and its fields (the ID number and phone normalized).
pub(super) struct PersonItem {
    unit_id: String,
    role: PersonRole,
    name: String,
    citizen_id: String,
    /// `None`: the cell was empty (a stored phone is kept).
    phone: Option<String>,
}

impl PersonRows {
    pub(super) fn new(ctx: Ctx) -> PersonRows {
        PersonRows {
            registry: RegistryService::new(ctx.clone()),
            ctx,
        }
    }

    async fn existing(&self, who: &Principal, item: &PersonItem) -> ServiceResult<Option<ResponsiblePerson>> {
        self.registry
            .person_by_citizen_id(who, &item.unit_id, item.role, &item.citizen_id)
            .await
    }
}

fn bad(row: u32, col: usize, code: &str, message: impl Into<String>) -> RowError {
    cell_error(&PERSON_COLUMNS, row, Some(col), code, message)
}

/// Whether a stored person already has the row's name and phone (an empty phone cell says
/// nothing).
fn same(p: &ResponsiblePerson, item: &PersonItem) -> bool {
    p.name == item.name
        && item
            .phone
            .as_ref()
            .is_none_or(|ph| p.phone.as_ref().map(|s| s.expose()) == Some(ph.as_str()))
}

#[async_trait]
impl RowKind for PersonRows {
    type Item = PersonItem;

    fn columns(&self) -> &'static [Column] {
        &PERSON_COLUMNS
    }

    fn duplicate(&self, first: u32) -> (usize, String) {
        (
            pc::CITIZEN_ID,
            format!("同一单位、同一身份的公民身份号码与第{first}行重复"),
        )
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
            (&PERSON_COLUMNS, pc::USCC),
            row,
            cell(pc::USCC),
        )
        .await?
        .map_err(|e| errors.push(e))
        .ok();
        if let Some(u) = unit.as_ref().filter(|u| u.state == LifeState::Closed) {
            errors.push(bad(
                row,
                pc::USCC,
                "unit_closed",
                format!("单位「{}」已注销，不能再修改其责任人", u.name),
            ));
        }
        let role = match cell(pc::ROLE) {
            "" => {
                errors.push(bad(row, pc::ROLE, "required", "身份必填"));
                None
            }
            r => {
                let role = PersonRole::parse(r);
                if role.is_none() {
                    errors.push(bad(
                        row,
                        pc::ROLE,
                        "invalid_role",
                        format!("身份「{r}」无效，应为主要负责人（法定代表人）、分管负责人或保卫负责人"),
                    ));
                }
                role
            }
        };
        let name = match text_field(cell(pc::NAME), "姓名", 50, true) {
            Ok(n) => n,
            Err(e) => {
                let code = if cell(pc::NAME).is_empty() {
                    "required"
                } else {
                    "invalid_text"
                };
                errors.push(bad(row, pc::NAME, code, e.to_string()));
                String::new()
            }
        };
        let today = chrono::Utc::now()
            .with_timezone(&chrono_tz::Asia::Shanghai)
            .date_naive();
        let citizen_id = match cell(pc::CITIZEN_ID) {
            "" => {
                errors.push(bad(row, pc::CITIZEN_ID, "required", "公民身份号码必填"));
                None
            }
            c => match CitizenId::parse(c, today) {
                Ok(c) => Some(c.into_sensitive().expose().to_string()),
                Err(e) => {
                    errors.push(bad(row, pc::CITIZEN_ID, "invalid_citizen_id", e.message));
                    None
                }
            },
        };
        let phone = match cell(pc::PHONE) {
            "" => None,
            p => match PhoneNumber::parse(p) {
                Ok(p) => Some(p.into_sensitive().expose().to_string()),
                Err(e) => {
                    errors.push(bad(row, pc::PHONE, "invalid_phone", e.message));
                    None
                }
            },
        };
        let (Some(unit), Some(role), Some(citizen_id), true) = (unit, role, citizen_id, errors.is_empty()) else {
            return Ok(Err(errors));
        };
        Ok(Ok(Checked {
            key: format!("{}\u{1f}{}\u{1f}{citizen_id}", unit.id, role.code()),
            item: PersonItem {
                unit_id: unit.id,
                role,
                name,
                citizen_id,
                phone,
            },
        }))
    }

    async fn presence(&self, who: &Principal, rows: &[(u32, Checked<Self::Item>)]) -> ServiceResult<Vec<Presence>> {
        let mut out = Vec::with_capacity(rows.len());
        for (_, checked) in rows {
            out.push(match self.existing(who, &checked.item).await? {
                None => Presence::New,
                Some(p) if same(&p, &checked.item) => Presence::Unchanged,
                Some(_) => Presence::Changed,
            });
        }
        Ok(out)
    }

    async fn write(&self, who: &Principal, item: Self::Item) -> ServiceResult<()> {
        let existing = self.existing(who, &item).await?;
        match existing {
            None => {
                let input = PersonInput {
                    role: item.role,
                    name: item.name,
                    citizen_id: Some(item.citizen_id),
                    phone: item.phone,
                };
                self.registry.add_person(who, &item.unit_id, input).await.map(|_| ())
            }
            Some(p) => {
                let update = PersonUpdate {
                    version: p.version,
                    role: item.role,
                    name: item.name,
                    citizen_id: Some(item.citizen_id),
                    // Absent: the stored phone is kept.
                    phone: item.phone,
                };
                self.registry
                    .update_person(who, &item.unit_id, &p.id, update)
                    .await
                    .map(|_| ())
            }
        }
    }
}

//! The unit page's responsible person forms (docs/REGISTRY.md, "Responsible persons"): add a
//! person, edit one (role, name, citizen ID, phone; the masked values as shown keep what is
//! stored), remove one. Edit and removal carry the person's version (hidden); a refused form
//! (bad input, a stale version: 已被他人修改, a closed unit) shows the unit page again with the
//! reason and what was typed still in the form.

use axum::extract::{Path, State};
use axum::response::Response;
use neibao_domain::access::Permission;
use neibao_domain::error::ErrorCode;
use neibao_domain::registry::PersonRole;
use neibao_engine::registry::{PersonInput, PersonUpdate};
use serde::Deserialize;

use super::super::kit::UiUser;
use super::lifecycle::{after, version_sent};
use super::unit::{SentPerson, UnitExtras};
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::state::AppState;

/// A person form as sent (`version` only for an edit; `confirm` only for a removal).
#[derive(Deserialize)]
pub struct PersonForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    citizen_id: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    confirm: String,
}

impl PersonForm {
    /// The person as typed; an unknown role is refused (400) before the service is asked.
    fn input(&self) -> Result<PersonInput, ApiError> {
        let role = PersonRole::from_code(self.role.trim())
            .ok_or_else(|| ApiError::msg(ErrorCode::ValidationFailed, "请选择责任人的身份"))?;
        Ok(PersonInput {
            role,
            name: self.name.clone(),
            citizen_id: Some(self.citizen_id.clone()),
            phone: Some(self.phone.clone()),
        })
    }

    /// What was typed, for the form shown again (`id`: the person, empty for the add form).
    fn sent(self, id: &str) -> SentPerson {
        SentPerson {
            id: id.to_string(),
            role: self.role,
            name: self.name,
            citizen_id: self.citizen_id,
            phone: self.phone,
            is_sent: true,
        }
    }
}

/// `POST /units/{id}/persons`: 新增责任人.
pub async fn add_person(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<PersonForm>,
) -> Response {
    let r = async {
        state
            .services
            .registry
            .add_person(&u.principal, &id, f.input()?)
            .await?;
        Ok::<_, ApiError>(())
    }
    .await;
    let extras = UnitExtras {
        person_sent: Some(f.sent("")),
        ..UnitExtras::default()
    };
    after(&state, &u, &id, "persons", r, extras).await
}

/// `POST /units/{id}/persons/{pid}/edit`: 修改责任人.
pub async fn edit_person(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path((id, pid)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<PersonForm>,
) -> Response {
    let r = async {
        let person = f.input()?;
        let input = PersonUpdate {
            version: version_sent(&f.version),
            role: person.role,
            name: person.name,
            citizen_id: person.citizen_id,
            phone: person.phone,
        };
        state
            .services
            .registry
            .update_person(&u.principal, &id, &pid, input)
            .await?;
        Ok::<_, ApiError>(())
    }
    .await;
    let extras = UnitExtras {
        person_sent: Some(f.sent(&pid)),
        ..UnitExtras::default()
    };
    after(&state, &u, &id, "persons", r, extras).await
}

/// `POST /units/{id}/persons/{pid}/remove`: 删除责任人 (its confirmation box ticked).
pub async fn remove_person(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path((id, pid)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<PersonForm>,
) -> Response {
    let r = async {
        // The box is checked only for a caller who may act at all (and a person they see);
        // the others are refused by the service as for any action (403, 404).
        if f.confirm.is_empty() && u.principal.can(Permission::DeviceManage) {
            state.services.registry.person(&u.principal, &id, &pid).await?;
            return Err(ApiError::validation("删除前请勾选确认框"));
        }
        state
            .services
            .registry
            .remove_person(&u.principal, &id, &pid, version_sent(&f.version))
            .await?;
        Ok::<_, ApiError>(())
    }
    .await;
    after(&state, &u, &id, "persons", r, UnitExtras::default()).await
}

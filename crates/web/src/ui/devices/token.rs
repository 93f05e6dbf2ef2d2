//! `POST /devices/{id}/token` (重新生成接入令牌, from the unit page): a new ingest token for a
//! device, its full ingest URL shown once in the body of the answer, exactly as registration
//! shows it (the public address rule of `list::public_base`; never in a URL or a `Location`
//! header; the page is `no-store`, and a repeat of the form is not answered with the secret).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use neibao_domain::access::Permission;
use serde::Deserialize;

use super::super::kit::{error_page, UiUser};
use super::super::registry::{after, unit_page, UnitExtras};
use super::list::public_base;
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct TokenForm {
    /// The confirmation checkbox (确认重新生成): the device must then be configured anew.
    #[serde(default)]
    confirm: String,
}

/// `POST /devices/{id}/token`.
pub async fn reissue_token(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<TokenForm>,
) -> Response {
    let device = match state.services.devices.get(&u.principal, &id).await {
        Ok(d) => d,
        Err(e) => return error_page(&u, e.into()),
    };
    let r = async {
        if f.confirm.is_empty() && u.principal.can(Permission::DeviceManage) {
            return Err(ApiError::validation(
                "重新生成接入令牌前请勾选确认框（原接入地址将立即失效）",
            ));
        }
        Ok::<_, ApiError>(state.services.devices.reissue_token(&u.principal, &id).await?)
    }
    .await;
    match r {
        Ok(issued) => {
            let extras = UnitExtras {
                new_token: Some(format!("{}{}", public_base(&state, &headers), issued.ingest_path)),
                reissued: Some(device.name),
                ..Default::default()
            };
            // Shown once: a repeat of this form is not answered with the secret again.
            let mut resp = unit_page(&state, &u, &device.unit_id, extras).await;
            resp.extensions_mut().insert(crate::idempotency::ShownOnce);
            resp
        }
        Err(e) => after(&state, &u, &device.unit_id, "devices", Err(e), UnitExtras::default()).await,
    }
}

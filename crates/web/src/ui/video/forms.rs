//! The form posts of the video page. Each answers with a redirect to the page (`?done=…`), the
//! page again with the refused form's values and message (400, 409, 422), or the error page
//! (forbidden, not found).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use neibao_domain::access::Permission;
use neibao_domain::devices::DeviceFormat;
use neibao_domain::error::ErrorCode;
use neibao_domain::video::parse_location;
use neibao_engine::devices::DeviceInput;
use neibao_engine::video::{CheckDraft, GroupDraft, PlacementDraft, RetrievalDraft, SystemDraft};

use super::page::video_page;
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::multipart::CsrfMultipart;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::devices::public_base;
use crate::ui::form::{field, fields, parse_local, some_text, Fields, Sent};
use crate::ui::kit::{error_page, UiUser};

fn opt_date(s: &str, label: &str) -> Result<Option<NaiveDate>, ApiError> {
    match s.trim() {
        "" => Ok(None),
        d => d
            .parse()
            .map(Some)
            .map_err(|_| ApiError::validation(format!("{label}应为日期，如 2026-01-31"))),
    }
}

fn date(s: &str, label: &str) -> Result<NaiveDate, ApiError> {
    opt_date(s, label)?.ok_or_else(|| ApiError::validation(format!("请填写{label}")))
}

fn version(f: &Fields) -> Result<i64, ApiError> {
    field(f, "version")
        .trim()
        .parse()
        .map_err(|_| ApiError::validation("版本号无效，请刷新后重试"))
}

/// Refuses a caller without `permission` (403) and a unit outside the scope (404) before the
/// form's values are read, so that a refusal of the caller never depends on what was typed.
async fn gate(state: &AppState, u: &CurrentUser, unit_id: &str, permission: Permission) -> Result<(), ApiError> {
    u.principal.require(permission)?;
    state.services.video.summary(&u.principal, unit_id).await?;
    Ok(())
}

/// Redirects on success; shows the page again with what was typed on a refusal of the input;
/// the error page for a refusal of the caller or the object.
async fn finish<T>(
    state: &AppState,
    u: &CurrentUser,
    unit_id: &str,
    form: &str,
    f: &Fields,
    r: Result<T, ApiError>,
    done: &str,
) -> Response {
    match r {
        Ok(_) => Redirect::to(&format!("/units/{unit_id}/video?done={done}#{form}")).into_response(),
        Err(e) if matches!(e.code, ErrorCode::Forbidden | ErrorCode::NotFound) => error_page(u, e),
        Err(e) => video_page(state, u, unit_id, Sent::new(form, f), Some(e), None).await,
    }
}

/// `POST /units/{id}/video/system`: 投入使用日期 and 存储期限.
pub async fn system(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = async {
        gate(&state, &u, &id, Permission::VideoManage).await?;
        let storage_days = match field(&f, "storage_days").trim() {
            "" => None,
            s => Some(
                s.parse::<i64>()
                    .map_err(|_| ApiError::validation("存储期限应为天数（不少于30日）"))?,
            ),
        };
        let d = SystemDraft {
            version: version(&f)?,
            commissioned_on: opt_date(field(&f, "commissioned_on"), "投入使用日期")?,
            storage_days,
        };
        Ok::<_, ApiError>(state.services.video.set_system(&u.principal, &id, d).await?)
    }
    .await;
    finish(&state, &u, &id, "system", &f, r, "system").await
}

/// `POST /units/{id}/video/cameras`: registers a camera with its location type (a prohibited spot
/// is refused, S7 Art 8) and shows its ingest address once.
pub async fn camera(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = async {
        gate(&state, &u, &id, Permission::DeviceManage).await?;
        let format =
            DeviceFormat::from_code(field(&f, "format")).ok_or_else(|| ApiError::validation("请选择接入格式"))?;
        let input = DeviceInput {
            unit_id: id.clone(),
            key_area_id: None,
            format,
            kind: Some("camera".into()),
            name: field(&f, "name").to_string(),
            serial: field(&f, "serial").to_string(),
            channel_map: Default::default(),
            time_zone: None,
            location_type: parse_location(field(&f, "location_type"))?,
            view_note: some_text(field(&f, "view_note")),
        };
        Ok::<_, ApiError>(state.services.devices.register(&u.principal, input).await?)
    }
    .await;
    match r {
        Ok(made) => {
            let url = format!("{}{}", public_base(&state, &headers), made.ingest_path);
            let notice = format!(
                "摄像机「{}」已登记。完整接入地址（含接入密钥，仅显示这一次）：{url}",
                made.device.name
            );
            let mut resp = video_page(&state, &u, &id, Sent::default(), None, Some(notice)).await;
            resp.extensions_mut().insert(crate::idempotency::ShownOnce);
            resp
        }
        Err(e) => finish::<()>(&state, &u, &id, "camera", &f, Err(e), "camera").await,
    }
}

/// `POST /devices/{id}/placement`: a camera's location type and field-of-view note.
pub async fn placement(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(device): Path<String>,
    CsrfForm(mut f): CsrfForm<Fields>,
) -> Response {
    let camera = match state.services.devices.get(&u.principal, &device).await {
        Ok(d) => d,
        Err(e) => return error_page(&u, e.into()),
    };
    if let Err(e) = u.principal.require(Permission::DeviceManage) {
        return error_page(&u, e.into());
    }
    let r = async {
        let d = PlacementDraft {
            version: version(&f)?,
            location_type: parse_location(field(&f, "location_type"))?,
            view_note: some_text(field(&f, "view_note")),
        };
        Ok::<_, ApiError>(state.services.video.set_placement(&u.principal, &device, d).await?)
    }
    .await;
    f.push(("device_id".into(), device.clone()));
    finish(&state, &u, &camera.unit_id, "placement", &f, r, "placement").await
}

/// `POST /units/{id}/video/signage-groups`: a named group of cameras.
pub async fn group(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let d = GroupDraft {
        name: field(&f, "name").to_string(),
        camera_ids: fields(&f, "camera_id").into_iter().map(str::to_string).collect(),
    };
    let r = state
        .services
        .video
        .add_group(&u.principal, &id, d)
        .await
        .map_err(ApiError::from);
    finish(&state, &u, &id, "group", &f, r, "group").await
}

/// `POST /units/{id}/video/signage-checks`: a check of a group's sign.
pub async fn check(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = async {
        gate(&state, &u, &id, Permission::VideoManage).await?;
        let d = CheckDraft {
            checked_on: date(field(&f, "checked_on"), "检查日期")?,
            checked_by: field(&f, "checked_by").to_string(),
            present: field(&f, "present") != "0",
            note: field(&f, "note").to_string(),
        };
        let group = field(&f, "group_id").to_string();
        Ok::<_, ApiError>(state.services.video.add_check(&u.principal, &id, &group, d).await?)
    }
    .await;
    finish(&state, &u, &id, "check", &f, r, "check").await
}

/// `POST /units/{id}/video/signage-photo`: the photo of a signage check (multipart: `csrf`,
/// `_once`, `check_id`, then `file`).
pub async fn photo(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    body: CsrfMultipart,
) -> Response {
    let r = async {
        let v = &state.services.video;
        v.check_photo_target(&u.principal, &id).await?;
        let (file, sent) = body.file_with_fields().await?;
        let check = field(&sent, "check_id").to_string();
        Ok::<_, ApiError>(v.add_signage_photo(&u.principal, &id, &check, file).await?)
    }
    .await;
    finish(&state, &u, &id, "photo", &Fields::new(), r, "photo").await
}

/// `POST /units/{id}/video/retrievals`: records a footage retrieval (append-only).
pub async fn retrieval(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = async {
        gate(&state, &u, &id, Permission::VideoRetrievalRecord).await?;
        let d = RetrievalDraft {
            action: field(&f, "action").to_string(),
            reason: field(&f, "reason").to_string(),
            camera_ids: fields(&f, "camera_id").into_iter().map(str::to_string).collect(),
            footage_from: parse_local(field(&f, "footage_from"), "录像开始时间")?,
            footage_to: parse_local(field(&f, "footage_to"), "录像结束时间")?,
            requester_unit: field(&f, "requester_unit").to_string(),
            requester_name: field(&f, "requester_name").to_string(),
            approver: field(&f, "approver").to_string(),
        };
        Ok::<_, ApiError>(state.services.video.record_retrieval(&u.principal, &id, d).await?)
    }
    .await;
    finish(&state, &u, &id, "retrieval", &f, r, "retrieval").await
}

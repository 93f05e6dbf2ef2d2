//! `GET /units/{id}/video`: the unit's video system page, and the page shown again with a
//! refused form's values and message.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use neibao_domain::access::Permission;
use neibao_domain::devices::DeviceFormat;
use neibao_domain::paging::Page;
use neibao_domain::video::{retrieval_action_label, Camera, LabelCount, LocationType, SignageGroup};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{local_input, status_of, with_status, Sent};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

/// One retrieval as shown.
pub struct RetrievalRow {
    pub action: &'static str,
    pub reason: String,
    pub cameras: String,
    pub range: String,
    pub requester: String,
    pub approver: String,
    pub recorded: String,
}

#[derive(Template)]
#[template(path = "video/unit.html")]
struct VideoPage {
    nav: Nav,
    unit_id: String,
    unit_name: String,
    cameras: Vec<Camera>,
    groups: Vec<SignageGroup>,
    by_location: Vec<LabelCount>,
    by_vendor: Vec<LabelCount>,
    by_kind: Vec<LabelCount>,
    total_cameras: i64,
    prohibited: i64,
    unrecorded: i64,
    with_evidence: i64,
    without_evidence: i64,
    retrievals_90: i64,
    commissioned_on: String,
    storage_days: String,
    system_version: i64,
    /// (code, label, prohibited) of every location type.
    locations: Vec<(&'static str, &'static str, bool)>,
    formats: Vec<(&'static str, &'static str)>,
    retrievals: Option<Vec<RetrievalRow>>,
    retrievals_total: i64,
    may_manage: bool,
    may_devices: bool,
    may_record: bool,
    sent: Sent,
    error: Option<String>,
    notice: Option<String>,
    today: String,
    now_local: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VideoQuery {
    done: String,
}

/// `GET /units/{id}/video`.
pub async fn video(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<VideoQuery>,
) -> Response {
    let notice = match q.done.as_str() {
        "system" => Some("已保存视频图像信息系统登记".to_string()),
        "placement" => Some("已保存摄像机安装位置".to_string()),
        "group" => Some("已新建提示标识分组".to_string()),
        "check" => Some("已登记提示标识检查，请上传现场照片".to_string()),
        "photo" => Some("已上传提示标识照片".to_string()),
        "retrieval" => Some("已登记视频调阅（登记不可修改、删除）".to_string()),
        _ => None,
    };
    video_page(&state, &u, &id, Sent::default(), None, notice).await
}

/// The page, with a refused form (`sent`, `error`) or a notice.
pub async fn video_page(
    state: &AppState,
    u: &CurrentUser,
    unit_id: &str,
    sent: Sent,
    error: Option<ApiError>,
    notice: Option<String>,
) -> Response {
    let v = &state.services.video;
    let o = match v.overview(&u.principal, unit_id).await {
        Ok(o) => o,
        Err(e) => return error_page(u, e.into()),
    };
    let names = |ids: &[String]| {
        ids.iter()
            .map(|i| {
                o.cameras
                    .iter()
                    .find(|c| &c.id == i)
                    .map(|c| c.name.clone())
                    .unwrap_or_else(|| "（已注销）".into())
            })
            .collect::<Vec<_>>()
            .join("、")
    };
    let may_read = u.principal.can(Permission::VideoRetrievalRead);
    let (retrievals, retrievals_total) = if may_read {
        match v.retrievals(&u.principal, unit_id, Page::new(None, Some(50))).await {
            Ok(l) => (
                Some(
                    l.items
                        .iter()
                        .map(|r| RetrievalRow {
                            action: retrieval_action_label(&r.action),
                            reason: r.reason.clone(),
                            cameras: names(&r.camera_ids),
                            range: format!("{} 至 {}", fmt_time(r.footage_from), fmt_time(r.footage_to)),
                            requester: format!("{} {}", r.requester_unit, r.requester_name),
                            approver: r.approver.clone(),
                            recorded: format!("{} {}", fmt_time(r.recorded_at), r.recorded_by),
                        })
                        .collect(),
                ),
                l.total,
            ),
            Err(e) => return error_page(u, e.into()),
        }
    } else {
        (None, 0)
    };
    let sys = &o.system.system;
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let now = Utc::now();
    let page = render(&VideoPage {
        nav: Nav::new(u),
        unit_id: unit_id.to_string(),
        unit_name: o.summary.unit_name.clone(),
        by_location: o.system.by_location.clone(),
        by_vendor: o.system.by_vendor.clone(),
        by_kind: o.system.by_kind.clone(),
        total_cameras: o.summary.cameras,
        prohibited: o.summary.prohibited,
        unrecorded: o.summary.unrecorded_location,
        with_evidence: o.summary.signage_with_evidence,
        without_evidence: o.summary.signage_without_evidence,
        retrievals_90: o.summary.retrievals_90_days,
        commissioned_on: sys.commissioned_on.map(|d| d.to_string()).unwrap_or_default(),
        storage_days: sys.storage_days.map(|d| d.to_string()).unwrap_or_default(),
        system_version: sys.version,
        cameras: o.cameras,
        groups: o.groups,
        locations: LocationType::ALL
            .iter()
            .map(|l| (l.code(), l.label_zh(), l.prohibited()))
            .collect(),
        formats: DeviceFormat::ALL.iter().map(|f| (f.code(), f.label_zh())).collect(),
        retrievals,
        retrievals_total,
        may_manage: u.principal.can(Permission::VideoManage),
        may_devices: u.principal.can(Permission::DeviceManage),
        may_record: u.principal.can(Permission::VideoRetrievalRecord),
        sent,
        error: error.map(|e| e.message),
        notice,
        today: now.with_timezone(&chrono_tz::Asia::Shanghai).date_naive().to_string(),
        now_local: local_input(now),
    });
    with_status(page, status)
}

//! The device list (`GET /devices`) and registering a device from the unit page (`POST /devices`).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::Response;
use neibao_domain::devices::{DeviceFilter, DeviceFormat, DeviceSort};
use neibao_domain::imports::ImportKind;
use neibao_domain::paging::{Page, Sort};
use neibao_domain::video::LocationType;
use neibao_engine::devices::DeviceInput;
use serde::Deserialize;

use super::super::kit::{error_page, render, UiUser};
use super::super::registry::{after, unit_page, NewDeviceSent, UnitExtras};
use super::super::views::{export_href, total_label, DeviceView, Nav, Pager, SortHeader};
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct DeviceForm {
    unit_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    format: String,
    #[serde(default)]
    key_area_id: String,
    #[serde(default)]
    serial: String,
    /// The device clock's IANA time zone; empty: the installation's zone, Asia/Shanghai.
    #[serde(default)]
    time_zone: String,
    /// A camera's location type (docs/VIDEO.md), empty: not recorded.
    #[serde(default)]
    location_type: String,
}

/// The base URL devices reach this installation at: the configured public URL
/// (`NEIBAO_PUBLIC_URL`), else the scheme this server is served with (https when its cookies are
/// marked secure) and the request's `Host` header (ASCII host and port characters only; the
/// server's own name is not known otherwise).
pub(crate) fn public_base(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = state.services.config().public_url.as_deref().filter(|u| !u.is_empty()) {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
        })
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// `POST /devices`: registers a device and answers with the unit page showing its full ingest
/// URL once, in the body (not a redirect: the URL holds the device's secret token and must not
/// go into the address bar, the history or a `Location` header; the page is `no-store`).
pub async fn create_device(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<DeviceForm>,
) -> Response {
    let unit_id = f.unit_id.clone();
    let sent = NewDeviceSent {
        name: f.name.clone(),
        kind: f.kind.clone(),
        format: f.format.clone(),
        key_area_id: f.key_area_id.clone(),
        serial: f.serial.clone(),
        location_type: f.location_type.clone(),
        time_zone: f.time_zone.clone(),
        is_sent: true,
    };
    let r = async {
        // An unknown unit answers not found before an unknown format.
        state.services.registry.unit(&u.principal, &f.unit_id).await?;
        let format = DeviceFormat::from_code(&f.format).ok_or_else(|| ApiError::validation("未知的接入格式"))?;
        let input = DeviceInput {
            unit_id: f.unit_id,
            key_area_id: Some(f.key_area_id),
            format,
            kind: Some(f.kind),
            name: f.name,
            serial: f.serial,
            channel_map: Default::default(),
            time_zone: Some(f.time_zone),
            location_type: match f.location_type.trim() {
                "" => None,
                c => Some(LocationType::from_code(c).ok_or_else(|| ApiError::validation("未知的安装位置类型"))?),
            },
            view_note: None,
        };
        Ok::<_, ApiError>(state.services.devices.register(&u.principal, input).await?.ingest_path)
    }
    .await;
    match r {
        Ok(path) => {
            let extras = UnitExtras {
                new_token: Some(format!("{}{path}", public_base(&state, &headers))),
                ..Default::default()
            };
            // Shown once: a repeat of this form is not answered with the secret again.
            let mut resp = unit_page(&state, &u, &unit_id, extras).await;
            resp.extensions_mut().insert(crate::idempotency::ShownOnce);
            resp
        }
        // Refused (bad input, a prohibited camera place): the unit page again with the reason and
        // the form as typed; anything else (no such unit, no permission) the error page.
        Err(e) => {
            let extras = UnitExtras {
                new_device_sent: Some(sent),
                ..Default::default()
            };
            after(&state, &u, &unit_id, "add-device", Err(e), extras).await
        }
    }
}

#[derive(Deserialize, Default)]
pub struct DevicesQuery {
    #[serde(default)]
    online: String,
    /// One unit's devices (the unit page links here when it shows only the first ones).
    #[serde(default)]
    unit_id: String,
    /// `name`, `unit`, `last_seen`, or one of them with a leading `-` (descending); anything
    /// else: the default order.
    #[serde(default)]
    sort: String,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "devices/devices.html")]
struct DevicesPage {
    nav: Nav,
    devices: Vec<DeviceView>,
    total: String,
    online: String,
    unit_id: String,
    /// The unit's name when the list is one unit's (taken from its rows).
    unit_name: String,
    pager: Pager,
    /// The order as understood (empty: the default), kept by the filter form.
    sort: String,
    sort_name: SortHeader,
    sort_unit: SortHeader,
    sort_last_seen: SortHeader,
    /// 导出 Excel: this list's filters and order.
    export: String,
    /// 批量导入设备: those who may import devices.
    may_import: bool,
}

pub async fn devices(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<DevicesQuery>) -> Response {
    let page = Page::new(q.page, Some(50));
    let filter = DeviceFilter {
        unit_id: Some(q.unit_id.clone()).filter(|s| !s.is_empty()),
        online: q.online.parse().ok(),
        sort: Sort::parse(&q.sort),
    };
    let sort = filter.sort.map(|s: Sort<DeviceSort>| s.param()).unwrap_or_default();
    let filters = [("online", q.online.clone()), ("unit_id", q.unit_id.clone())];
    let mut with_page = filters.to_vec();
    with_page.push(("page", q.page.map(|p| p.to_string()).unwrap_or_default()));
    let header = |column| SortHeader::new("/devices", &with_page, &sort, column);
    let (sort_name, sort_unit, sort_last_seen) = (header("name"), header("unit"), header("last_seen"));
    let mut with_sort = filters.to_vec();
    with_sort.push(("sort", sort.clone()));
    let export = export_href(
        "devices",
        &[
            ("unit_id", q.unit_id.clone()),
            ("online", filter.online.map(|o| o.to_string()).unwrap_or_default()),
            ("sort", sort.clone()),
        ],
    );
    match state.services.devices.list(&u.principal, &filter, page).await {
        Ok(list) => render(&DevicesPage {
            export,
            may_import: u.principal.can(ImportKind::Devices.permission()),
            nav: Nav::new(&u),
            devices: list.items.iter().map(DeviceView::from).collect(),
            total: total_label(&list),
            unit_name: match (q.unit_id.is_empty(), list.items.first()) {
                (false, Some(d)) => d.unit_name.clone(),
                _ => String::new(),
            },
            pager: Pager::new("/devices", &with_sort, page.page, page.per_page, list.total),
            sort,
            sort_name,
            sort_unit,
            sort_last_seen,
            online: q.online,
            unit_id: q.unit_id,
        }),
        Err(e) => error_page(&u, e.into()),
    }
}

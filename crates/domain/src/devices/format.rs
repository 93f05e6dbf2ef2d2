//! Devices' vendor formats and kinds.

use serde::{Deserialize, Serialize};

/// Wire format a device speaks, which decides the ingest endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeviceFormat {
    /// Hikvision ISAPI (cameras, NVRs, access terminals): `POST /ingest/hikvision/{token}`.
    Hikvision,
    /// The documented generic JSON shape: `POST /ingest/json/{token}`.
    GenericJson,
    /// Dahua / Amcrest / Lorex / Intelbras `eventManager.cgi` bodies: `POST /ingest/dahua/{token}`.
    #[serde(rename = "dahua")]
    Dahua,
    /// ONVIF `PullMessagesResponse` / `Notify`: `POST /ingest/onvif/{token}`.
    #[serde(rename = "onvif")]
    Onvif,
    /// Frigate NVR MQTT messages forwarded over HTTP: `POST /ingest/frigate/{token}`.
    #[serde(rename = "frigate")]
    Frigate,
    /// GB/T 28181 MANSCDP alarm notifications: `POST /ingest/gb28181/{token}`.
    #[serde(rename = "gb28181")]
    Gb28181,
    /// ZKTeco ADMS / iclock push: `POST /ingest/zkteco/{token}?table=…` (and the `GET` handshake).
    #[serde(rename = "zkteco")]
    Zkteco,
}

impl DeviceFormat {
    pub const ALL: [DeviceFormat; 7] = [
        DeviceFormat::Hikvision,
        DeviceFormat::GenericJson,
        DeviceFormat::Dahua,
        DeviceFormat::Onvif,
        DeviceFormat::Frigate,
        DeviceFormat::Gb28181,
        DeviceFormat::Zkteco,
    ];
    pub fn code(self) -> &'static str {
        match self {
            DeviceFormat::Hikvision => "hikvision",
            DeviceFormat::GenericJson => "generic_json",
            DeviceFormat::Dahua => "dahua",
            DeviceFormat::Onvif => "onvif",
            DeviceFormat::Frigate => "frigate",
            DeviceFormat::Gb28181 => "gb28181",
            DeviceFormat::Zkteco => "zkteco",
        }
    }
    pub fn from_code(s: &str) -> Option<DeviceFormat> {
        DeviceFormat::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            DeviceFormat::Hikvision => "海康威视 ISAPI",
            DeviceFormat::GenericJson => "通用 JSON",
            DeviceFormat::Dahua => "大华",
            DeviceFormat::Onvif => "ONVIF",
            DeviceFormat::Frigate => "Frigate",
            DeviceFormat::Gb28181 => "GB/T 28181",
            DeviceFormat::Zkteco => "中控 ZKTeco",
        }
    }
    /// Path segment under `/ingest/`.
    pub fn ingest_path(self) -> &'static str {
        match self {
            DeviceFormat::Hikvision => "hikvision",
            DeviceFormat::GenericJson => "json",
            DeviceFormat::Dahua => "dahua",
            DeviceFormat::Onvif => "onvif",
            DeviceFormat::Frigate => "frigate",
            DeviceFormat::Gb28181 => "gb28181",
            DeviceFormat::Zkteco => "zkteco",
        }
    }
}

/// Kind of device.
pub const DEVICE_KINDS: [(&str, &str); 5] = [
    ("camera", "摄像机"),
    ("nvr", "硬盘录像机"),
    ("access_terminal", "门禁终端"),
    ("alarm_panel", "报警主机"),
    ("other", "其他"),
];

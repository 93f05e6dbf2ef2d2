//! The kinds of device stream a pull client reads.

use serde::{Deserialize, Serialize};

/// Which device stream a pull client reads, and so which decoder its parts need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PullKind {
    /// Hikvision ISAPI `alertStream` (docs/DEVICE-FORMATS.md §1).
    HikvisionAlertStream,
    /// Dahua `eventManager.cgi?action=attach` (docs/DEVICE-FORMATS.md §3).
    DahuaAttach,
}

impl PullKind {
    /// Stable code: `hikvision_alert_stream` or `dahua_attach`.
    pub fn code(self) -> &'static str {
        match self {
            PullKind::HikvisionAlertStream => "hikvision_alert_stream",
            PullKind::DahuaAttach => "dahua_attach",
        }
    }

    /// The usual subscription path and query, to append to `http://<device>`:
    /// `/ISAPI/Event/notification/alertStream` or
    /// `/cgi-bin/eventManager.cgi?action=attach&codes=[All]&heartbeat=5`.
    pub fn default_path(self) -> &'static str {
        match self {
            PullKind::HikvisionAlertStream => "/ISAPI/Event/notification/alertStream",
            PullKind::DahuaAttach => "/cgi-bin/eventManager.cgi?action=attach&codes=[All]&heartbeat=5",
        }
    }
}

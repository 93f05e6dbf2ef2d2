//! Device payload decoders: vendor wire formats → [`neibao_domain::events::DecodedPayload`].
//!
//! Each decoder follows one section of `docs/DEVICE-FORMATS.md` and says which in its module docs:
//! - [`hikvision`]: ISAPI `EventNotificationAlert` (§1) and access-controller events (§2);
//! - [`dahua`]: `eventManager.cgi?action=attach` streams and pushes (§3);
//! - [`frigate`]: Frigate NVR MQTT `events`/`reviews`/`tracked_object_update` JSON (§5);
//! - [`gb28181`]: GB/T 28181 MANSCDP alarm `Notify` in GBK or UTF-8 (§6);
//! - [`generic`]: the documented generic JSON shape for integrations (`docs/EVENTS.md`);
//! - [`multipart`]: the forgiving splitter the vendor decoders share (§0.2);
//! - [`onvif`]: `PullMessagesResponse` and WS-BaseNotification `Notify` (§4);
//! - [`plate`]: licence-plate text without the "not read" placeholders (§1);
//! - [`time`]: the lenient device datetime parser and the device time zone (§0.4);
//! - [`zkteco`]: ZKTeco ADMS/iclock `cdata` tables ATTLOG, rtlog, rtstate (§7).
//!
//! Security: every function here takes untrusted bytes from the network. None panics on any
//! input (property-tested), work is capped (parts, elements, list entries, nesting), XML entities
//! are never expanded, and errors carry no payload bytes.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod dahua;
mod error;
pub mod frigate;
pub mod gb28181;
pub mod generic;
pub mod hikvision;
mod json_util;
pub mod multipart;
pub mod onvif;
pub mod plate;
mod sniff;
pub mod time;
mod xml_tree;
pub mod zkteco;

pub use dahua::decode_dahua;
pub use error::DecodeError;
pub use frigate::decode_frigate;
pub use gb28181::decode_gb28181;
pub use generic::decode_generic_json;
pub use hikvision::decode_hikvision;
pub use onvif::decode_onvif;
pub use zkteco::decode_zkteco;

//! The other vendors' decoders (Dahua, ONVIF, Frigate, GB/T 28181, ZKTeco ADMS) on any body; the
//! first byte picks the decoder (and Dahua's content type, ZKTeco's table), then `sanitize` on
//! every event. Text fields must come out bounded and without control characters.
#![no_main]

use libfuzzer_sys::fuzz_target;
use neibao_domain::events::MAX_DEVICE_TEXT;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let decoded = match selector % 8 {
        0 => neibao_ingest::decode_dahua(Some("multipart/x-mixed-replace; boundary=myboundary"), body),
        1 => neibao_ingest::decode_dahua(None, body),
        2 => neibao_ingest::decode_onvif(body),
        3 => neibao_ingest::decode_frigate(body),
        4 => neibao_ingest::decode_gb28181(body),
        5 => neibao_ingest::decode_zkteco(Some("ATTLOG"), body),
        6 => neibao_ingest::decode_zkteco(Some("rtstate"), body),
        _ => neibao_ingest::decode_zkteco(None, body),
    };
    if let Ok(payload) = decoded {
        for mut event in payload.events {
            event.sanitize();
            assert!(event.vendor_type.chars().count() <= MAX_DEVICE_TEXT);
            assert!(!event.vendor_type.chars().any(char::is_control));
        }
    }
});

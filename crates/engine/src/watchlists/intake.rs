//! The watchlist step of the intake pipeline (docs/ARCHITECTURE.md "A device payload"): a new
//! face or plate occurrence is looked up in the in-memory index ([`find`], O(1) per event); a
//! unit list's hit becomes a [`Finding`] (an alert in the unit, for a human check), every hit is
//! stored with its top candidates ([`record`]). A police list's hit raises no alert in the unit:
//! it goes only to the named organ's hit list (docs/WATCHLISTS.md).

use chrono::{DateTime, Duration, Utc};
use neibao_domain::alerts::Severity;
use neibao_domain::devices::IngestDevice;
use neibao_domain::events::{DecodedEvent, EventKind};
use neibao_domain::ids::new_id;
use neibao_domain::watchlists::{ListKind, NewHit, Owner, Place, WatchMatch};
use neibao_store::{Store, StoreResult};

use super::index::WatchIndexHolder;
use super::recognizer::Recognizer;
use crate::intake::stage::Finding;

/// Rule code of a face-list hit's alert.
pub const RULE_FACE: &str = "watchlist.face";
/// Rule code of a plate-list hit's alert.
pub const RULE_PLATE: &str = "watchlist.plate";

/// The lists `ev` at `device` matches. Plates: the event's plate. Faces: the device's own
/// comparison result; without one, the recognition service's answer for the first picture (asked
/// only when a face list watches the device). Below every threshold: nothing.
pub async fn find(
    holder: &WatchIndexHolder,
    recognizer: Option<&dyn Recognizer>,
    device: &IngestDevice,
    ev: &DecodedEvent,
    now: DateTime<Utc>,
) -> Vec<WatchMatch> {
    let idx = holder.current();
    if idx.list_count() == 0 {
        return Vec::new();
    }
    let today = (now + Duration::hours(8)).date_naive();
    let place = Place {
        unit_id: &device.unit_id,
        division_code: &device.division_code,
    };
    if ev.kind == EventKind::Plate {
        return ev
            .target
            .as_deref()
            .map(|p| idx.match_plate(place, p, today))
            .unwrap_or_default();
    }
    if !ev.face_candidates.is_empty() {
        return idx.match_face(place, &ev.face_candidates, today);
    }
    if ev.kind != EventKind::FaceCapture || !idx.watches_faces_at(place, today) {
        return Vec::new();
    }
    let (Some(r), Some(img)) = (recognizer, ev.images.first()) else {
        return Vec::new();
    };
    match r.recognize(&img.bytes, &img.content_type).await {
        Ok(candidates) => idx.match_face(place, &candidates, today),
        Err(e) => {
            tracing::warn!(device = %device.id, error = %e, "recognition service failed; the face stays unknown");
            Vec::new()
        }
    }
}

fn fingerprint(m: &WatchMatch) -> String {
    format!("watchlist:{}:{}", m.watchlist_id, m.entry_id)
}

/// The alert a unit list's hit calls for (none for a police list's). The title names the list and
/// the similarity, never the person: the candidates are on the hit page.
pub fn finding(m: &WatchMatch) -> Option<Finding> {
    if !matches!(m.owner, Owner::Unit(_)) {
        return None;
    }
    let (rule, title) = match (m.kind, m.similarity) {
        (ListKind::Face, Some(s)) => (
            RULE_FACE,
            format!("人脸布控比中（{}，相似度 {:.1}%），待人工核验", m.watchlist_name, s),
        ),
        (ListKind::Face, None) => (RULE_FACE, format!("人脸布控比中（{}），待人工核验", m.watchlist_name)),
        (ListKind::Plate, _) => (RULE_PLATE, format!("车牌布控比中（{}），待人工核验", m.watchlist_name)),
    };
    Some(Finding {
        rule: rule.to_string(),
        title,
        severity: Severity::High,
        fingerprint: fingerprint(m),
    })
}

/// Stores the hits of one event: each with the alert raised for it (by fingerprint, from
/// `raised`: fingerprint → alert id), if any.
pub async fn record(
    store: &dyn Store,
    device: &IngestDevice,
    event_id: &str,
    matches: &[WatchMatch],
    raised: &[(String, String)],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let hits: Vec<NewHit> = matches
        .iter()
        .map(|m| {
            let fp = fingerprint(m);
            NewHit {
                id: new_id(),
                watchlist_id: m.watchlist_id.clone(),
                entry_id: m.entry_id.clone(),
                event_id: event_id.to_string(),
                alert_id: raised.iter().find(|(f, _)| *f == fp).map(|(_, a)| a.clone()),
                unit_id: device.unit_id.clone(),
                device_id: device.id.clone(),
                similarity: m.similarity,
                candidates: m.candidates.clone(),
                at: now,
            }
        })
        .collect();
    store.record_watchlist_hits(&hits).await
}

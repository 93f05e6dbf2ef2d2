//! The in-memory index of the active lists: one hash map of normalised plates and one of face
//! subject keys, so that matching an event costs O(1) whatever the lists' size (the engine
//! rebuilds it when a list changes). Pure: the engine loads it and asks it.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::events::FaceCandidate;

use super::records::{Candidate, ListKind, Owner};
use super::rules::{normalize_plate, subject_key, TOP_K};

/// What the index keeps of a list.
#[derive(Debug, Clone)]
pub struct IndexList {
    pub id: String,
    pub kind: ListKind,
    pub name: String,
    pub owner: Owner,
    pub area_prefix: String,
    pub threshold: u8,
    pub expires_on: NaiveDate,
}

/// What the index keeps of an entry.
#[derive(Debug, Clone)]
pub struct IndexEntry {
    pub id: String,
    pub watchlist_id: String,
    pub plate: Option<String>,
    pub subject_name: Option<String>,
    pub external_subject_id: Option<String>,
}

#[derive(Debug, Clone)]
struct Slot {
    list: u32,
    entry_id: String,
    label: String,
}

/// The active lists and their entries, keyed for O(1) look-ups.
#[derive(Debug, Default)]
pub struct WatchIndex {
    lists: Vec<IndexList>,
    plates: HashMap<String, Vec<Slot>>,
    subjects: HashMap<String, Vec<Slot>>,
}

/// One list an event matched, with the entry and the candidates to show.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchMatch {
    pub watchlist_id: String,
    pub watchlist_name: String,
    pub kind: ListKind,
    pub owner: Owner,
    pub entry_id: String,
    /// The best candidate's similarity (percent); `None` for plates.
    pub similarity: Option<f32>,
    /// The top candidates (at most [`TOP_K`]), best first, each with the entry of this list it
    /// matched, if any.
    pub candidates: Vec<Candidate>,
}

/// Where an event happened, as the index needs it.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub unit_id: &'a str,
    pub division_code: &'a str,
}

impl IndexList {
    /// Whether an event at `place` on `today` is this list's business: a unit's list watches its
    /// own devices, a police organ's list the devices in its area; an expired list nothing.
    fn applies(&self, place: Place<'_>, today: NaiveDate) -> bool {
        if self.expires_on < today {
            return false;
        }
        match &self.owner {
            Owner::Unit(u) => u == place.unit_id,
            Owner::Organ(_) => place.division_code.starts_with(&self.area_prefix),
        }
    }
}

impl WatchIndex {
    /// Builds the index of `lists` (the active ones) and their `entries` (entries of other lists
    /// are skipped).
    pub fn build(lists: Vec<IndexList>, entries: Vec<IndexEntry>) -> WatchIndex {
        let pos: HashMap<String, u32> = lists
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id.clone(), i as u32))
            .collect();
        let mut idx = WatchIndex {
            lists,
            ..Default::default()
        };
        for e in entries {
            let Some(&list) = pos.get(&e.watchlist_id) else {
                continue;
            };
            match idx.lists[list as usize].kind {
                ListKind::Plate => {
                    if let Some(p) = e.plate.as_deref().and_then(normalize_plate) {
                        idx.plates.entry(p.clone()).or_default().push(Slot {
                            list,
                            entry_id: e.id,
                            label: p,
                        });
                    }
                }
                ListKind::Face => {
                    let label = e
                        .subject_name
                        .clone()
                        .or_else(|| e.external_subject_id.clone())
                        .unwrap_or_default();
                    let mut keys: Vec<String> = [e.external_subject_id.as_deref(), e.subject_name.as_deref()]
                        .into_iter()
                        .flatten()
                        .filter_map(subject_key)
                        .collect();
                    keys.dedup();
                    for k in keys {
                        idx.subjects.entry(k).or_default().push(Slot {
                            list,
                            entry_id: e.id.clone(),
                            label: label.clone(),
                        });
                    }
                }
            }
        }
        idx
    }

    /// Number of active lists.
    pub fn list_count(&self) -> usize {
        self.lists.len()
    }

    /// Number of keys (plates and subject keys).
    pub fn key_count(&self) -> usize {
        self.plates.len() + self.subjects.len()
    }

    /// Whether some active face list watches `place` (the recognition service is asked only then).
    pub fn watches_faces_at(&self, place: Place<'_>, today: NaiveDate) -> bool {
        self.lists
            .iter()
            .any(|l| l.kind == ListKind::Face && l.applies(place, today))
    }

    /// The lists a plate read at `place` matches (exactly, after normalising).
    pub fn match_plate(&self, place: Place<'_>, raw: &str, today: NaiveDate) -> Vec<WatchMatch> {
        let Some(plate) = normalize_plate(raw) else {
            return Vec::new();
        };
        let Some(slots) = self.plates.get(&plate) else {
            return Vec::new();
        };
        let mut out: Vec<WatchMatch> = Vec::new();
        for s in slots {
            let l = &self.lists[s.list as usize];
            if !l.applies(place, today) || out.iter().any(|m| m.watchlist_id == l.id) {
                continue;
            }
            out.push(WatchMatch {
                watchlist_id: l.id.clone(),
                watchlist_name: l.name.clone(),
                kind: ListKind::Plate,
                owner: l.owner.clone(),
                entry_id: s.entry_id.clone(),
                similarity: None,
                candidates: vec![Candidate {
                    subject: plate.clone(),
                    similarity: None,
                    entry_id: Some(s.entry_id.clone()),
                    label: Some(s.label.clone()),
                }],
            });
        }
        out
    }

    /// The lists a face seen at `place` matches: for each list, the best of the top
    /// [`TOP_K`] candidates whose subject is on it with a similarity at or above its threshold.
    /// Below every threshold the face is unknown: nothing matches.
    pub fn match_face(&self, place: Place<'_>, candidates: &[FaceCandidate], today: NaiveDate) -> Vec<WatchMatch> {
        let mut top: Vec<&FaceCandidate> = candidates.iter().filter(|c| c.similarity.is_finite()).collect();
        top.sort_by(|a, b| b.similarity.total_cmp(&a.similarity));
        top.truncate(TOP_K);
        // list position → (entry, similarity) of its best candidate at or above its threshold
        let mut best: Vec<(u32, String, f32)> = Vec::new();
        let mut seen: Vec<(usize, &Slot)> = Vec::new();
        for (ci, c) in top.iter().enumerate() {
            let Some(slots) = subject_key(&c.subject).and_then(|k| self.subjects.get(&k)) else {
                continue;
            };
            for s in slots {
                let l = &self.lists[s.list as usize];
                if !l.applies(place, today) {
                    continue;
                }
                seen.push((ci, s));
                if c.similarity >= l.threshold as f32 && !best.iter().any(|(li, _, _)| *li == s.list) {
                    best.push((s.list, s.entry_id.clone(), c.similarity));
                }
            }
        }
        best.into_iter()
            .map(|(li, entry_id, similarity)| {
                let l = &self.lists[li as usize];
                let candidates = top
                    .iter()
                    .enumerate()
                    .map(|(ci, c)| {
                        let on = seen.iter().find(|(i, s)| *i == ci && s.list == li).map(|(_, s)| *s);
                        Candidate {
                            subject: c.subject.clone(),
                            similarity: Some(c.similarity),
                            entry_id: on.map(|s| s.entry_id.clone()),
                            label: on.map(|s| s.label.clone()),
                        }
                    })
                    .collect();
                WatchMatch {
                    watchlist_id: l.id.clone(),
                    watchlist_name: l.name.clone(),
                    kind: ListKind::Face,
                    owner: l.owner.clone(),
                    entry_id,
                    similarity: Some(similarity),
                    candidates,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
    }

    fn list(id: &str, kind: ListKind, owner: Owner, threshold: u8) -> IndexList {
        IndexList {
            id: id.into(),
            kind,
            name: id.into(),
            owner,
            area_prefix: "3301".into(),
            threshold,
            expires_on: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        }
    }

    fn face(id: &str, list: &str, name: &str, ext: Option<&str>) -> IndexEntry {
        IndexEntry {
            id: id.into(),
            watchlist_id: list.into(),
            plate: None,
            subject_name: Some(name.into()),
            external_subject_id: ext.map(str::to_string),
        }
    }

    const HERE: Place<'static> = Place {
        unit_id: "u1",
        division_code: "330106",
    };

    #[test]
    fn a_face_at_or_above_the_threshold_matches_and_below_it_does_not() {
        let idx = WatchIndex::build(
            vec![list("f", ListKind::Face, Owner::Unit("u1".into()), 85)],
            vec![face("e1", "f", "张三", Some("S-1"))],
        );
        let cand = |s: &str, sim: f32| FaceCandidate {
            subject: s.into(),
            similarity: sim,
        };
        let m = idx.match_face(HERE, &[cand("s-1", 85.0), cand("李四", 70.0)], day());
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].entry_id, "e1");
        assert_eq!(m[0].candidates.len(), 2);
        assert_eq!(m[0].candidates[0].label.as_deref(), Some("张三"));
        assert!(idx.match_face(HERE, &[cand("S-1", 84.9)], day()).is_empty());
        // another unit's device: not this list's business
        let there = Place {
            unit_id: "u2",
            division_code: "330106",
        };
        assert!(idx.match_face(there, &[cand("S-1", 99.0)], day()).is_empty());
    }

    #[test]
    fn plates_match_exactly_within_the_organs_area_until_expiry() {
        let idx = WatchIndex::build(
            vec![list("p", ListKind::Plate, Owner::Organ("o".into()), 100)],
            vec![IndexEntry {
                id: "e".into(),
                watchlist_id: "p".into(),
                plate: Some("浙A12345".into()),
                subject_name: None,
                external_subject_id: None,
            }],
        );
        assert_eq!(idx.match_plate(HERE, "浙A·12345", day()).len(), 1);
        assert!(idx.match_plate(HERE, "浙A12346", day()).is_empty());
        let far = Place {
            unit_id: "u9",
            division_code: "330206",
        };
        assert!(idx.match_plate(far, "浙A12345", day()).is_empty());
        let late = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        assert!(idx.match_plate(HERE, "浙A12345", late).is_empty());
    }
}

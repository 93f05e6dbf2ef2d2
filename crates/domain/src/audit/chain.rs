//! The tamper-evident audit log: every change and every sensitive read, appended as a hash chain.
//! Security-sensitive.
//!
//! Row `n` stores `hash = SHA-256(prev_hash ‖ fields)` where `prev_hash` is row `n − 1`'s hash
//! (64 zeros for the first row) and every field is length-prefixed, so no two different rows
//! hash alike. Sequence numbers have no gaps, and `audit_head` keeps the last link. [`Verifier`]
//! walks the rows in order and reports, with the row's number:
//! - **edited**: a row whose hash does not match its fields (a field or the hash was changed);
//! - **deleted**: a gap in the numbers, or fewer rows than the head says;
//! - **reordered**: a row that is whole on its own but does not follow the row before it
//!   (rows swapped, or one replaced by a row from elsewhere).
//!
//! Retention may remove the oldest rows; it then moves the head's start and appends an
//! `audit.trim` row naming the new start. A start that moved without such a row (rows deleted
//! from the front and the head edited to match) is reported as deleted.
//!
//! A chain rewritten from some row onwards with fresh hashes passes on its own; record the head
//! (`neibao audit verify` prints it) outside the database and check it later with
//! `--anchor SEQ:HASH`. An anchor proves only that rows up to `SEQ` are those that existed when
//! it was recorded; rows appended after it with correct links pass. Signed checkpoints (see
//! `checkpoint.rs`) catch rows appended later and backdated, and name the rows no checkpoint
//! covers yet. Source: docs/REQUIREMENTS.md R53 (register every retrieval with reason, content
//! and requester) and R68 (logs kept and protected).

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Action of the row retention appends when it removes the oldest rows: it names the new start.
pub const TRIM_ACTION: &str = "audit.trim";

/// Detail of a [`TRIM_ACTION`] row: the new first row, the `prev_hash` it must carry, and the
/// cut-off (ms) and count of the removal.
pub fn trim_detail(first_seq: i64, first_prev_hash: &str, older_than: i64, rows: i64) -> String {
    format!("first_seq={first_seq};first_prev_hash={first_prev_hash};older_than={older_than};rows={rows}")
}

/// The `prev_hash` of the first row.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What is appended: who did what to which object, and why (for sensitive reads).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// User id; `None` for the system (scheduler, CLI).
    pub actor_id: Option<String>,
    /// User name or `system` / `cli`.
    pub actor_name: String,
    /// Stable action code, e.g. `unit.update`, `person.reveal`, `session.login`,
    /// `retention.delete`, or `PUT /api/v1/units/{id}` for a request.
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// The unit the object belongs to, when there is one (scopes who may read the row).
    pub unit_id: Option<String>,
    /// The stated purpose of a sensitive read (required for `*.reveal` and lookups).
    pub purpose: String,
    /// Free text or JSON: status code, fields changed, counts. Never plaintext personal data.
    pub detail: String,
}

/// A stored row of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuditRecord {
    pub seq: i64,
    /// Milliseconds since the Unix epoch (UTC).
    pub at: i64,
    #[serde(flatten)]
    pub entry: AuditEntry,
    pub prev_hash: String,
    pub hash: String,
}

/// The chain's head as stored in `audit_head`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditHead {
    /// First kept row (rows before it were removed by retention).
    pub first_seq: i64,
    /// The `prev_hash` the first kept row must carry.
    pub first_prev_hash: String,
    pub last_seq: i64,
    pub last_hash: String,
}

/// The hash of a row: SHA-256 over `prev_hash`, the time and the entry's fields, each
/// length-prefixed (8 bytes, big-endian); an absent optional field is a single `0xFF` byte.
pub fn link_hash(prev_hash: &str, at: i64, e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    let mut put = |s: Option<&str>| match s {
        Some(s) => {
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        }
        None => h.update([0xFF]),
    };
    put(Some(prev_hash));
    put(Some(&at.to_string()));
    put(e.actor_id.as_deref());
    put(Some(&e.actor_name));
    put(Some(&e.action));
    put(Some(&e.object_type));
    put(Some(&e.object_id));
    put(e.unit_id.as_deref());
    put(Some(&e.purpose));
    put(Some(&e.detail));
    hex::encode(h.finalize())
}

/// What was found wrong with the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    Edited,
    Deleted,
    Reordered,
    /// A checkpoint line that is not one, or whose signature does not verify.
    Forged,
    /// A row after a signed checkpoint that carries a time well before it (appended later).
    Backdated,
}

/// One finding of [`Verifier`], with the sequence number where it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditProblem {
    pub seq: i64,
    pub kind: ProblemKind,
    /// zh-CN explanation for the operator.
    pub message: String,
}

/// Checks rows fed in sequence order against the chain rules (see the module docs).
#[derive(Debug)]
pub struct Verifier {
    expected_seq: i64,
    prev_hash: String,
    /// The `audit.trim` detail that must appear when the chain does not start at row 1.
    start_record: Option<String>,
    start_seen: bool,
    /// Rows checked so far.
    pub checked: u64,
    pub problems: Vec<AuditProblem>,
}

impl Verifier {
    /// Starts where the head says the kept chain starts.
    pub fn new(head: &AuditHead) -> Verifier {
        Verifier {
            expected_seq: head.first_seq,
            prev_hash: head.first_prev_hash.clone(),
            start_record: (head.first_seq > 1)
                .then(|| format!("first_seq={};first_prev_hash={};", head.first_seq, head.first_prev_hash)),
            start_seen: false,
            checked: 0,
            problems: Vec::new(),
        }
    }

    /// Checks the next row (rows must come in ascending `seq`).
    pub fn feed(&mut self, row: &AuditRecord) {
        self.checked += 1;
        let mut gap = false;
        if row.seq > self.expected_seq {
            gap = true;
            let (from, to) = (self.expected_seq, row.seq - 1);
            self.problems.push(AuditProblem {
                seq: from,
                kind: ProblemKind::Deleted,
                message: if from == to {
                    format!("第 {from} 条记录已被删除")
                } else {
                    format!("第 {from}–{to} 条记录已被删除")
                },
            });
        }
        if link_hash(&row.prev_hash, row.at, &row.entry) != row.hash {
            self.problems.push(AuditProblem {
                seq: row.seq,
                kind: ProblemKind::Edited,
                message: format!("第 {} 条记录的内容与其哈希不符：已被篡改", row.seq),
            });
        } else if !gap && row.prev_hash != self.prev_hash {
            self.problems.push(AuditProblem {
                seq: row.seq,
                kind: ProblemKind::Reordered,
                message: format!("第 {} 条记录未接在前一条之后：记录被重排或替换", row.seq),
            });
        }
        if row.entry.action == TRIM_ACTION
            && self
                .start_record
                .as_deref()
                .is_some_and(|want| row.entry.detail.starts_with(want))
        {
            self.start_seen = true;
        }
        self.prev_hash = row.hash.clone();
        self.expected_seq = row.seq + 1;
    }

    /// Checks the end of the chain against the head and returns the findings.
    pub fn finish(mut self, head: &AuditHead) -> Vec<AuditProblem> {
        if self.start_record.is_some() && !self.start_seen {
            self.problems.insert(
                0,
                AuditProblem {
                    seq: 1,
                    kind: ProblemKind::Deleted,
                    message: format!(
                        "第 1–{} 条记录已被删除：链首被移动，但没有对应的保存期限清理记录",
                        head.first_seq - 1
                    ),
                },
            );
        }
        let last = self.expected_seq - 1;
        if head.last_seq > last {
            self.problems.push(AuditProblem {
                seq: last + 1,
                kind: ProblemKind::Deleted,
                message: format!("第 {}–{} 条记录（链尾）已被删除", last + 1, head.last_seq),
            });
        } else if head.last_seq == last && head.last_seq >= head.first_seq && head.last_hash != self.prev_hash {
            self.problems.push(AuditProblem {
                seq: last,
                kind: ProblemKind::Edited,
                message: format!("链尾记录（第 {last} 条）与链头登记的哈希不符"),
            });
        }
        self.problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> (Vec<AuditRecord>, AuditHead) {
        let mut prev = GENESIS_HASH.to_string();
        let mut rows = Vec::new();
        for seq in 1..=n {
            let entry = AuditEntry {
                actor_name: "admin".into(),
                action: format!("a{seq}"),
                ..AuditEntry::default()
            };
            let hash = link_hash(&prev, seq * 1000, &entry);
            rows.push(AuditRecord {
                seq,
                at: seq * 1000,
                entry,
                prev_hash: prev.clone(),
                hash: hash.clone(),
            });
            prev = hash;
        }
        let head = AuditHead {
            first_seq: 1,
            first_prev_hash: GENESIS_HASH.into(),
            last_seq: n,
            last_hash: prev,
        };
        (rows, head)
    }

    fn verify(rows: &[AuditRecord], head: &AuditHead) -> Vec<AuditProblem> {
        let mut v = Verifier::new(head);
        rows.iter().for_each(|r| v.feed(r));
        v.finish(head)
    }

    #[test]
    fn intact_chain_passes() {
        let (rows, head) = chain(5);
        assert!(verify(&rows, &head).is_empty());
    }

    #[test]
    fn edit_delete_reorder_and_tail_are_caught() {
        let (rows, head) = chain(6);
        let mut edited = rows.clone();
        edited[2].entry.detail = "x".into();
        let p = verify(&edited, &head);
        assert_eq!((p.len(), p[0].seq, p[0].kind), (1, 3, ProblemKind::Edited));

        let mut deleted = rows.clone();
        deleted.remove(3);
        let p = verify(&deleted, &head);
        assert_eq!((p.len(), p[0].seq, p[0].kind), (1, 4, ProblemKind::Deleted));

        let mut swapped = rows.clone();
        swapped.swap(1, 2);
        swapped[1].seq = 2;
        swapped[2].seq = 3;
        let p = verify(&swapped, &head);
        assert_eq!((p[0].seq, p[0].kind), (2, ProblemKind::Reordered));

        let p = verify(&rows[..4], &head);
        assert_eq!((p.len(), p[0].seq, p[0].kind), (1, 5, ProblemKind::Deleted));
    }

    #[test]
    fn absent_and_empty_fields_hash_differently() {
        let a = AuditEntry::default();
        let b = AuditEntry {
            actor_id: Some(String::new()),
            ..AuditEntry::default()
        };
        assert_ne!(link_hash(GENESIS_HASH, 1, &a), link_hash(GENESIS_HASH, 1, &b));
    }
}

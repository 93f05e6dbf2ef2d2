//! Signed checkpoints of the audit chain, kept outside the database. Security-sensitive.
//!
//! What the hash chain proves on its own: that no row was edited, removed or reordered *unless*
//! the chain was rewritten from that row on with fresh hashes (anyone who can write the database
//! can do that). What an anchor `SEQ:HASH` recorded elsewhere adds: rows up to `SEQ` are the
//! rows that existed when it was recorded. Neither says anything about rows after the anchored
//! row: a forger who can write the database can append rows with correct links after it, and they
//! pass.
//!
//! A checkpoint is one line of an external, append-only log:
//! `neibao-audit-checkpoint v1 seq=SEQ hash=HASH at=MS mac=HEX`, where `mac` is HMAC-SHA256 over
//! (seq, hash, at) under a key the database (and the server's account) does not hold. It adds:
//! - each checkpoint is authentic (a wrong `mac` is a forged or damaged checkpoint);
//! - the chain still has row `SEQ` with hash `HASH` (else the chain was rewritten or cut);
//! - rows after a checkpoint whose time is more than [`CHECKPOINT_SLACK_MS`] before that
//!   checkpoint's time were appended later and backdated: a forged row made to look as if it
//!   had been written before the checkpoint;
//! - rows after the last checkpoint are not covered: they are reported (with their range), not
//!   proven. A row appended with a current time after the last checkpoint cannot be told from a
//!   real one; the next checkpoint fixes it as it is then. The shorter the period between
//!   checkpoints, the shorter that window.
//!
//! Source: docs/SECURITY.md ("Audit log") and docs/REQUIREMENTS.md R68 (logs kept and
//! protected).

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::chain::{AuditHead, AuditProblem, AuditRecord, ProblemKind};

/// The first words of every checkpoint line (the format's name and version).
pub const CHECKPOINT_PREFIX: &str = "neibao-audit-checkpoint v1";

/// A row after a checkpoint may carry a time up to this much (ms) before the checkpoint's time
/// without being called backdated: a change takes its time before it commits, and a
/// checkpoint may read the head in between (5 minutes).
pub const CHECKPOINT_SLACK_MS: i64 = 5 * 60 * 1000;

/// Shortest checkpoint key accepted, in bytes.
pub const CHECKPOINT_KEY_MIN: usize = 32;

/// One signed checkpoint: the chain's head `seq`/`hash` as read at `at` (ms since the epoch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The head's sequence number.
    pub seq: i64,
    /// The head row's hash (64 hex digits).
    pub hash: String,
    /// When the head was read, ms since the Unix epoch (UTC).
    pub at: i64,
    /// Hex HMAC-SHA256 over [`Checkpoint::message`].
    pub mac: String,
}

fn mac_over(key: &[u8], seq: i64, hash: &str, at: i64) -> Hmac<Sha256> {
    // HMAC takes keys of any length; the key's length is checked where it is read.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(Checkpoint::message(seq, hash, at).as_bytes());
    m
}

impl Checkpoint {
    /// What is signed: the format's name, then seq, hash and time, one per line.
    pub fn message(seq: i64, hash: &str, at: i64) -> String {
        format!("{CHECKPOINT_PREFIX}\n{seq}\n{hash}\n{at}")
    }

    /// Signs the head `seq`/`hash` read at `at` with `key`.
    pub fn sign(key: &[u8], seq: i64, hash: &str, at: i64) -> Checkpoint {
        let mac = hex::encode(mac_over(key, seq, hash, at).finalize().into_bytes());
        Checkpoint {
            seq,
            hash: hash.to_string(),
            at,
            mac,
        }
    }

    /// The line appended to the checkpoint log.
    pub fn line(&self) -> String {
        format!(
            "{CHECKPOINT_PREFIX} seq={} hash={} at={} mac={}",
            self.seq, self.hash, self.at, self.mac
        )
    }

    /// Parses a line written by [`Checkpoint::line`]; `None` when it is not one.
    pub fn parse(line: &str) -> Option<Checkpoint> {
        let rest = line.trim().strip_prefix(CHECKPOINT_PREFIX)?;
        let mut fields = rest.split_whitespace();
        let mut next = |name: &str| fields.next()?.strip_prefix(name)?.strip_prefix('=').map(str::to_string);
        let seq = next("seq")?.parse().ok()?;
        let hash = next("hash")?;
        let at = next("at")?.parse().ok()?;
        let mac = next("mac")?;
        let hex64 = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
        (hex64(&hash) && hex64(&mac)).then_some(Checkpoint { seq, hash, at, mac })
    }

    /// Whether the checkpoint was signed with `key` (compared in constant time).
    pub fn authentic(&self, key: &[u8]) -> bool {
        hex::decode(&self.mac)
            .map(|mac| mac_over(key, self.seq, &self.hash, self.at).verify_slice(&mac).is_ok())
            .unwrap_or(false)
    }
}

/// `2026-12-06 07:00:00 UTC` for a time in ms.
fn fmt_utc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map_or_else(|| ms.to_string(), |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
}

/// What the checkpoints say about the rows after the last of them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Uncovered {
    /// The last authentic checkpoint, as (seq, time in ms); `None` when there is none.
    pub last_checkpoint: Option<(i64, i64)>,
    /// First and last row after it (rows no checkpoint vouches for yet).
    pub from_seq: i64,
    pub to_seq: i64,
}

/// Checks the rows of the chain (fed in ascending `seq`, as to [`super::chain::Verifier`]) against the
/// authentic checkpoints of a log (see the module docs).
#[derive(Debug)]
pub struct CheckpointChecker {
    /// Authentic checkpoints by ascending seq.
    checkpoints: Vec<Checkpoint>,
    /// Index of the next checkpoint not yet reached by the rows.
    next: usize,
    /// Latest time of the checkpoints already passed.
    passed_at: Option<i64>,
    seen: Vec<bool>,
    pub problems: Vec<AuditProblem>,
}

impl CheckpointChecker {
    /// Reads a checkpoint log (one line each; blank lines and `#` comments skipped): a line that
    /// is not a checkpoint or whose signature does not verify under `key` is a problem.
    pub fn new(key: &[u8], log: &str) -> CheckpointChecker {
        let mut problems = Vec::new();
        let mut checkpoints = Vec::new();
        for (n, line) in log.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match Checkpoint::parse(line) {
                Some(c) if c.authentic(key) => checkpoints.push(c),
                Some(c) => problems.push(AuditProblem {
                    seq: c.seq,
                    kind: ProblemKind::Forged,
                    message: format!("检查点日志第 {} 行的签名无效：检查点被伪造或损坏（或密钥不对）", n + 1),
                }),
                None => problems.push(AuditProblem {
                    seq: 0,
                    kind: ProblemKind::Forged,
                    message: format!("检查点日志第 {} 行不是检查点", n + 1),
                }),
            }
        }
        checkpoints.sort_by_key(|c| (c.seq, c.at));
        let seen = vec![false; checkpoints.len()];
        CheckpointChecker {
            checkpoints,
            next: 0,
            passed_at: None,
            seen,
            problems,
        }
    }

    /// Authentic checkpoints read.
    pub fn count(&self) -> usize {
        self.checkpoints.len()
    }

    /// Checks the next row of the chain.
    pub fn feed(&mut self, row: &AuditRecord) {
        while let Some(c) = self.checkpoints.get(self.next).filter(|c| c.seq < row.seq) {
            self.passed_at = Some(self.passed_at.map_or(c.at, |a| a.max(c.at)));
            self.next += 1;
        }
        if let Some(at) = self.passed_at.filter(|at| row.at < at - CHECKPOINT_SLACK_MS) {
            self.problems.push(AuditProblem {
                seq: row.seq,
                kind: ProblemKind::Backdated,
                message: format!(
                    "第 {} 条记录排在 {} 的检查点之后，却标注了更早的时间：记录是事后追加并倒填时间的",
                    row.seq,
                    fmt_utc(at)
                ),
            });
        }
        for (i, c) in self.checkpoints.iter().enumerate().skip(self.next) {
            if c.seq != row.seq {
                break;
            }
            self.seen[i] = true;
            if c.hash != row.hash {
                self.problems.push(AuditProblem {
                    seq: row.seq,
                    kind: ProblemKind::Edited,
                    message: format!("第 {} 条记录与签名检查点登记的哈希不符：链被改写", row.seq),
                });
            }
        }
    }

    /// Checkpoints whose rows never came (cut from the tail, or deleted; rows removed by
    /// retention are not counted), and the rows after the last authentic checkpoint.
    pub fn finish(mut self, head: &AuditHead) -> (Vec<AuditProblem>, Option<Uncovered>) {
        for (i, c) in self.checkpoints.iter().enumerate() {
            if !self.seen[i] && c.seq >= head.first_seq {
                self.problems.push(AuditProblem {
                    seq: c.seq,
                    kind: ProblemKind::Deleted,
                    message: format!("签名检查点所指的第 {} 条记录不存在：链被截断或删改", c.seq),
                });
            }
        }
        let last = self.checkpoints.iter().max_by_key(|c| c.seq);
        let from_seq = last.map_or(head.first_seq, |c| c.seq + 1).max(head.first_seq);
        let uncovered = (from_seq <= head.last_seq).then(|| Uncovered {
            last_checkpoint: last.map(|c| (c.seq, c.at)),
            from_seq,
            to_seq: head.last_seq,
        });
        (self.problems, uncovered)
    }
}

#[cfg(test)]
mod tests {
    use super::super::chain::{link_hash, AuditEntry, GENESIS_HASH};
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn rows(times: &[i64]) -> (Vec<AuditRecord>, AuditHead) {
        let mut prev = GENESIS_HASH.to_string();
        let mut out = Vec::new();
        for (i, at) in times.iter().enumerate() {
            let entry = AuditEntry {
                action: format!("a{i}"),
                ..AuditEntry::default()
            };
            let hash = link_hash(&prev, *at, &entry);
            out.push(AuditRecord {
                seq: i as i64 + 1,
                at: *at,
                entry,
                prev_hash: prev.clone(),
                hash: hash.clone(),
            });
            prev = hash;
        }
        let head = AuditHead {
            first_seq: 1,
            first_prev_hash: GENESIS_HASH.into(),
            last_seq: times.len() as i64,
            last_hash: prev,
        };
        (out, head)
    }

    fn check(log: &str, rows: &[AuditRecord], head: &AuditHead) -> (Vec<AuditProblem>, Option<Uncovered>) {
        let mut c = CheckpointChecker::new(KEY, log);
        rows.iter().for_each(|r| c.feed(r));
        c.finish(head)
    }

    #[test]
    fn lines_round_trip_and_signatures_bind_every_field() {
        let c = Checkpoint::sign(KEY, 7, &"a".repeat(64), 1_000);
        let back = Checkpoint::parse(&c.line()).unwrap();
        assert_eq!(back, c);
        assert!(back.authentic(KEY));
        assert!(!back.authentic(b"another key of thirty-two bytes!"));
        let moved = Checkpoint { seq: 8, ..c.clone() };
        assert!(!moved.authentic(KEY));
        let later = Checkpoint { at: 2_000, ..c };
        assert!(!later.authentic(KEY));
        assert!(Checkpoint::parse("neibao-audit-checkpoint v1 seq=1").is_none());
    }

    #[test]
    fn appended_backdated_rewritten_and_uncovered_rows_are_reported() {
        let min = 60_000;
        let (chain, head) = rows(&[min, 2 * min, 3 * min, 20 * min]);
        // Checkpoint at row 2 taken at minute 10.
        let cp = Checkpoint::sign(KEY, 2, &chain[1].hash, 10 * min).line();
        let (p, u) = check(&cp, &chain, &head);
        // Row 3 (minute 3) follows a checkpoint of minute 10: appended later, backdated.
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!((p[0].seq, p[0].kind), (3, ProblemKind::Backdated));
        assert_eq!(u.map(|u| (u.from_seq, u.to_seq)), Some((3, 4)));

        let rewritten = Checkpoint::sign(KEY, 2, &"b".repeat(64), 2 * min).line();
        let (p, _) = check(
            &rewritten,
            &chain[..2],
            &AuditHead {
                last_seq: 2,
                ..head.clone()
            },
        );
        assert_eq!((p.len(), p[0].kind), (1, ProblemKind::Edited), "{p:?}");

        let beyond = Checkpoint::sign(KEY, 9, &"c".repeat(64), 30 * min).line();
        let (p, u) = check(&format!("{beyond}\nnot a checkpoint"), &chain, &head);
        let kinds: Vec<_> = p.iter().map(|p| p.kind).collect();
        assert!(
            kinds.contains(&ProblemKind::Deleted) && kinds.contains(&ProblemKind::Forged),
            "{p:?}"
        );
        assert_eq!(u, None);

        let mut forged = Checkpoint::sign(KEY, 4, &chain[3].hash, 21 * min);
        forged.at += 1;
        let (p, u) = check(&forged.line(), &chain, &head);
        assert_eq!((p.len(), p[0].kind), (1, ProblemKind::Forged));
        assert_eq!(u.map(|u| u.from_seq), Some(1), "a forged checkpoint covers nothing");
    }
}

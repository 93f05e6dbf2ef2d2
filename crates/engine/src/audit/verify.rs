//! Verification of the whole audit chain (`neibao audit verify`): every row in order, then the
//! head, then the anchors recorded earlier, then the signed checkpoints of an external log
//! (see `neibao_domain::audit`, module `checkpoint`).

use std::collections::HashMap;

use neibao_domain::audit::{AuditHead, AuditProblem, CheckpointChecker, ProblemKind, Uncovered, Verifier};
use neibao_store::Store;

use crate::error::{ServiceError, ServiceResult};

/// Rows read per page while walking the chain.
const PAGE_ROWS: i64 = 1000;

/// What a verification found.
#[derive(Debug)]
pub struct AuditReport {
    pub head: AuditHead,
    /// Rows checked.
    pub checked: u64,
    /// Every problem, by sequence number.
    pub problems: Vec<AuditProblem>,
    /// Authentic checkpoints read from the log given (0 without one).
    pub checkpoints: usize,
    /// With a checkpoint log: the rows after its last authentic checkpoint, which no
    /// checkpoint vouches for yet (`None` when every row is covered or without a log).
    pub uncovered: Option<Uncovered>,
}

/// A checkpoint log to check the chain against: its text and the key its lines were signed
/// with (see `neibao_domain::audit::Checkpoint`).
#[derive(Debug, Clone, Copy)]
pub struct CheckpointLog<'a> {
    pub key: &'a [u8],
    pub log: &'a str,
}

/// Parses anchors `SEQ:HASH` (a 64-character hex hash).
///
/// Errors: `validation_failed` naming the malformed anchor.
fn parse_anchors(anchors: &[String]) -> ServiceResult<HashMap<i64, String>> {
    let mut wanted = HashMap::new();
    for a in anchors {
        let (seq, hash) = a
            .split_once(':')
            .and_then(|(s, h)| Some((s.parse::<i64>().ok()?, h.to_string())))
            .filter(|(_, h)| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| ServiceError::invalid(format!("锚点格式应为 SEQ:HASH：{a}")))?;
        wanted.insert(seq, hash);
    }
    Ok(wanted)
}

/// Walks the whole chain in pages of [`PAGE_ROWS`] rows. `anchors` are `SEQ:HASH` pairs
/// recorded earlier; a row whose hash differs, or that is gone, is a problem. An anchor says
/// nothing about the rows after it. `checkpoints`, when given, are checked as
/// [`CheckpointChecker`] says: forged lines, rows that no longer match, rows appended and
/// backdated after a checkpoint, and the rows after the last one.
pub(crate) async fn verify_chain(
    store: &dyn Store,
    anchors: &[String],
    checkpoints: Option<CheckpointLog<'_>>,
) -> ServiceResult<AuditReport> {
    let mut wanted = parse_anchors(anchors)?;
    let mut signed = checkpoints.map(|c| CheckpointChecker::new(c.key, c.log));
    let head = store.audit_head().await?;
    let mut v = Verifier::new(&head);
    let mut after = head.first_seq - 1;
    let mut anchor_problems = Vec::new();
    loop {
        let rows = store.audit_rows(after, PAGE_ROWS).await?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        for r in &rows {
            if let Some(h) = wanted.remove(&r.seq) {
                if h != r.hash {
                    anchor_problems.push(AuditProblem {
                        seq: r.seq,
                        kind: ProblemKind::Edited,
                        message: format!("第 {} 条记录与此前登记的锚点哈希不符：链被改写", r.seq),
                    });
                }
            }
            v.feed(r);
            if let Some(c) = signed.as_mut() {
                c.feed(r);
            }
        }
    }
    let checked = v.checked;
    let mut problems = v.finish(&head);
    problems.extend(anchor_problems);
    for (seq, _) in wanted {
        if seq >= head.first_seq {
            problems.push(AuditProblem {
                seq,
                kind: ProblemKind::Deleted,
                message: format!("锚点所指的第 {seq} 条记录不存在"),
            });
        }
    }
    let (checkpoint_count, uncovered) = match signed {
        Some(c) => {
            let n = c.count();
            let (found, uncovered) = c.finish(&head);
            problems.extend(found);
            (n, uncovered)
        }
        None => (0, None),
    };
    problems.sort_by_key(|p| p.seq);
    Ok(AuditReport {
        head,
        checked,
        problems,
        checkpoints: checkpoint_count,
        uncovered,
    })
}

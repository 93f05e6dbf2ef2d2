//! Reports to the police (docs/REPORTS.md; issue 15 "Reports from units"; R12(4), R24, R48): a
//! unit's internal incident (内部案事件), a suspicious-activity or terrorism-related report (also
//! from the public form, no account, under a per-address budget) and a surroundings issue (周边).
//! Each is routed at filing to a police organisation, which is told within the same request
//! (inbox and channels through the notifications kernel), acknowledges it and records its
//! handling.

mod budget;
mod photos;
mod service;

pub use budget::PublicBudget;
pub use service::{FileInput, PublicInput, PublicReceipt, ReportService, ReportView};

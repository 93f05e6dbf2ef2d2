//! Designations (docs/FILINGS.md): 治安保卫重点单位 (Decree 421 Art 13, R15) and 防范恐怖袭击
//! 重点目标 (反恐怖主义法 Art 31, R40): [`DesignationService`].

mod service;

pub use service::{DecisionDraft, DesignationService, ProposalDraft};

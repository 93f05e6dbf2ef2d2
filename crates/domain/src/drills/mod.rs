//! Emergency drills (应急演练, docs/DRILLS.md; R18, R34, R46 ¶2; Decree 421 Art 15: key units drill
//! their emergency plan periodically; the Zhejiang anti-terrorism measures: counter-terror targets
//! at least one drill per calendar year): a drill planned from a scenario (and optionally a plan),
//! run step by step on a phone (the server records each step's time), evaluated per expected
//! action (measured vs target minutes, a score 0–100), and the drill obligations with deadlines.

mod obligations;
mod records;
mod scoring;

pub use obligations::*;
pub use records::*;
pub use scoring::*;

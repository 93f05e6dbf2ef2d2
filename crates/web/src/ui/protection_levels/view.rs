//! What the protection-level pages share.

use neibao_domain::protection_levels::Level;

/// The badge class of a level.
pub(crate) fn level_class(l: Level) -> &'static str {
    match l {
        Level::Normal => "online",
        Level::Raised => "sev-medium",
        Level::Highest => "sev-high",
    }
}

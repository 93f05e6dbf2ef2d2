//! Protective equipment (防护器械, docs/EQUIPMENT.md; R35, the Zhejiang Opinions Part 4: units
//! equip protective equipment): a unit's posts (岗位、警卫室) with their inventory, the last check
//! of each item, the minimum sets configured per unit class and post kind, and the pure rules
//! that flag a post below its minimum or with an expired or damaged item.

mod records;
mod rules;
mod vocab;

pub use records::*;
pub use rules::*;
pub use vocab::*;

//! The unit's security organisation (保卫机构), security staff (保卫人员), guards (保安员),
//! their training and exam records, commendations, duty injuries and complaints
//! (docs/SECURITY-STAFF.md; Decree 421 Art 6 and 10, Decree 564《保安服务管理条例》Art 13–17;
//! docs/REQUIREMENTS.md R7, R10, R11, R14, R16, R19, R57, R58).

mod records;
mod rules;

pub use records::*;
pub use rules::*;

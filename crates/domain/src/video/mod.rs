//! Public-security video systems under 《公共安全视频图像信息系统管理条例》 (S7, in force
//! 2025-04-01; docs/VIDEO.md): where a camera may be installed (R49, R85), field-of-view notes
//! and signage evidence (R51), the unit's video-system record and its generated summary (R50,
//! R54), and the footage retrieval log (调阅登记, R53).

mod location;
mod records;

pub use location::*;
pub use records::*;

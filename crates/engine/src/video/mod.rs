//! Public-security video systems (docs/VIDEO.md; 《公共安全视频图像信息系统管理条例》, R49–R54,
//! R85): camera placement on the device register, the unit's video-system record and the summary
//! the R50 filing carries, signage groups with photo evidence, and the footage retrieval log.

mod placement;
mod records;
mod service;

pub use placement::{checked_placement, PlacementDraft, MAX_VIEW_NOTE_CHARS};
pub use service::{CheckDraft, GroupDraft, RetrievalDraft, SystemDraft, VideoOverview, VideoService};

//! Watchlists (布控, docs/WATCHLISTS.md; R64, R65, R76) and the PIAs that gate them (R61, R62,
//! R69): [`WatchlistService`] (lists, entries, hits and their human check, PIAs), the in-memory
//! index the intake pipeline matches every face and plate event against ([`WatchIndexHolder`],
//! [`intake`]), and the interface of an on-premise recognition service ([`recognizer`]).

pub mod index;
pub mod intake;
mod pia;
pub mod recognizer;
mod service;

pub use index::{reload, WatchIndexHolder};
pub use recognizer::{CompreFaceClient, Recognizer};
pub use service::{decode_base64, encode_base64, EntryDraft, HitReview, PiaDraft, WatchlistDraft, WatchlistService};

//! Pagination of lists and the capped count of their rows.

use serde::Serialize;

/// Pagination: 1-based page, size capped at 200.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub page: u32,
    pub per_page: u32,
}

impl Page {
    pub fn new(page: Option<u32>, per_page: Option<u32>) -> Page {
        Page {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(50).clamp(1, 200),
        }
    }
    pub fn offset(&self) -> i64 {
        (self.page as i64 - 1) * self.per_page as i64
    }
}

/// Lists count their rows exactly up to this many; beyond it `total` is this number and
/// `total_capped` is true (counting a province's millions of rows on every page is not worth it).
pub const COUNT_CAP: i64 = 10_000;

/// One page of a list, with the total count inside the caller's scope.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Listing<T> {
    pub items: Vec<T>,
    /// Rows matching, counted up to [`COUNT_CAP`].
    pub total: i64,
    /// True when there are more than [`COUNT_CAP`] rows (`total` is then the cap).
    pub total_capped: bool,
    pub page: u32,
    pub per_page: u32,
}

//! Pagination of lists and the capped count of their rows.

use serde::Serialize;

use crate::error::{DomainError, ErrorCode};

/// The largest page number a list accepts (the API declares `page` as a 32-bit integer).
pub const MAX_PAGE: u32 = i32::MAX as u32;
/// The largest page size.
pub const MAX_PER_PAGE: u32 = 200;

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
    /// The page asked for by a caller: `page` from 1 to [`MAX_PAGE`], `per_page` from 1 to
    /// [`MAX_PER_PAGE`] (defaults 1 and 50).
    ///
    /// Errors: `validation_failed` for a number outside those ranges (refused, not clamped: the
    /// API declares the ranges).
    pub fn checked(page: Option<u32>, per_page: Option<u32>) -> Result<Page, DomainError> {
        if page.is_some_and(|p| !(1..=MAX_PAGE).contains(&p))
            || per_page.is_some_and(|n| !(1..=MAX_PER_PAGE).contains(&n))
        {
            return Err(DomainError::with_message(
                ErrorCode::ValidationFailed,
                format!("页码应从 1 开始（至多 {MAX_PAGE}），每页 1 至 {MAX_PER_PAGE} 条"),
            ));
        }
        Ok(Page::new(page, per_page))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_outside_the_declared_ranges_are_refused() {
        assert_eq!(Page::checked(None, None).unwrap().per_page, 50);
        assert_eq!(Page::checked(Some(2), Some(200)).unwrap().page, 2);
        assert!(Page::checked(Some(0), None).is_err());
        assert!(Page::checked(Some(MAX_PAGE + 1), None).is_err());
        assert!(Page::checked(None, Some(0)).is_err());
        assert!(Page::checked(None, Some(201)).is_err());
    }
}

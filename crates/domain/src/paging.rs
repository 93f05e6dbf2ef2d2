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

/// The columns a list may be ordered by: a fixed set, each with the code a query uses.
pub trait SortColumn: Copy + PartialEq + 'static {
    /// Every column, in the order a page shows them.
    const ALL: &'static [Self];
    /// The code in the `sort` query parameter (`name`, `deadline` …).
    fn code(self) -> &'static str;
}

/// The order of a list: one column of a fixed set, ascending or descending. Written in a query
/// as the column's code, with a leading `-` for descending (`sort=-deadline`). The store maps the
/// column to a fixed SQL expression; nothing a caller sends reaches the SQL text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sort<C> {
    pub column: C,
    pub desc: bool,
}

impl<C: SortColumn> Sort<C> {
    /// `name` → by name ascending, `-name` → descending; `None` for an empty value or a column
    /// not in [`SortColumn::ALL`].
    pub fn parse(s: &str) -> Option<Sort<C>> {
        let s = s.trim();
        let (desc, code) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        C::ALL
            .iter()
            .find(|c| c.code() == code)
            .map(|&column| Sort { column, desc })
    }

    /// The order asked for by an API caller: `None` when not given.
    ///
    /// Errors: `validation_failed` naming the accepted values when the value is none of them
    /// (the API declares them as an enum; the UI ignores a bad value instead).
    pub fn checked(value: Option<&str>) -> Result<Option<Sort<C>>, DomainError> {
        let Some(v) = value else { return Ok(None) };
        Sort::parse(v).map(Some).ok_or_else(|| {
            let accepted: Vec<String> = C::ALL
                .iter()
                .flat_map(|c| [c.code().to_string(), format!("-{}", c.code())])
                .collect();
            DomainError::with_message(
                ErrorCode::ValidationFailed,
                format!("排序方式应为 {} 之一（前加“-”为倒序）", accepted.join("、")),
            )
        })
    }

    /// The query value of this order (`name` or `-name`).
    pub fn param(&self) -> String {
        if self.desc {
            format!("-{}", self.column.code())
        } else {
            self.column.code().to_string()
        }
    }

    /// `ASC` or `DESC`, for the store.
    pub fn direction(&self) -> &'static str {
        if self.desc {
            "DESC"
        } else {
            "ASC"
        }
    }
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

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Col {
        Name,
        Created,
    }

    impl SortColumn for Col {
        const ALL: &'static [Col] = &[Col::Name, Col::Created];
        fn code(self) -> &'static str {
            match self {
                Col::Name => "name",
                Col::Created => "created",
            }
        }
    }

    #[test]
    fn sorts_are_parsed_from_a_fixed_set_of_columns() {
        let s = Sort::<Col>::parse("-created").unwrap();
        assert_eq!((s.column, s.desc, s.direction()), (Col::Created, true, "DESC"));
        assert_eq!(s.param(), "-created");
        assert_eq!(Sort::<Col>::parse("name").unwrap().param(), "name");
        assert_eq!(Sort::<Col>::checked(None).unwrap(), None);
        assert_eq!(Sort::<Col>::checked(Some("-name")).unwrap().unwrap().param(), "-name");
        let e = Sort::<Col>::checked(Some("bogus")).unwrap_err();
        assert!(e.to_string().contains("name、-name、created、-created"), "{e}");
        for bad in ["", "-", "--name", "name;drop table units", "Name", "id"] {
            assert!(Sort::<Col>::parse(bad).is_none(), "{bad}");
        }
    }
}

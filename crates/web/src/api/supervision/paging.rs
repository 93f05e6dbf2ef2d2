//! The paging parameters of supervision's lists: `page` from 1, `per_page` 1–200 (50 by
//! default); anything outside is refused (400) as the document declares.

use neibao_domain::paging::Page;
use serde::Deserialize;

use crate::error::ApiResult;

/// `page` and `per_page` of a list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    /// Rows per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// The page asked for, or 400 outside the declared ranges.
pub fn page(page: Option<u32>, per_page: Option<u32>) -> ApiResult<Page> {
    Ok(Page::checked(page, per_page)?)
}

impl PageQuery {
    pub fn to_page(&self) -> ApiResult<Page> {
        page(self.page, self.per_page)
    }
}

//! What a spreadsheet import writes (issue 12: "Import units, responsible persons, key areas and
//! devices"): the kinds, their Chinese names, template columns and file names. Every kind is
//! imported by the same engine (`crates/engine/src/imports/`): the template, every row checked
//! before anything is written, `all_or_nothing` or `good_rows_only`, the background job.

use serde::{Deserialize, Serialize};

use super::{col, Column, UNIT_COLUMNS};

/// A kind of import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// 单位 (by USCC; the registry's rules, R1, R2, R4, R15).
    #[default]
    Units,
    /// 重要部位 of registered units (by the unit's USCC and the area's name).
    KeyAreas,
}

impl ImportKind {
    pub const ALL: [ImportKind; 2] = [ImportKind::Units, ImportKind::KeyAreas];

    /// Stable code: the path segment of `/api/v1/imports/{code}` and of the audit action
    /// `import.{code}`.
    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Units => "units",
            ImportKind::KeyAreas => "key_areas",
        }
    }
    pub fn from_code(s: &str) -> Option<ImportKind> {
        ImportKind::ALL.into_iter().find(|k| k.code() == s)
    }
    /// 单位, 重要部位: the template's sheet name and the word of the pages.
    pub fn label_zh(self) -> &'static str {
        match self {
            ImportKind::Units => "单位",
            ImportKind::KeyAreas => "重要部位",
        }
    }
    /// The template's columns, in order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            ImportKind::Units => &UNIT_COLUMNS,
            ImportKind::KeyAreas => &KEY_AREA_COLUMNS,
        }
    }
    /// The file name the template is offered under, e.g. `重要部位导入模板.xlsx`.
    pub fn template_file_name(self) -> String {
        format!("{}导入模板.xlsx", self.label_zh())
    }
    /// The audit action of a finished import, e.g. `import.key_areas`.
    pub fn audit_action(self) -> String {
        format!("import.{}", self.code())
    }
}

/// The columns of the key area template (`RegistryService::create_key_area`'s fields).
pub const KEY_AREA_COLUMNS: [Column; 3] = [
    col(
        "统一社会信用代码",
        true,
        24.0,
        "必填：重要部位所属单位的统一社会信用代码（单位须已登记，且在本辖区）",
    ),
    col("重要部位名称", true, 24.0, "必填，不超过100字；同一单位内不重复"),
    col("说明", false, 48.0, "不超过500字"),
];

/// Index of each column in [`KEY_AREA_COLUMNS`].
pub mod ka {
    pub const USCC: usize = 0;
    pub const NAME: usize = 1;
    pub const DESCRIPTION: usize = 2;
}

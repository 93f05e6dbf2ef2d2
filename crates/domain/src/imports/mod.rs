//! Spreadsheet import of units (单位批量导入, issue 12 "Spreadsheet import and export"): the
//! columns of the template, the import modes, the refusal of a row and the import job as its
//! owner sees it. The rules a row must pass are the registry's own (docs/REQUIREMENTS.md R1, R2,
//! R4, R15: GB 32100 USCC, GB/T 2260 division code, the police station and competent department
//! inside the caller's jurisdiction); see docs/IMPORTS.md.

pub mod devices;
pub mod export;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Largest spreadsheet accepted (bytes), the same as an evidence upload: 10 MB.
pub const MAX_XLSX_BYTES: usize = 10 * 1024 * 1024;
/// Most data rows (below the header row) one import takes.
pub const MAX_DATA_ROWS: u32 = 50_000;

/// One column of the unit template: the Chinese header and whether a row must fill it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    /// The header as written in the template's first row (and named in a row's refusal).
    pub header: &'static str,
    pub required: bool,
    /// Width in Excel character units, wide enough for Chinese text.
    pub width: f64,
    /// A hint shown in the template's second sheet (填写说明).
    pub hint: &'static str,
}

/// The columns of the unit template, in order (the fields of a unit registration,
/// `crates/engine/src/registry/input.rs`).
pub const UNIT_COLUMNS: [Column; 16] = [
    col("单位名称", true, 32.0, "必填，不超过200字"),
    col("统一社会信用代码", true, 24.0, "必填，18位，GB 32100（含校验位）"),
    col("单位类别", true, 12.0, "必填：机关、团体、企业、事业单位"),
    col(
        "行政区划代码",
        true,
        16.0,
        "必填：6位县（市、区）或9位乡镇（街道）代码（GB/T 2260）",
    ),
    col("地址", false, 40.0, "不超过200字"),
    col(
        "所属派出所",
        false,
        24.0,
        "派出所全称或编号，须管辖该单位所在县（市、区）",
    ),
    col("行业主管部门", false, 24.0, "主管部门全称或编号，须管辖该单位所在地"),
    col("是否重点单位", false, 14.0, "是或否（空为否）"),
    col(
        "重点单位类别",
        false,
        14.0,
        "重点单位必填：《企业事业单位内部治安保卫条例》第十三条类别序号1至11",
    ),
    col("是否反恐重点目标", false, 18.0, "是或否（空为否）"),
    col("是否高校", false, 10.0, "是或否（空为否）"),
    col("是否民营企业", false, 14.0, "是或否（空为否）"),
    col("主要负责人姓名", false, 16.0, "不超过50字"),
    col("主要负责人电话", false, 18.0, "手机或固定电话"),
    col("保卫负责人姓名", false, 16.0, "不超过50字"),
    col("保卫负责人电话", false, 18.0, "手机或固定电话"),
];

const fn col(header: &'static str, required: bool, width: f64, hint: &'static str) -> Column {
    Column {
        header,
        required,
        width,
        hint,
    }
}

/// Index of each column in [`UNIT_COLUMNS`].
pub mod c {
    pub const NAME: usize = 0;
    pub const USCC: usize = 1;
    pub const KIND: usize = 2;
    pub const DIVISION: usize = 3;
    pub const ADDRESS: usize = 4;
    pub const STATION: usize = 5;
    pub const DEPARTMENT: usize = 6;
    pub const KEY_UNIT: usize = 7;
    pub const KEY_CATEGORY: usize = 8;
    pub const COUNTER_TERROR: usize = 9;
    pub const UNIVERSITY: usize = 10;
    pub const PRIVATE: usize = 11;
    pub const PRINCIPAL_NAME: usize = 12;
    pub const PRINCIPAL_PHONE: usize = 13;
    pub const SECURITY_NAME: usize = 14;
    pub const SECURITY_PHONE: usize = 15;
}

// What an import writes (issue 12: "Import units, responsible persons, key areas and devices"):
// every kind is imported by the same engine (`crates/engine/src/imports/`): the template, every
// row checked before anything is written, `all_or_nothing` or `good_rows_only`, the job.

/// A kind of import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// 单位 (by USCC; the registry's rules, R1, R2, R4, R15).
    #[default]
    Units,
    /// 重要部位 of registered units (by the unit's USCC and the area's name).
    KeyAreas,
    /// Accounts (by user name), each with its role and organisation or unit.
    Accounts,
    /// Devices of registered units (by the unit's USCC and the serial number, or the device
    /// name when there is none); each gets a token nobody sees (docs/IMPORTS.md).
    Devices,
    /// 责任人 of registered units (by the unit's USCC, the role and the citizen ID's blind index).
    Persons,
}

impl ImportKind {
    pub const ALL: [ImportKind; 5] = [
        ImportKind::Units,
        ImportKind::KeyAreas,
        ImportKind::Persons,
        ImportKind::Accounts,
        ImportKind::Devices,
    ];

    /// Stable code: the path segment of `/api/v1/imports/{code}` and of the audit action
    /// `import.{code}`.
    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Units => "units",
            ImportKind::KeyAreas => "key_areas",
            ImportKind::Accounts => "accounts",
            ImportKind::Devices => "devices",
            ImportKind::Persons => "persons",
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
            ImportKind::Accounts => "账号",
            ImportKind::Devices => "设备",
            ImportKind::Persons => "责任人",
        }
    }
    /// The template's columns, in order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            ImportKind::Units => &UNIT_COLUMNS,
            ImportKind::KeyAreas => &KEY_AREA_COLUMNS,
            ImportKind::Accounts => &ACCOUNT_COLUMNS,
            ImportKind::Devices => &DEVICE_IMPORT_COLUMNS,
            ImportKind::Persons => &PERSON_COLUMNS,
        }
    }
    /// Who may import this kind: those who may register units (units, key areas, persons,
    /// devices), account administrators (accounts). Each row is then written through the owning
    /// service with its own checks.
    pub fn permission(self) -> crate::access::Permission {
        match self {
            ImportKind::Units | ImportKind::KeyAreas | ImportKind::Persons | ImportKind::Devices => {
                crate::access::Permission::UnitRegister
            }
            ImportKind::Accounts => crate::access::Permission::UserAdminister,
        }
    }
    /// What the result of an import of this kind must tell its reader (zh-CN), if anything:
    /// imported devices have no token anyone has seen.
    pub fn notice_zh(self) -> Option<&'static str> {
        match self {
            ImportKind::Devices => Some(
                "导入的设备已生成随机接入令牌，但不向任何人显示：配置每台设备时，请在其所属单位页该设备的“重新生成接入令牌”取得接入地址（只显示一次），填入设备后设备即可上报。",
            ),
            _ => None,
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

/// The columns of the account template (`UserService::create`'s fields). No password column:
/// an imported account's first password is set by an administrator's reset (docs/IMPORTS.md).
pub const ACCOUNT_COLUMNS: [Column; 5] = [
    col("用户名", true, 16.0, "必填：3至32位小写字母、数字或 _ . -，以字母开头"),
    col("姓名", true, 12.0, "必填，不超过50字"),
    col(
        "角色",
        true,
        16.0,
        "必填：系统管理员、省厅内保民警、市局内保民警、分局内保民警、派出所民警、行业主管部门、单位保卫负责人、保安员",
    ),
    col(
        "所属机构",
        false,
        28.0,
        "公安机关、主管部门账号必填：本辖区内机构的全称或编号",
    ),
    col(
        "所在单位统一社会信用代码",
        false,
        26.0,
        "单位保卫负责人、保安员账号必填：本辖区内已登记单位的统一社会信用代码",
    ),
];

/// The columns of the device import template, in order (indices in [`devices::dv`]): the fields
/// of a device registration (`crates/engine/src/devices/input.rs`), less the channel map, which is
/// set on the unit page.
/// No token column: an imported device's token is made anew by 重新生成接入令牌 when the
/// device is configured.
pub const DEVICE_IMPORT_COLUMNS: [Column; 8] = [
    col(
        "单位统一社会信用代码",
        true,
        26.0,
        "必填：设备所属单位的统一社会信用代码（单位须已登记、未注销，且在本辖区）",
    ),
    col(
        "重要部位名称",
        false,
        20.0,
        "设备所在的重要部位，须为该单位已登记、未注销的重要部位；空为不在重要部位",
    ),
    col("设备名称", true, 24.0, "必填，不超过100字"),
    col(
        "设备类型",
        true,
        14.0,
        "必填：摄像机、硬盘录像机、门禁终端、报警主机、其他（下拉选择）",
    ),
    col(
        "接入格式",
        true,
        18.0,
        "必填：海康威视 ISAPI、通用 JSON、大华、ONVIF、Frigate、GB/T 28181、中控 ZKTeco（下拉选择）",
    ),
    col(
        "序列号",
        false,
        24.0,
        "不超过64字；同一单位内按序列号识别设备（重复导入跳过），无序列号时按设备名称识别",
    ),
    col(
        "时区偏移",
        false,
        14.0,
        "设备时钟不是北京时间时填写：如 UTC+6、UTC-5、+05:30，或东偏分钟数如 360；空为北京时间（UTC+8）",
    ),
    col(
        "安装位置类型",
        false,
        16.0,
        "仅摄像机填写：出入口、周界、公共区域、通道走廊、停车场、重要部位、其他；禁止在客房、宿舍、卫生间等处安装（《公共安全视频图像信息系统管理条例》第八条）",
    ),
];

/// Index of each column in [`ACCOUNT_COLUMNS`].
pub mod ac {
    pub const USERNAME: usize = 0;
    pub const NAME: usize = 1;
    pub const ROLE: usize = 2;
    pub const ORGANISATION: usize = 3;
    pub const UNIT_USCC: usize = 4;
}

/// The columns of the responsible person template (`RegistryService::add_person`'s fields). The
/// citizen ID is required: with the role it finds the person again on a re-import (through its
/// blind index), so that importing the same file twice changes nothing.
pub const PERSON_COLUMNS: [Column; 5] = [
    col(
        "单位统一社会信用代码",
        true,
        26.0,
        "必填：责任人所属单位的统一社会信用代码（单位须已登记，且在本辖区）",
    ),
    col(
        "身份",
        true,
        14.0,
        "必填：主要负责人（法定代表人）、分管负责人、保卫负责人（下拉选择）",
    ),
    col("姓名", true, 12.0, "必填，不超过50字"),
    col(
        "公民身份号码",
        true,
        22.0,
        "必填：18位公民身份号码（GB 11643，含校验位）；同一单位内按身份和身份号码识别同一责任人",
    ),
    col("联系电话", false, 18.0, "手机或固定电话"),
];

/// Index of each column in [`PERSON_COLUMNS`].
pub mod pc {
    pub const USCC: usize = 0;
    pub const ROLE: usize = 1;
    pub const NAME: usize = 2;
    pub const CITIZEN_ID: usize = 3;
    pub const PHONE: usize = 4;
}

/// Index of each column in [`KEY_AREA_COLUMNS`].
pub mod ka {
    pub const USCC: usize = 0;
    pub const NAME: usize = 1;
    pub const DESCRIPTION: usize = 2;
}

/// A yes/no cell: 是/否, Y/N, true/false, 1/0; empty is no. `None`: anything else.
pub fn parse_yes_no(cell: &str) -> Option<bool> {
    match cell.trim().to_lowercase().as_str() {
        "" | "否" | "n" | "no" | "false" | "0" | "f" => Some(false),
        "是" | "y" | "yes" | "true" | "1" | "t" => Some(true),
        _ => None,
    }
}

/// What to do with the good rows of a file that has bad ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Any bad row: nothing is written (the default).
    #[default]
    AllOrNothing,
    /// The good rows are written, the bad ones listed.
    GoodRowsOnly,
}

impl ImportMode {
    pub fn code(self) -> &'static str {
        match self {
            ImportMode::AllOrNothing => "all_or_nothing",
            ImportMode::GoodRowsOnly => "good_rows_only",
        }
    }
    pub fn from_code(s: &str) -> Option<ImportMode> {
        [ImportMode::AllOrNothing, ImportMode::GoodRowsOnly]
            .into_iter()
            .find(|m| m.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            ImportMode::AllOrNothing => "全部正确才导入",
            ImportMode::GoodRowsOnly => "仅导入正确的行",
        }
    }
}

/// Where an import job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Rows are being checked or written.
    Running,
    /// Done: the good rows were written (or all rows were unchanged).
    Done,
    /// Done, nothing written: bad rows in `all_or_nothing` mode.
    Refused,
    /// Stopped by a failure (a server restart, a database failure); `reason` says which.
    Failed,
}

impl ImportStatus {
    pub fn code(self) -> &'static str {
        match self {
            ImportStatus::Running => "running",
            ImportStatus::Done => "done",
            ImportStatus::Refused => "refused",
            ImportStatus::Failed => "failed",
        }
    }
    pub fn from_code(s: &str) -> Option<ImportStatus> {
        [
            ImportStatus::Running,
            ImportStatus::Done,
            ImportStatus::Refused,
            ImportStatus::Failed,
        ]
        .into_iter()
        .find(|m| m.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            ImportStatus::Running => "进行中",
            ImportStatus::Done => "已完成",
            ImportStatus::Refused => "未导入（有错误行）",
            ImportStatus::Failed => "失败",
        }
    }
}

/// One refused row: where (the row number as Excel shows it, the column's Chinese header) and
/// why (a stable code and a zh-CN reason).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RowError {
    /// Row number as Excel shows it (the header is row 1).
    pub row: u32,
    /// The column's header, e.g. 统一社会信用代码; empty when the whole row is meant.
    pub column: String,
    /// Stable code, e.g. `invalid_uscc`, `duplicate_in_file`, `uscc_registered_differently`.
    pub code: String,
    /// The reason in Chinese.
    pub message: String,
}

/// Most row errors kept with a job (the counts stay exact).
pub const MAX_KEPT_ERRORS: usize = 1000;

/// An import job as its owner sees it: progress while it runs, the result when done.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportJob {
    pub id: String,
    /// What the file imports.
    pub kind: ImportKind,
    /// The account that started it (the only one that may read it).
    pub user_id: String,
    pub mode: ImportMode,
    pub status: ImportStatus,
    /// The uploaded file's name.
    pub file_name: String,
    /// Data rows in the file (empty rows not counted).
    pub rows_total: u32,
    /// Rows validated so far.
    pub rows_checked: u32,
    /// Rows written (units created) so far.
    pub rows_written: u32,
    /// Units (key areas …) created.
    pub created: u32,
    /// Rows already registered with the same content (nothing written).
    pub unchanged: u32,
    /// Bad rows.
    pub refused: u32,
    /// The bad rows (at most [`MAX_KEPT_ERRORS`]), by row number.
    pub errors: Vec<RowError>,
    /// Why a failed job failed (zh-CN).
    pub reason: Option<String>,
    /// What the reader must know about the result of this kind (zh-CN; devices: each device's
    /// token is issued with 重新生成接入令牌 when it is configured).
    pub notice: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

//! Spreadsheet export of the list pages (issue 12, "Export to .xlsx of every list page the user
//! can see … with the same filters, masked personal fields, CJK column widths, and the export
//! itself audited"): which lists, their Chinese file and sheet names, their columns, and how a
//! personal field is masked in a cell. The rows are the list's own (same filters, same
//! jurisdiction); see docs/IMPORTS.md ("Export").

use super::{Column, UNIT_COLUMNS};
use crate::sensitive::mask;

/// A list that can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// 单位 (in the unit import template's shape: importing it again changes nothing).
    Units,
    /// 设备.
    Devices,
    /// 告警.
    Alerts,
    /// 隐患.
    Hazards,
    /// 检查.
    Inspections,
}

impl ExportKind {
    pub const ALL: [ExportKind; 5] = [
        ExportKind::Units,
        ExportKind::Devices,
        ExportKind::Alerts,
        ExportKind::Hazards,
        ExportKind::Inspections,
    ];

    /// Stable code: the last segment of `GET /api/v1/exports/{code}` and of the audit action
    /// `export.{code}`.
    pub fn code(self) -> &'static str {
        match self {
            ExportKind::Units => "units",
            ExportKind::Devices => "devices",
            ExportKind::Alerts => "alerts",
            ExportKind::Hazards => "hazards",
            ExportKind::Inspections => "inspections",
        }
    }

    /// The list's Chinese name: 单位, 设备, 告警, 隐患, 检查.
    pub fn label_zh(self) -> &'static str {
        match self {
            ExportKind::Units => "单位",
            ExportKind::Devices => "设备",
            ExportKind::Alerts => "告警",
            ExportKind::Hazards => "隐患",
            ExportKind::Inspections => "检查",
        }
    }

    /// The file name the export is offered under, e.g. `设备列表.xlsx`.
    pub fn file_name(self) -> String {
        format!("{}列表.xlsx", self.label_zh())
    }

    /// The audit action of the export, e.g. `export.devices`.
    pub fn audit_action(self) -> String {
        format!("export.{}", self.code())
    }

    /// The sheet's columns, in order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            ExportKind::Units => &UNIT_COLUMNS,
            ExportKind::Devices => &DEVICE_COLUMNS,
            ExportKind::Alerts => &ALERT_COLUMNS,
            ExportKind::Hazards => &HAZARD_COLUMNS,
            ExportKind::Inspections => &INSPECTION_COLUMNS,
        }
    }
}

const fn out(header: &'static str, width: f64) -> Column {
    Column {
        header,
        required: false,
        width,
        hint: "",
    }
}

/// The columns of the devices export.
pub const DEVICE_COLUMNS: [Column; 9] = [
    out("设备名称", 24.0),
    out("单位", 32.0),
    out("重要部位", 20.0),
    out("设备类型", 12.0),
    out("接入格式", 20.0),
    out("序列号", 22.0),
    out("状态", 8.0),
    out("最后上报", 18.0),
    out("登记时间", 18.0),
];

/// The columns of the alerts export (comments with personal data masked; who handled the alert
/// by a masked name).
pub const ALERT_COLUMNS: [Column; 13] = [
    out("告警", 28.0),
    out("单位", 32.0),
    out("设备", 20.0),
    out("级别", 8.0),
    out("状态", 10.0),
    out("首次发生", 18.0),
    out("最近发生", 18.0),
    out("事件数", 8.0),
    out("确认人", 10.0),
    out("确认说明", 30.0),
    out("解除人", 10.0),
    out("解除说明", 30.0),
    out("误报原因", 20.0),
];

/// The columns of the hazards export (the description with personal data masked).
pub const HAZARD_COLUMNS: [Column; 8] = [
    out("隐患", 30.0),
    out("单位", 32.0),
    out("类别", 10.0),
    out("来源", 12.0),
    out("阶段", 16.0),
    out("整改期限", 18.0),
    out("登记时间", 18.0),
    out("描述", 48.0),
];

/// The columns of the inspections export (the inspector by a masked name).
pub const INSPECTION_COLUMNS: [Column; 8] = [
    out("单位", 32.0),
    out("检查类别", 14.0),
    out("状态", 10.0),
    out("检查人", 10.0),
    out("期限", 18.0),
    out("得分", 8.0),
    out("提交时间", 18.0),
    out("创建时间", 18.0),
];

/// A person's name as an export shows it: the first character kept, the rest starred
/// (`张三丰` → `张**`, `zhangsan` → `z*******`); empty stays empty.
pub fn mask_name(name: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        return String::new();
    }
    if name.chars().count() == 1 {
        return "*".into();
    }
    mask(name, 1, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_masked_and_files_named_in_chinese() {
        assert_eq!(mask_name("张三丰"), "张**");
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("张"), "*");
        assert_eq!(mask_name(""), "");
        assert_eq!(ExportKind::Devices.file_name(), "设备列表.xlsx");
        assert_eq!(ExportKind::Inspections.audit_action(), "export.inspections");
        for k in ExportKind::ALL {
            assert!(!k.columns().is_empty());
        }
    }
}

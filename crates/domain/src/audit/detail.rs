//! The details of an audit row as people read them: the JSON the services store (`detail`,
//! e.g. `{"role":"police_county","username":"wang.wu"}`) as `角色：police_county；用户名：wang.wu`,
//! each known field under its zh-CN name, values as written (`true`/`false` as 是/否, lists joined
//! with 、). The stored JSON is unchanged (docs/SECURITY.md "Audit log"); only the page reads it so.

use serde_json::Value;

/// Field names of audit details and what people call them.
const FIELDS: &[(&str, &str)] = &[
    ("username", "用户名"),
    ("role", "角色"),
    ("name", "名称"),
    ("title", "标题"),
    ("kind", "类型"),
    ("type", "类型"),
    ("status", "状态"),
    ("state", "状态"),
    ("version", "版本"),
    ("based_on_version", "所依据的版本"),
    ("severity", "级别"),
    ("min_severity", "最低级别"),
    ("division_code", "行政区划"),
    ("division_prefix", "区划范围"),
    ("division", "行政区划"),
    ("divisions", "行政区划"),
    ("sector", "行业"),
    ("org_id", "组织编号"),
    ("parent_id", "上级组织编号"),
    ("from_org", "原组织编号"),
    ("organisation", "组织"),
    ("organisations", "组织数"),
    ("admin", "管理员"),
    ("enabled", "启用"),
    ("moved", "调整了所属"),
    ("all", "全部"),
    ("from", "起"),
    ("to", "止"),
    ("reason", "原因"),
    ("sentence", "说明"),
    ("summary", "摘要"),
    ("level", "级别"),
    ("job", "任务编号"),
    ("count", "数量"),
    ("rows", "行数"),
    ("created", "新增"),
    ("unchanged", "未变"),
    ("refused", "被拒绝"),
    ("mode", "方式"),
    ("key_unit", "重点单位"),
    ("items", "条目数"),
    ("inspections", "检查数"),
    ("hazards", "隐患数"),
    ("persons", "负责人数"),
    ("number", "文号"),
    ("rule", "规则"),
    ("rules", "规则"),
    ("params", "参数"),
    ("threshold", "阈值"),
    ("window_seconds", "时间窗（秒）"),
    ("delays_minutes", "升级间隔（分钟）"),
    ("reminder_days", "提醒天数"),
    ("deadlines", "整改期限"),
    ("days", "天数"),
    ("ladder", "升级阶梯"),
    ("variant", "方案"),
    ("valid_from", "生效日期"),
    ("device_id", "设备编号"),
    ("format", "格式"),
    ("content_type", "内容类型"),
    ("size", "大小（字节）"),
    ("score", "得分"),
    ("results", "结果"),
    ("source", "来源"),
    ("class", "类别"),
    ("changes", "变更"),
    ("owner_kind", "归属类型"),
    ("owner_id", "归属编号"),
    ("assignee_id", "承办人编号"),
    ("handed_out", "已下发"),
    ("hand_out", "下发"),
    ("window", "时段"),
    ("object", "对象"),
    ("file", "文件"),
    ("file_name", "文件名"),
    ("filter", "筛选条件"),
    ("filters", "筛选条件"),
    ("updated", "更新"),
    ("signed_name", "签名"),
    ("subject", "事项"),
    ("path", "路径"),
    ("unit_id", "单位编号"),
    ("key_area_id", "重要部位编号"),
    ("version_id", "版本编号"),
    ("published_on", "发布日期"),
    ("approved_on", "批准日期"),
    ("not_applicable", "不适用"),
    ("serial", "序列号"),
    ("purpose", "用途"),
    ("code", "代码"),
    ("message", "说明"),
    ("error", "错误"),
];

/// Coded values people read in words: the import modes (docs/IMPORTS.md).
const VALUES: &[(&str, &str)] = &[
    ("all_or_nothing", "全部正确才导入"),
    ("good_rows_only", "仅导入正确的行"),
];

fn label(key: &str) -> &str {
    FIELDS.iter().find(|(k, _)| *k == key).map(|(_, l)| *l).unwrap_or(key)
}

fn value(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::Bool(true) => "是".into(),
        Value::Bool(false) => "否".into(),
        Value::String(s) if s.is_empty() => "（空）".into(),
        Value::String(s) => VALUES
            .iter()
            .find(|(c, _)| c == s)
            .map_or_else(|| s.clone(), |(_, l)| l.to_string()),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => a.iter().map(value).collect::<Vec<_>>().join("、"),
        Value::Object(o) => o
            .iter()
            .map(|(k, v)| format!("{}：{}", label(k), value(v)))
            .collect::<Vec<_>>()
            .join("，"),
    }
}

/// An audit row's `detail` as people read it (see the module docs); text that is not a JSON
/// object is shown as it is, an empty object or empty text as nothing.
pub fn detail_zh(detail: &str) -> String {
    match serde_json::from_str::<Value>(detail) {
        Ok(Value::Object(o)) => o
            .iter()
            .map(|(k, v)| format!("{}：{}", label(k), value(v)))
            .collect::<Vec<_>>()
            .join("；"),
        _ => detail.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_fields_read_in_chinese() {
        assert_eq!(
            detail_zh(r#"{"username":"wang.wu","enabled":true,"divisions":["330106","330108"]}"#),
            "行政区划：330106、330108；启用：是；用户名：wang.wu"
        );
        assert_eq!(detail_zh("{}"), "");
        assert_eq!(detail_zh(""), "");
        assert_eq!(detail_zh("password, totp"), "password, totp");
        assert_eq!(detail_zh(r#"{"x_unknown":{"name":"甲"}}"#), "x_unknown：名称：甲");
        assert_eq!(
            detail_zh(r#"{"mode":"all_or_nothing","updated":0,"signed_name":"王某","subject":1}"#),
            "方式：全部正确才导入；签名：王某；事项：1；更新：0"
        );
    }
}

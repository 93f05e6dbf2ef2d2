//! Rule files (`data/rules/default.json`, uploads, `neibao rules import`).

use std::collections::HashSet;

use serde::Deserialize;

use super::compile::compile;
use super::spec::{RuleSpec, MAX_RULES};

/// A file of rules (`neibao rules import FILE`, `POST /api/v1/rules/import`): `{"rules": [...]}`
/// or a bare array.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum RuleFile {
    Wrapped { rules: Vec<RuleSpec> },
    Bare(Vec<RuleSpec>),
}

impl RuleFile {
    /// Parses a rule file (JSON). Errors are zh-CN.
    pub fn parse(bytes: &[u8]) -> Result<Vec<RuleSpec>, String> {
        let f: RuleFile =
            serde_json::from_slice(bytes).map_err(|e| format!("规则文件不是有效的 JSON 规则列表：{e}"))?;
        let rules = match f {
            RuleFile::Wrapped { rules } | RuleFile::Bare(rules) => rules,
        };
        if rules.len() > MAX_RULES {
            return Err(format!("规则文件最多 {MAX_RULES} 条规则"));
        }
        let mut seen = HashSet::new();
        for r in &rules {
            if !seen.insert(r.code.as_str()) {
                return Err(format!("规则代码「{}」重复", r.code));
            }
            compile(r).map_err(|e| format!("规则「{}」：{e}", r.code))?;
        }
        Ok(rules)
    }
}

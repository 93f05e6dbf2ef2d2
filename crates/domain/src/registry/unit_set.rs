//! [`UnitSet`]: a target set of units (key units, counter-terror targets, unit kinds, a
//! hand-picked list) shared by the capabilities that address units of a jurisdiction.

use serde::{Deserialize, Serialize};

/// A target set of units within a jurisdiction (all conditions together): used by protection-level
/// orders (R46 ¶4) and bulletins (警企通报) to say which units of a division prefix they reach;
/// resolved to the active units of the sender's scope by the store (`sql/unit_set.rs`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitSet {
    /// Only key units (治安保卫重点单位).
    #[serde(default)]
    pub key_units_only: bool,
    /// Only counter-terror targets (反恐怖防范重点目标).
    #[serde(default)]
    pub counter_terror_only: bool,
    /// Only units of these kinds (unit-kind codes); empty: every kind.
    #[serde(default)]
    pub kinds: Vec<String>,
    /// Only these units (hand-picked); empty: every unit of the jurisdiction.
    #[serde(default)]
    pub unit_ids: Vec<String>,
    /// Only the units of an industrial park (园区): the units assigned now to this liaison point
    /// (警企联系点, docs/LIAISON.md; R33) at resolution time. The point must be visible to the
    /// sender (404 otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liaison_point_id: Option<String>,
    /// The park's name as it was when the set was resolved (shown; filled in by the sender's
    /// service, ignored when received).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub park_name: Option<String>,
    /// Only the units of a sector (行业): those whose competent department (行业主管部门) is this
    /// organisation (R29 names the competent departments; 浙政办发〔2019〕24号 Part 3's
    /// 警企通报 reach a sector through them). It must be a competent department (404 otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_id: Option<String>,
    /// The department's name when the set was resolved (shown; filled in by the sender's
    /// service, ignored when received).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_name: Option<String>,
}

impl UnitSet {
    /// What a person reads, e.g. 反恐怖防范重点目标.
    pub fn label_zh(&self) -> String {
        let mut parts = Vec::new();
        if self.key_units_only {
            parts.push("治安保卫重点单位".to_string());
        }
        if self.counter_terror_only {
            parts.push("反恐怖防范重点目标".to_string());
        }
        if !self.kinds.is_empty() {
            let kinds: Vec<&str> = self
                .kinds
                .iter()
                .map(|k| super::unit_kind::UnitKind::from_code(k).map_or(k.as_str(), |u| u.label_zh()))
                .collect();
            parts.push(format!("单位类别 {}", kinds.join("、")));
        }
        if !self.unit_ids.is_empty() {
            parts.push(format!("指定的 {} 家单位", self.unit_ids.len()));
        }
        if self.liaison_point_id.is_some() {
            match self.park_name.as_deref().filter(|p| !p.is_empty()) {
                Some(p) => parts.push(format!("园区 {p}")),
                None => parts.push("联系点所联系的单位".to_string()),
            }
        }
        if self.department_id.is_some() {
            match self.department_name.as_deref().filter(|p| !p.is_empty()) {
                Some(d) => parts.push(format!("{d}主管的行业单位")),
                None => parts.push("所选行业主管部门主管的单位".to_string()),
            }
        }
        if parts.is_empty() {
            "辖区内全部单位".into()
        } else {
            parts.join("；")
        }
    }
}

impl UnitSet {
    /// The set as checked: kinds trimmed, known and deduplicated, hand-picked ids trimmed and
    /// deduplicated, the liaison point trimmed (empty: none) and the park name cleared (the
    /// sender's service fills it in); the zh-CN reason otherwise (an unknown unit kind, more than `max_picked`
    /// hand-picked units).
    pub fn normalized(&self, max_picked: usize) -> Result<UnitSet, String> {
        let mut kinds: Vec<String> = Vec::new();
        for k in self.kinds.iter().map(|k| k.trim()).filter(|k| !k.is_empty()) {
            if super::unit_kind::UnitKind::from_code(k).is_none() {
                return Err(format!("未知的单位类别：{k}"));
            }
            if !kinds.iter().any(|x| x == k) {
                kinds.push(k.to_string());
            }
        }
        let mut unit_ids: Vec<String> = Vec::new();
        for id in self.unit_ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            if !unit_ids.iter().any(|x| x == id) {
                unit_ids.push(id.to_string());
            }
        }
        if unit_ids.len() > max_picked {
            return Err(format!("指定单位最多 {max_picked} 家"));
        }
        let liaison_point_id = self
            .liaison_point_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from);
        Ok(UnitSet {
            key_units_only: self.key_units_only,
            counter_terror_only: self.counter_terror_only,
            kinds,
            unit_ids,
            liaison_point_id,
            park_name: None,
            department_id: self
                .department_id
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from),
            department_name: None,
        })
    }
}

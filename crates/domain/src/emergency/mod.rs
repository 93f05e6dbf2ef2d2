//! Emergencies (a kernel shared by the emergency capabilities: plans, drills, the one-press
//! alarm; docs/REQUIREMENTS.md R18, R34, R46): the scenarios a unit prepares for. Part 4 of the
//! Zhejiang Opinions (浙政办发〔2019〕24号) asks units to drill their emergency response and act
//! first on internal incidents; Decree 421 Art 15 asks key units for an emergency plan.

use serde::{Deserialize, Serialize};

/// An emergency scenario (预案场景). Stable codes are stored and sent in the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// 暴力袭击 (an attack with weapons on people at the unit).
    ViolentAttack,
    /// 非法侵入 (an intruder in the unit or a key area).
    Intrusion,
    /// 火灾.
    Fire,
    /// 群体性事件 (a crowd gathering, a disturbance).
    CrowdIncident,
    /// 恐怖袭击 (Anti-Terrorism Law; counter-terror targets).
    Terrorism,
    /// 公共卫生事件.
    PublicHealth,
    /// 极端天气 (typhoon, flood, snow).
    ExtremeWeather,
    /// 盗窃抢劫.
    TheftRobbery,
    /// 其他.
    Other,
}

impl Scenario {
    pub const ALL: [Scenario; 9] = [
        Scenario::ViolentAttack,
        Scenario::Intrusion,
        Scenario::Fire,
        Scenario::CrowdIncident,
        Scenario::Terrorism,
        Scenario::PublicHealth,
        Scenario::ExtremeWeather,
        Scenario::TheftRobbery,
        Scenario::Other,
    ];

    /// Stable code (`violent_attack` …).
    pub fn code(self) -> &'static str {
        match self {
            Scenario::ViolentAttack => "violent_attack",
            Scenario::Intrusion => "intrusion",
            Scenario::Fire => "fire",
            Scenario::CrowdIncident => "crowd_incident",
            Scenario::Terrorism => "terrorism",
            Scenario::PublicHealth => "public_health",
            Scenario::ExtremeWeather => "extreme_weather",
            Scenario::TheftRobbery => "theft_robbery",
            Scenario::Other => "other",
        }
    }

    pub fn from_code(s: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|x| x.code() == s)
    }

    /// The zh-CN name shown.
    pub fn label_zh(self) -> &'static str {
        match self {
            Scenario::ViolentAttack => "暴力袭击",
            Scenario::Intrusion => "非法侵入",
            Scenario::Fire => "火灾",
            Scenario::CrowdIncident => "群体性事件",
            Scenario::Terrorism => "恐怖袭击",
            Scenario::PublicHealth => "公共卫生事件",
            Scenario::ExtremeWeather => "极端天气",
            Scenario::TheftRobbery => "盗窃抢劫",
            Scenario::Other => "其他突发事件",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_serde_agrees() {
        for s in Scenario::ALL {
            assert_eq!(Scenario::from_code(s.code()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.code());
        }
        assert_eq!(Scenario::from_code("flood"), None);
    }
}

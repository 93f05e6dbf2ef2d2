//! Inspection checklists as versioned data: the five-defence checklist of docs/REQUIREMENTS.md §d with
//! its variants. The seed below is only the first version; a checklist is changed by storing a
//! new version ([`Checklist`] rows), and an inspection keeps the version it was made with.
//!
//! Scoring (docs/REQUIREMENTS.md §d "Scoring model", [Proposed]): the score is the points of passed
//! items over the points of applicable items, times 100 (items marked not applicable are left
//! out); a failed critical item caps the score at 59.

use serde::{Deserialize, Serialize};

/// The five defences (五位一体, R37).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Defence {
    /// 制度防
    Institutional,
    /// 人防
    Human,
    /// 物防
    Physical,
    /// 技防
    Technical,
    /// 心防
    Psychological,
}

impl Defence {
    pub fn label_zh(self) -> &'static str {
        match self {
            Defence::Institutional => "制度防",
            Defence::Human => "人防",
            Defence::Physical => "物防",
            Defence::Technical => "技防",
            Defence::Psychological => "心防",
        }
    }
}

/// Checklist variants (issue 3): every unit, key units, counter-terror targets, universities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    AllUnits,
    KeyUnits,
    CounterTerror,
    Universities,
}

impl Variant {
    pub const ALL: [Variant; 4] = [
        Variant::AllUnits,
        Variant::KeyUnits,
        Variant::CounterTerror,
        Variant::Universities,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Variant::AllUnits => "all_units",
            Variant::KeyUnits => "key_units",
            Variant::CounterTerror => "counter_terror",
            Variant::Universities => "universities",
        }
    }
    pub fn from_code(s: &str) -> Option<Variant> {
        Variant::ALL.into_iter().find(|v| v.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Variant::AllUnits => "一般单位检查表",
            Variant::KeyUnits => "治安保卫重点单位检查表",
            Variant::CounterTerror => "反恐怖防范重点目标检查表",
            Variant::Universities => "高等学校检查表",
        }
    }
    /// The variant that fits a unit: university, counter-terror target, key unit, or any unit.
    pub fn for_unit(university: bool, counter_terror: bool, key_unit: bool) -> Variant {
        if university {
            Variant::Universities
        } else if counter_terror {
            Variant::CounterTerror
        } else if key_unit {
            Variant::KeyUnits
        } else {
            Variant::AllUnits
        }
    }
}

/// One checklist item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChecklistItem {
    /// Stable code within the checklist (e.g. `Z1`, `P4`).
    #[schema(min_length = 1, max_length = 20)]
    pub code: String,
    pub defence: Defence,
    /// What is checked (zh-CN).
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    /// Legal basis (document and article).
    #[schema(max_length = 500)]
    pub basis: String,
    /// Points, > 0 and at most 100.
    #[schema(exclusive_minimum = 0, maximum = 100)]
    pub weight: f64,
    /// A failure caps the score at 59 and makes the hazard major.
    pub critical: bool,
    /// Evidence expected (zh-CN).
    #[schema(max_length = 500)]
    pub evidence: String,
    /// Whether platform data can score the item.
    pub auto: bool,
}

/// The result of one item in an inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemResult {
    Pass,
    Fail,
    NotApplicable,
}

/// Why a checklist is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ChecklistError(pub String);

/// Checks the items of a new checklist version: 1–200 items, unique non-empty codes, titles,
/// positive finite weights.
pub fn validate_items(items: &[ChecklistItem]) -> Result<(), ChecklistError> {
    if items.is_empty() || items.len() > 200 {
        return Err(ChecklistError("检查表须有1至200个检查项".into()));
    }
    let mut seen = std::collections::HashSet::new();
    for it in items {
        let code = it.code.trim();
        if code.is_empty() || code.chars().count() > 20 || code.chars().any(char::is_control) {
            return Err(ChecklistError("检查项编号不能为空且不超过20字".into()));
        }
        if !seen.insert(code.to_string()) {
            return Err(ChecklistError(format!("检查项编号重复：{code}")));
        }
        if it.title.trim().is_empty() || it.title.chars().count() > 500 {
            return Err(ChecklistError(format!("检查项{code}的内容不能为空且不超过500字")));
        }
        if !(it.weight.is_finite() && it.weight > 0.0 && it.weight <= 100.0) {
            return Err(ChecklistError(format!("检查项{code}的分值须大于0且不超过100")));
        }
        let texts = [code, it.title.as_str(), it.basis.as_str(), it.evidence.as_str()];
        if !texts.iter().all(|t| crate::text::text_is_clean(t)) {
            return Err(ChecklistError(format!("检查项{code}含有控制字符或不可见字符")));
        }
        if it.basis.chars().count() > 500 || it.evidence.chars().count() > 500 {
            return Err(ChecklistError(format!("检查项{code}的依据或佐证材料不超过500字")));
        }
    }
    Ok(())
}

/// An explainable score: per defence, points earned over points applicable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Score {
    /// 0–100, one decimal.
    pub total: f64,
    pub capped_by_critical: bool,
    pub by_defence: Vec<DefenceScore>,
    /// Codes of the failed items.
    pub failed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DefenceScore {
    pub defence: Defence,
    pub earned: f64,
    pub applicable: f64,
}

/// Scores results against items (§d scoring model). An item with no result counts as failed.
pub fn score(items: &[ChecklistItem], result_of: impl Fn(&str) -> Option<ItemResult>) -> Score {
    let mut by: Vec<DefenceScore> = Vec::new();
    let (mut earned, mut applicable, mut capped) = (0.0, 0.0, false);
    let mut failed = Vec::new();
    for it in items {
        let r = result_of(&it.code).unwrap_or(ItemResult::Fail);
        if r == ItemResult::NotApplicable {
            continue;
        }
        let e = if r == ItemResult::Pass { it.weight } else { 0.0 };
        if r == ItemResult::Fail {
            failed.push(it.code.clone());
            capped |= it.critical;
        }
        earned += e;
        applicable += it.weight;
        match by.iter_mut().find(|d| d.defence == it.defence) {
            Some(d) => {
                d.earned += e;
                d.applicable += it.weight;
            }
            None => by.push(DefenceScore {
                defence: it.defence,
                earned: e,
                applicable: it.weight,
            }),
        }
    }
    let mut total = if applicable > 0.0 {
        earned / applicable * 100.0
    } else {
        100.0
    };
    if capped {
        total = total.min(59.0);
    }
    Score {
        total: (total * 10.0).round() / 10.0,
        capped_by_critical: capped,
        by_defence: by,
        failed,
    }
}

struct Seed(
    &'static str,
    Defence,
    &'static str,
    &'static str,
    f64,
    bool,
    &'static str,
    bool,
);

use Defence::{Human as H, Institutional as I, Physical as P, Psychological as X, Technical as T};

/// docs/REQUIREMENTS.md §d, items for every unit.
const BASE: &[Seed] = &[
    Seed(
        "Z1",
        I,
        "单位主要负责人为治安保卫第一责任人，明确分管领导，设置治安保卫机构或办公室",
        "《企业事业单位内部治安保卫条例》第五条；《浙江省社会治安综合治理条例》第四条",
        2.0,
        false,
        "单位档案",
        true,
    ),
    Seed(
        "Z2",
        I,
        "治安保卫工作纳入年度工作计划，有任务、责任和措施",
        "杭州市平安单位考核标准",
        1.0,
        false,
        "工作计划",
        false,
    ),
    Seed(
        "Z3",
        I,
        "领导班子每年至少两次研究治安保卫工作",
        "杭州市平安单位考核标准",
        2.0,
        false,
        "会议纪要",
        true,
    ),
    Seed(
        "Z4",
        I,
        "与属地街道（乡镇）、主管部门签订治安保卫责任书",
        "杭州市平安单位考核标准；《浙江省社会治安综合治理条例》",
        2.0,
        false,
        "责任书",
        false,
    ),
    Seed(
        "Z5",
        I,
        "治安保卫经费落实",
        "杭州市平安单位考核标准；《反恐怖主义法》第三十二条",
        1.0,
        false,
        "预算科目",
        false,
    ),
    Seed(
        "Z6",
        I,
        "九项治安保卫制度齐全并及时修订",
        "《企业事业单位内部治安保卫条例》第八条",
        5.0,
        false,
        "制度汇编",
        true,
    ),
    Seed(
        "Z7",
        I,
        "落实案件报告制度，发生案件立即报告",
        "《企业事业单位内部治安保卫条例》第八条第（六）项、第十一条第（四）项",
        2.0,
        false,
        "案件台账",
        true,
    ),
    Seed(
        "Z8",
        I,
        "内部治安保卫检查、考核、奖惩记录完整",
        "《企业事业单位内部治安保卫条例》第八条第（七）项",
        2.0,
        false,
        "检查考核记录",
        false,
    ),
    Seed(
        "Z11",
        I,
        "视频图像信息系统投入使用30日内备案且备案信息有效",
        "《公共安全视频图像信息系统管理条例》第十四条",
        2.0,
        false,
        "备案回执",
        true,
    ),
    Seed(
        "Z12",
        I,
        "每两年开展一次安全评估，发现问题已整改",
        "浙政办发〔2019〕24号",
        2.0,
        false,
        "评估报告",
        true,
    ),
    Seed(
        "P1",
        H,
        "配备与任务相适应的专职或兼职治安保卫人员",
        "《企业事业单位内部治安保卫条例》第六条；《浙江省社会治安综合治理条例》第十条",
        2.0,
        false,
        "人员名册",
        true,
    ),
    Seed(
        "P2",
        H,
        "治安保卫人员经法律和业务培训、考核",
        "《企业事业单位内部治安保卫条例》第九条",
        1.0,
        false,
        "培训记录",
        true,
    ),
    Seed(
        "P3",
        H,
        "保安员持证上岗、审查合格；自招保安30日内备案",
        "《保安服务管理条例》第十四条、第十六条、第十七条",
        3.0,
        false,
        "保安员名册",
        true,
    ),
    Seed(
        "P4",
        H,
        "门卫查验登记制度落实，物品、车辆出入登记",
        "《企业事业单位内部治安保卫条例》第十一条第（二）项",
        4.0,
        false,
        "访客及车辆登记",
        true,
    ),
    Seed(
        "P5",
        H,
        "值班表完整，无空岗漏岗",
        "《企业事业单位内部治安保卫条例》第八条第（一）项",
        3.0,
        false,
        "值班表",
        true,
    ),
    Seed(
        "P6",
        H,
        "按规定巡逻并有巡查记录，完成率达标",
        "《企业事业单位内部治安保卫条例》第十一条第（三）项",
        4.0,
        false,
        "巡更数据",
        true,
    ),
    Seed(
        "P7",
        H,
        "隐患及时发现、整改并登记，按期销号",
        "《企业事业单位内部治安保卫条例》第七条、第十一条第（三）项",
        4.0,
        false,
        "隐患台账",
        true,
    ),
    Seed(
        "P9",
        H,
        "警企联系点运行，通报按时签收",
        "浙政办发〔2019〕24号",
        2.0,
        false,
        "联络记录",
        true,
    ),
    Seed(
        "W1",
        P,
        "确定治安保卫重要部位并明确责任人",
        "《企业事业单位内部治安保卫条例》第十四条",
        3.0,
        false,
        "重要部位登记",
        true,
    ),
    Seed(
        "W2",
        P,
        "重要部位实体防护（门、锁、保险柜、库房）达标",
        "《企业事业单位内部治安保卫条例》第八条第（三）项、第十四条；GB 50348-2018",
        4.0,
        false,
        "实地查看",
        false,
    ),
    Seed(
        "W3",
        P,
        "危险物品、菌（毒）种、武器等按规定存放管理",
        "《企业事业单位内部治安保卫条例》第八条第（八）项",
        3.0,
        true,
        "实地查看",
        false,
    ),
    Seed(
        "W4",
        P,
        "各岗位配备防护器械",
        "浙政办发〔2019〕24号",
        3.0,
        false,
        "器械清单",
        true,
    ),
    Seed(
        "T1",
        T,
        "重要部位按国家标准安装视频监控、入侵报警、出入口控制等技防设施",
        "《企业事业单位内部治安保卫条例》第十四条；GB 50348-2018",
        5.0,
        false,
        "设备登记",
        true,
    ),
    Seed(
        "T2",
        T,
        "视频图像保存不少于30日且完整",
        "《公共安全视频图像信息系统管理条例》第十七条",
        4.0,
        false,
        "存储检查",
        true,
    ),
    Seed(
        "T3",
        T,
        "视频值守、维护制度落实，设备在线率达标",
        "《公共安全视频图像信息系统管理条例》第十五条",
        3.0,
        false,
        "在线率统计",
        true,
    ),
    Seed(
        "T4",
        T,
        "视频采集区域设置提示标识，禁止区域未安装摄像设备",
        "《公共安全视频图像信息系统管理条例》第八条、第十三条",
        3.0,
        true,
        "照片",
        false,
    ),
    Seed(
        "T5",
        T,
        "视频调阅经授权并逐次登记（事由、内容、单位、姓名）",
        "《公共安全视频图像信息系统管理条例》第十六条",
        3.0,
        false,
        "调阅记录",
        true,
    ),
    Seed(
        "T6",
        T,
        "紧急报警装置与公安机关或单位监控中心联网",
        "《企业事业单位内部治安保卫条例》第十一条第（四）项、第十四条；GB 50348-2018",
        3.0,
        false,
        "测试记录",
        false,
    ),
    Seed(
        "T7",
        T,
        "接入智慧内保或综治平台并按要求共享数据",
        "浙政办发〔2019〕24号；《浙江省社会治安综合治理条例》第十二条",
        2.0,
        false,
        "接入状态",
        true,
    ),
    Seed(
        "T8",
        T,
        "个人信息保护：完成影响评估、加密存储、日志保存不少于6个月",
        "《个人信息保护法》第五十一条、第五十五条；《网络安全法》第二十一条",
        2.0,
        false,
        "评估报告",
        true,
    ),
    Seed(
        "X1",
        X,
        "开展全员法制和安全教育（会议、讲座、培训）",
        "《企业事业单位内部治安保卫条例》第十一条第（一）项",
        1.0,
        false,
        "教育记录",
        false,
    ),
    Seed(
        "X2",
        X,
        "每年开展安全宣传活动不少于4次",
        "杭州市平安单位考核标准",
        2.0,
        false,
        "活动记录",
        true,
    ),
    Seed(
        "X3",
        X,
        "建立心理疏导和危机干预机制及转介渠道",
        "《浙江省社会治安综合治理条例》第十九条",
        3.0,
        false,
        "机制文件（仅统计数）",
        false,
    ),
    Seed(
        "X4",
        X,
        "开展矛盾纠纷排查化解",
        "《浙江省社会治安综合治理条例》第十五条",
        2.0,
        false,
        "排查台账",
        false,
    ),
    Seed(
        "X5",
        X,
        "开展反恐、反诈宣传及安全生产月（周）活动",
        "《浙江省实施〈反恐怖主义法〉办法》第十六条",
        2.0,
        false,
        "活动记录",
        false,
    ),
];

/// Key units (治安保卫重点单位) add these.
const KEY_UNITS: &[Seed] = &[
    Seed(
        "Z9",
        I,
        "治安保卫机构及人员配备情况报公安机关备案",
        "《企业事业单位内部治安保卫条例》第六条第二款",
        2.0,
        true,
        "备案回执",
        true,
    ),
    Seed(
        "Z10",
        I,
        "在公安机关指导下制定单位内部治安突发事件处置预案并定期演练",
        "《企业事业单位内部治安保卫条例》第十五条",
        2.0,
        false,
        "预案及演练记录",
        true,
    ),
];

/// Counter-terror targets add these (and the key-unit items).
const COUNTER_TERROR: &[Seed] = &[
    Seed(
        "P8",
        H,
        "重要岗位人员背景审查",
        "《反恐怖主义法》第三十三条",
        2.0,
        true,
        "审查记录",
        true,
    ),
    Seed(
        "W5",
        P,
        "出入口管控及防冲撞设施",
        "《浙江省实施〈反恐怖主义法〉办法》第二十三条第三款",
        2.0,
        false,
        "设施登记",
        false,
    ),
    Seed(
        "T9",
        T,
        "视频图像保存不少于90日（反恐怖防范重点目标）",
        "《反恐怖主义法》第三十二条",
        2.0,
        false,
        "存储检查",
        true,
    ),
    Seed(
        "Z13",
        I,
        "制定反恐怖防范工作预案并每年至少演练一次",
        "《反恐怖主义法》第三十二条；《浙江省实施〈反恐怖主义法〉办法》第二十三条",
        2.0,
        true,
        "预案及演练记录",
        true,
    ),
];

/// Universities add these (and the key-unit items).
const UNIVERSITIES: &[Seed] = &[
    Seed(
        "U1",
        T,
        "学生宿舍房间内未安装摄像设备",
        "《公共安全视频图像信息系统管理条例》第八条第二款",
        2.0,
        true,
        "实地查看",
        false,
    ),
    Seed(
        "U2",
        I,
        "每学期至少开展两次安全检查",
        "《宁波市学校安全条例》（参照）",
        2.0,
        false,
        "检查记录",
        true,
    ),
    Seed(
        "U3",
        P,
        "校门设置硬质防冲撞设施",
        "《山东省学校安全条例》第三十条（参照）",
        2.0,
        false,
        "实地查看",
        false,
    ),
    Seed(
        "U4",
        H,
        "校外人员、车辆出入登记并记录进出时间",
        "《企业事业单位内部治安保卫条例》第十一条第（二）项",
        2.0,
        false,
        "访客登记",
        true,
    ),
    Seed(
        "U5",
        X,
        "学生心理或行为异常报告、跟踪机制",
        "《山东省学校安全条例》第四十一条、第四十三条（参照）",
        2.0,
        false,
        "机制文件（仅统计数）",
        false,
    ),
];

fn items_of(seeds: &[&[Seed]]) -> Vec<ChecklistItem> {
    seeds
        .iter()
        .flat_map(|s| s.iter())
        .map(|s| ChecklistItem {
            code: s.0.into(),
            defence: s.1,
            title: s.2.into(),
            basis: s.3.into(),
            weight: s.4,
            critical: s.5,
            evidence: s.6.into(),
            auto: s.7,
        })
        .collect()
}

/// The first version of a variant's checklist (seeded at migration time).
pub fn seed_items(variant: Variant) -> Vec<ChecklistItem> {
    match variant {
        Variant::AllUnits => items_of(&[BASE]),
        Variant::KeyUnits => items_of(&[BASE, KEY_UNITS]),
        Variant::CounterTerror => items_of(&[BASE, KEY_UNITS, COUNTER_TERROR]),
        Variant::Universities => {
            let mut items = items_of(&[BASE, KEY_UNITS, UNIVERSITIES]);
            items.extend(key_parts());
            items
        }
    }
}

/// The key parts of GB/T 31068 as checklist items (docs/UNIVERSITIES.md).
fn key_parts() -> Vec<ChecklistItem> {
    gbt31068::KEY_PARTS
        .iter()
        .map(
            |(code, defence, title, basis, weight, critical, evidence)| ChecklistItem {
                code: (*code).into(),
                defence: match defence {
                    'P' => Defence::Physical,
                    'H' => Defence::Human,
                    _ => Defence::Technical,
                },
                title: (*title).into(),
                basis: (*basis).into(),
                weight: *weight,
                critical: *critical,
                evidence: (*evidence).into(),
                auto: false,
            },
        )
        .collect()
}

mod gbt31068;

#[cfg(test)]
mod tests;

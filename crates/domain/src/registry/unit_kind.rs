//! Registry vocabulary: unit kinds and key-unit categories.

use serde::{Deserialize, Serialize};

/// Kind of unit (docs/REQUIREMENTS.md R1; Decree 421 Arts 1, 22).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// 机关
    GovernmentOrgan,
    /// 团体
    Association,
    /// 企业
    Enterprise,
    /// 事业单位
    PublicInstitution,
}

impl UnitKind {
    pub const ALL: [UnitKind; 4] = [
        UnitKind::GovernmentOrgan,
        UnitKind::Association,
        UnitKind::Enterprise,
        UnitKind::PublicInstitution,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UnitKind::GovernmentOrgan => "government_organ",
            UnitKind::Association => "association",
            UnitKind::Enterprise => "enterprise",
            UnitKind::PublicInstitution => "public_institution",
        }
    }
    pub fn from_code(s: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            UnitKind::GovernmentOrgan => "机关",
            UnitKind::Association => "团体",
            UnitKind::Enterprise => "企业",
            UnitKind::PublicInstitution => "事业单位",
        }
    }
}

/// The 11 key-unit categories of Decree 421 Art 13 (docs/REQUIREMENTS.md R15), as codes 1–11.
pub const KEY_UNIT_CATEGORIES: [(u8, &str); 11] = [
    (1, "广播、电视、报社等新闻单位"),
    (2, "机场、港口、大型车站等交通枢纽"),
    (3, "国防科技工业重要产品的研制、生产单位"),
    (4, "电信、邮政、金融单位"),
    (5, "大型能源动力设施、水利设施和城市水、电、燃气、热力供应设施"),
    (6, "大型物资储备单位和大型商贸中心"),
    (7, "教育、科研、医疗单位和大型文化、体育场所"),
    (8, "博物馆、档案馆和重点文物保护单位"),
    (9, "研制、生产、销售、储存危险物品或者实验、保藏传染性菌种、毒种的单位"),
    (10, "国家重点建设工程单位"),
    (11, "其他需要国家重点保护的单位"),
];

/// zh-CN label of a key-unit category code, `None` outside 1–11.
pub fn key_unit_category_label(code: u8) -> Option<&'static str> {
    KEY_UNIT_CATEGORIES.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

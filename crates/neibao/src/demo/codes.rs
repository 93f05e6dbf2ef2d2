//! The demo's made-up but valid codes, names and unit kinds (GB 32100 USCC with its GB 11714
//! organisation code, GB 11643 citizen ID numbers), and its key areas and armed schedule.

use chrono::{Duration, NaiveDate};
use neibao_domain::registry::{ArmedPeriod, ArmedSchedule, UnitKind};
use neibao_domain::validate::{citizen_id_check_char, uscc_check_char};
use rand::rngs::StdRng;
use rand::Rng;

pub(super) const WORDS: [&str; 24] = [
    "星河", "青松", "明远", "瑞丰", "云溪", "鼎盛", "锦程", "华岳", "海棠", "东篱", "长风", "天祥", "晨曦", "启航",
    "清源", "嘉禾", "泰和", "永安", "博雅", "新桥", "凌云", "安澜", "恒信", "慧谷",
];

/// GB 11714 organisation-code check character for 8 body characters (docs/REQUIREMENTS.md §c.2).
pub(super) fn gb11714_check(body: &str) -> char {
    const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.chars().zip(W).map(|(c, w)| c.to_digit(36).unwrap_or(0) * w).sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        c => char::from_digit(c, 10).unwrap_or('0'),
    }
}

/// A valid USCC for a demo unit of `kind` registered in `county`.
pub(super) fn demo_uscc(rng: &mut StdRng, kind: UnitKind, county: &str) -> String {
    let head = match kind {
        UnitKind::Enterprise => "91",
        UnitKind::PublicInstitution => "12",
        UnitKind::GovernmentOrgan => "11",
        UnitKind::Association => "51",
    };
    let org: String = (0..8)
        .map(|_| char::from_digit(rng.gen_range(0..10), 10).unwrap_or('0'))
        .collect();
    let body17 = format!("{head}{county}{org}{}", gb11714_check(&org));
    format!("{body17}{}", uscc_check_char(&body17).unwrap_or('0'))
}

pub(super) fn demo_citizen_id(rng: &mut StdRng, county: &str) -> String {
    let birth = NaiveDate::from_ymd_opt(1965, 1, 1).unwrap_or_default() + Duration::days(rng.gen_range(0..12_000));
    let body = format!("{county}{}{:03}", birth.format("%Y%m%d"), rng.gen_range(0..1000));
    format!("{body}{}", citizen_id_check_char(&body).unwrap_or('0'))
}

pub(super) fn demo_person_name(rng: &mut StdRng) -> String {
    const SURNAMES: [&str; 12] = ["张", "王", "李", "赵", "陈", "杨", "吴", "刘", "黄", "周", "徐", "孙"];
    const GIVEN: [&str; 12] = [
        "演示", "示例", "测试", "样本", "虚拟", "模拟", "假名", "演练", "范例", "试用", "占位", "示范",
    ];
    format!(
        "{}{}",
        SURNAMES[rng.gen_range(0..SURNAMES.len())],
        GIVEN[rng.gen_range(0..GIVEN.len())]
    )
}

pub(super) struct DemoUnitSpec {
    pub kind: UnitKind,
    pub university: bool,
    pub private: bool,
    pub key_category: Option<u8>,
    pub suffix: &'static str,
}

pub(super) fn spec_for(i: usize, rng: &mut StdRng) -> DemoUnitSpec {
    match i % 10 {
        0 => DemoUnitSpec {
            kind: UnitKind::PublicInstitution,
            university: false,
            private: false,
            key_category: Some(7),
            suffix: "人民医院",
        },
        1 => DemoUnitSpec {
            kind: UnitKind::PublicInstitution,
            university: true,
            private: false,
            key_category: Some(7),
            suffix: "学院",
        },
        2 => DemoUnitSpec {
            kind: UnitKind::Enterprise,
            university: false,
            private: false,
            key_category: Some(4),
            suffix: "商业银行支行",
        },
        3 => DemoUnitSpec {
            kind: UnitKind::Enterprise,
            university: false,
            private: true,
            key_category: rng.gen_bool(0.3).then_some(9),
            suffix: "化工有限公司",
        },
        4 => DemoUnitSpec {
            kind: UnitKind::GovernmentOrgan,
            university: false,
            private: false,
            key_category: None,
            suffix: "行政服务中心",
        },
        5 => DemoUnitSpec {
            kind: UnitKind::Association,
            university: false,
            private: false,
            key_category: None,
            suffix: "行业协会",
        },
        6 => DemoUnitSpec {
            kind: UnitKind::PublicInstitution,
            university: false,
            private: false,
            key_category: rng.gen_bool(0.3).then_some(8),
            suffix: "博物馆",
        },
        _ => DemoUnitSpec {
            kind: UnitKind::Enterprise,
            university: false,
            private: true,
            key_category: None,
            suffix: "科技有限公司",
        },
    }
}

pub(super) const KEY_AREAS: [(&str, &str); 6] = [
    ("财务室", "现金、票据、印章存放"),
    ("中心机房", "服务器与网络设备"),
    ("档案室", "纸质档案"),
    ("危化品仓库", "危险化学品储存"),
    ("监控中心", "视频监控值班"),
    ("主出入口", "人员车辆出入"),
];

pub(super) fn weekday_nights() -> ArmedSchedule {
    ArmedSchedule {
        periods: vec![
            ArmedPeriod {
                weekdays: vec![1, 2, 3, 4, 5],
                start: "20:00".into(),
                end: "07:00".into(),
            },
            ArmedPeriod {
                weekdays: vec![6, 7],
                start: "00:00".into(),
                end: "00:00".into(),
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use neibao_domain::validate::{CitizenId, Uscc};
    use rand::SeedableRng;

    #[test]
    fn generated_codes_validate() {
        let mut rng = StdRng::seed_from_u64(1);
        for kind in UnitKind::ALL {
            let u = demo_uscc(&mut rng, kind, "330106");
            assert!(Uscc::parse(&u).is_ok(), "{u}");
        }
        let id = demo_citizen_id(&mut rng, "330106");
        assert!(CitizenId::parse(&id, Utc::now().date_naive()).is_ok());
        // Check the GB 11714 check against the vector 91110000802100433B → body 80210043, check 3.
        assert_eq!(gb11714_check("80210043"), '3');
    }
}

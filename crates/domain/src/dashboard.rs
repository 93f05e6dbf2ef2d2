//! Dashboard figures inside a scope, broken down by the administrative level one below the
//! viewer's own (issue 20: "dashboards and navigation per role").

use serde::Serialize;

use crate::access::Scope;

/// The level a dashboard breaks its figures down by (GB/T 2260 codes: `ppcc00` city, `ppccxx`
/// county, 9 digits township or street).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AreaLevel {
    /// 地市: the first 4 digits of a unit's division code.
    City,
    /// 区县: the first 6 digits.
    County,
    /// 乡镇（街道）: the first 9 digits.
    Township,
}

impl AreaLevel {
    /// The breakdown a scope's dashboard shows, or `None` for one unit (its managers and guards
    /// see their own unit, not a table of areas):
    /// everything and a province's police → cities; a city's police → counties; a county's police,
    /// a police station and a competent department → townships (streets).
    pub fn for_scope(scope: &Scope) -> Option<AreaLevel> {
        match scope {
            Scope::All => Some(AreaLevel::City),
            Scope::Division { prefix } if prefix.len() <= 2 => Some(AreaLevel::City),
            Scope::Division { prefix } if prefix.len() <= 4 => Some(AreaLevel::County),
            Scope::Division { .. } | Scope::Station { .. } | Scope::Department { .. } => Some(AreaLevel::Township),
            // A third-party assessor sees no dashboard figures (docs/ASSESSMENT.md).
            Scope::Unit { .. } | Scope::Assessor { .. } | Scope::Nothing => None,
        }
    }

    /// How many leading digits of a division code name an area of this level.
    pub fn digits(self) -> usize {
        match self {
            AreaLevel::City => 4,
            AreaLevel::County => 6,
            AreaLevel::Township => 9,
        }
    }

    /// The division code of an area from its leading digits (a city's `3301` is `330100`).
    pub fn code(self, digits: &str) -> String {
        if digits.len() < 6 {
            format!("{digits:0<6}")
        } else {
            digits.to_string()
        }
    }

    /// The column header of the breakdown.
    pub fn label_zh(self) -> &'static str {
        match self {
            AreaLevel::City => "地市",
            AreaLevel::County => "区县",
            AreaLevel::Township => "乡镇（街道）",
        }
    }
}

/// Numbers of one area (city, county or township) inside the caller's scope.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AreaStats {
    /// The area's GB/T 2260 division code (6 or 9 digits).
    pub code: String,
    /// Its name (the code itself when the division table does not know it).
    pub name: String,
    pub units: i64,
    pub key_units: i64,
    pub open_alerts: i64,
    pub devices: i64,
    pub offline_devices: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub units: i64,
    pub key_units: i64,
    pub open_alerts: i64,
    pub devices: i64,
    pub offline_devices: i64,
    /// The level of `by_area`; absent for one unit's dashboard.
    pub area_level: Option<AreaLevel>,
    /// Every area of that level inside a division scope (those without units too, with zeros),
    /// or the areas that have units for the other scopes; empty for one unit.
    pub by_area: Vec<AreaStats>,
}

/// A series of the dashboard's trend chart: a daily counter kept in `dashboard_daily` (migration
/// 0067, maintained on write by database triggers) and the list a click on it opens.
///
/// Adding a series (e.g. assessment scores) is one row in [`TREND_SERIES`] plus whatever writes its
/// counter (a trigger in a migration, like `alerts_raised`); the API, the chart and the docs follow.
#[derive(Debug, Clone, Copy)]
pub struct TrendMetric {
    /// The counter's `metric` in `dashboard_daily`.
    pub key: &'static str,
    /// The series name shown (zh-CN).
    pub label_zh: &'static str,
    /// The filtered list behind the series.
    pub link: &'static str,
}

/// The series of the trend chart, in the order drawn.
pub const TREND_SERIES: &[TrendMetric] = &[
    TrendMetric {
        key: "alerts_raised",
        label_zh: "新增告警",
        link: "/alerts",
    },
    TrendMetric {
        key: "hazards_opened",
        label_zh: "新增隐患",
        link: "/hazards?sort=-created",
    },
    TrendMetric {
        key: "hazards_closed",
        label_zh: "整改完成隐患",
        link: "/hazards?phase=closed",
    },
];

/// A mean per day of the trend period: a sum counter over a count counter, both kept in
/// `dashboard_daily` by triggers (the division is done by the dashboard service, so the API
/// returns the figure and the browser computes nothing).
#[derive(Debug, Clone, Copy)]
pub struct MeanMetric {
    pub key: &'static str,
    /// The series name shown (zh-CN).
    pub label_zh: &'static str,
    /// The counter of the summed values (stored × `scale` as integers).
    pub sum_key: &'static str,
    /// The counter of how many values were summed.
    pub count_key: &'static str,
    pub scale: f64,
    /// The filtered list behind the series.
    pub link: &'static str,
}

/// The mean series of the dashboard: the mean score of the safety assessments signed each day
/// (migration 0073: `assessment_score_tenths` and `assessments_signed`, docs/ASSESSMENT.md).
pub const MEAN_SERIES: &[MeanMetric] = &[MeanMetric {
    key: "assessment_score",
    label_zh: "签发评估平均分",
    sum_key: "assessment_score_tenths",
    count_key: "assessments_signed",
    scale: 10.0,
    link: "/assessments?state=signed#assessments",
}];

/// A figure the map and the area chart can be coloured by: `(key, zh-CN label)`. The first four
/// are sums over the chosen period (`dashboard_daily`), the last two are counts now
/// (`dashboard_unit_state`).
pub const AREA_FIGURES: &[(&str, &str)] = &[
    ("alerts_raised", "新增告警"),
    ("hazards_opened", "新增隐患"),
    ("hazards_closed", "整改完成隐患"),
    ("false_positives", "误报"),
    ("hazards_open", "未整改隐患（当前）"),
    ("hazards_overdue", "逾期隐患（当前）"),
];

/// The figures that are counts now rather than sums over the period.
pub const STATE_FIGURES: &[&str] = &["hazards_open", "hazards_overdue"];

/// Rows read from the dashboard counters of a scope (the store's answer; the engine shapes it
/// into [`DashboardCharts`]).
#[derive(Debug, Clone, Default)]
pub struct DashboardCounters {
    /// `(day 'YYYY-MM-DD', metric, sum)` over the period, metrics of [`TREND_SERIES`].
    pub daily: Vec<(String, String, i64)>,
    /// `(leading digits of the division code, metric, sum)` at the breakdown level; period sums
    /// and current states together.
    pub by_area: Vec<(String, String, i64)>,
    /// The same by city (4 digits), for the map.
    pub by_city: Vec<(String, String, i64)>,
    /// `(unit id, unit name, overdue hazards)`, most first.
    pub top_overdue_units: Vec<(String, String, i64)>,
    /// `(rule code, alerts marked false positive in the period)`, most first.
    pub top_false_positive_rules: Vec<(String, i64)>,
}

/// A figure the map and the area chart can show.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FigureInfo {
    /// e.g. `hazards_overdue`.
    pub key: String,
    /// e.g. 逾期隐患（当前）.
    pub label: String,
}

/// One series of the trend chart: one value per day of `days`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrendLine {
    pub key: String,
    pub label: String,
    /// The list behind the series (a relative URL of the UI).
    pub link: String,
    /// One count per day of [`DashboardCharts::days`].
    pub values: Vec<i64>,
}

/// One mean series: the mean per day of the period (none when nothing was counted that day)
/// and over the whole period, with the counts they are the mean of.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeanLine {
    pub key: String,
    pub label: String,
    /// The list behind the series (a relative URL of the UI).
    pub link: String,
    /// One mean per day of [`DashboardCharts::days`], one decimal; `null` on a day without any.
    pub values: Vec<Option<f64>>,
    /// How many values each day's mean is of.
    pub counts: Vec<i64>,
    /// The mean over the whole period, one decimal (`null` when none).
    pub period_mean: Option<f64>,
    pub period_count: i64,
}

/// The mean of `sum / scale` over `count` values, one decimal; `None` for no value.
pub fn mean_of(sum: i64, count: i64, scale: f64) -> Option<f64> {
    (count > 0).then(|| ((sum as f64 / scale / count as f64) * 10.0).round() / 10.0)
}

/// The figures of one area (a city on the map, or an area of the breakdown).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AreaFigures {
    /// GB/T 2260 division code (6 or 9 digits).
    pub code: String,
    pub name: String,
    /// Every figure of [`AREA_FIGURES`] by key (zeros included).
    pub values: std::collections::BTreeMap<String, i64>,
    /// The list behind the area: the units of the area (inside the viewer's own scope).
    pub link: String,
}

/// One row of a top-N list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TopEntry {
    /// A unit id or a rule code.
    pub id: String,
    /// A unit name or a rule title (zh-CN).
    pub name: String,
    pub value: i64,
    /// The filtered list behind the row.
    pub link: String,
}

/// The map of the dashboard: Zhejiang's cities (the shipped GeoJSON is city level, docs/DASHBOARDS.md).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DashboardMap {
    /// The GeoJSON served at `/static/geo/{geo}.json` (`330000`: Zhejiang by city).
    pub geo: String,
    /// The cities inside the viewer's scope with figures; a viewer below a city sees the one city
    /// holding its jurisdiction, with its own jurisdiction's figures and link.
    pub areas: Vec<AreaFigures>,
}

/// Every figure the dashboard charts draw, for the caller's scope and period (issue 14). Nothing
/// shown by the charts is computed in the browser: it only picks values from here.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DashboardCharts {
    /// First and last day of the period (China Standard Time, `YYYY-MM-DD`), both included.
    pub from: String,
    pub to: String,
    /// Every day of the period in order.
    pub days: Vec<String>,
    pub trends: Vec<TrendLine>,
    /// The mean series ([`MEAN_SERIES`]): the mean score of the assessments signed each day.
    pub means: Vec<MeanLine>,
    /// The figures of `totals`, `map.areas[].values` and `by_area[].values`, in the order offered.
    pub figures: Vec<FigureInfo>,
    /// Every figure for the whole scope.
    pub totals: std::collections::BTreeMap<String, i64>,
    pub map: DashboardMap,
    /// The level of `by_area`; absent for one unit.
    pub area_level: Option<AreaLevel>,
    /// The scope broken down one level below it (as [`Dashboard::by_area`]).
    pub by_area: Vec<AreaFigures>,
    /// Units with the most overdue hazards (at most 10, none with zero).
    pub top_overdue_units: Vec<TopEntry>,
    /// Rules whose alerts were most often marked false positives in the period (at most 10).
    pub top_false_positive_rules: Vec<TopEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scope_is_broken_down_one_level_below_its_own() {
        let div = |p: &str| Scope::Division { prefix: p.to_string() };
        assert_eq!(AreaLevel::for_scope(&Scope::All), Some(AreaLevel::City));
        assert_eq!(AreaLevel::for_scope(&div("33")), Some(AreaLevel::City));
        assert_eq!(AreaLevel::for_scope(&div("3301")), Some(AreaLevel::County));
        assert_eq!(AreaLevel::for_scope(&div("330106")), Some(AreaLevel::Township));
        let unit = Scope::Unit { unit_id: "u".into() };
        assert_eq!(AreaLevel::for_scope(&unit), None);
        assert_eq!(AreaLevel::City.code("3301"), "330100");
        assert_eq!(AreaLevel::Township.code("330106001"), "330106001");
    }

    #[test]
    fn a_mean_is_the_sum_over_the_count_with_one_decimal() {
        assert_eq!(mean_of(0, 0, 10.0), None);
        assert_eq!(mean_of(725 + 590, 2, 10.0), Some(65.8));
        assert_eq!(mean_of(1000, 1, 10.0), Some(100.0));
    }
}

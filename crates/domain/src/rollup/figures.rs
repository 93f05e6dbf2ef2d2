//! The figures of a roll-up row and the columns they are shown in: **the one place** where a
//! column is added (docs/ROLLUP.md "Adding columns"). A new figure is
//! 1. a field of [`UnitFigures`] (what the store reads per unit),
//! 2. a field of [`Figures`] and its line in [`Figures::add`] (how units add up), and
//! 3. a [`Column`] in [`COLUMNS`] (header and value): the page, the API and the `.xlsx` follow.
//!
//! The assessment columns (R32: 应评估/已评估 coverage, mean score, grade distribution) read each
//! unit's latest signed safety assessment of the two-year cycle ending at the period's end
//! (docs/ASSESSMENT.md).

use serde::Serialize;

use crate::assessment::{Grade as AssessmentGrade, CYCLE_DAYS};
use crate::supervision::credit::Grade;

/// What the store reads for one unit over a period (all counts for the period
/// `[start, end)`; the unit's credit deductions in force at the period's end).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnitFigures {
    pub unit_id: String,
    pub unit_name: String,
    /// GB/T 2260 code (6 digits, or 9 for a township).
    pub division_code: String,
    pub police_station_id: Option<String>,
    pub competent_department_id: Option<String>,
    pub is_key_unit: bool,
    /// Hazards found in the period.
    pub hazards_opened: i64,
    /// Of those, closed (销号) before the period's end.
    pub hazards_opened_closed: i64,
    /// Hazards closed in the period (whenever found).
    pub hazards_closed: i64,
    /// Hazards that became overdue (逾期未整改) in the period.
    pub hazards_overdue: i64,
    /// Filings whose due date falls in the period.
    pub filings_due: i64,
    /// Of those, first submitted on or before the due date (docs/FILINGS.md "On time").
    pub filings_on_time: i64,
    /// Alerts first seen in the period.
    pub alerts_raised: i64,
    /// Seconds from first seen to acknowledged, one per acknowledged alert of the period (R24).
    pub ack_seconds: Vec<f64>,
    /// Credit points deducted by entries in force at the period's end (not withdrawn).
    pub credit_deductions: i64,
    /// The unit's latest signed safety assessment within the [`CYCLE_DAYS`] before the period's
    /// end (R32: every unit every two years): its total (0–100, capped at 59 by a critical item)
    /// and grade; `None`: not assessed in the cycle.
    pub assessment: Option<(f64, AssessmentGrade)>,
}

/// Units per credit grade.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct GradeCounts {
    pub a: i64,
    pub b: i64,
    pub c: i64,
    pub d: i64,
}

impl GradeCounts {
    fn add(&mut self, g: Grade) {
        match g {
            Grade::A => self.a += 1,
            Grade::B => self.b += 1,
            Grade::C => self.c += 1,
            Grade::D => self.d += 1,
        }
    }
    fn merge(&mut self, o: &GradeCounts) {
        self.a += o.a;
        self.b += o.b;
        self.c += o.c;
        self.d += o.d;
    }
}

/// Assessed units per assessment grade.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AssessmentGradeCounts {
    /// 优秀.
    pub excellent: i64,
    /// 良好.
    pub good: i64,
    /// 合格.
    pub pass: i64,
    /// 不合格.
    pub fail: i64,
}

impl AssessmentGradeCounts {
    fn add(&mut self, g: AssessmentGrade) {
        match g {
            AssessmentGrade::Excellent => self.excellent += 1,
            AssessmentGrade::Good => self.good += 1,
            AssessmentGrade::Pass => self.pass += 1,
            AssessmentGrade::Fail => self.fail += 1,
        }
    }
    fn merge(&mut self, o: &AssessmentGradeCounts) {
        self.excellent += o.excellent;
        self.good += o.good;
        self.pass += o.pass;
        self.fail += o.fail;
    }
}

/// The figures of a row: the sum of its units. Rates are `null` when nothing was due.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Figures {
    /// 单位数: registered units (not closed).
    pub units: i64,
    /// 重点单位数.
    pub key_units: i64,
    /// 新发现隐患: hazards found in the period.
    pub hazards_opened: i64,
    /// 期内销号: hazards closed in the period.
    pub hazards_closed: i64,
    /// 逾期未整改: hazards that became overdue in the period.
    pub hazards_overdue: i64,
    /// Hazards found in the period and closed before its end.
    pub hazards_opened_closed: i64,
    /// 整改率: `hazards_opened_closed / hazards_opened` (0–1).
    pub closure_rate: Option<f64>,
    /// 应备案: filings due in the period.
    pub filings_due: i64,
    /// 按时备案.
    pub filings_on_time: i64,
    /// 按时备案率: `filings_on_time / filings_due` (0–1).
    pub filings_on_time_rate: Option<f64>,
    /// 告警数: alerts first seen in the period.
    pub alerts_raised: i64,
    /// 已确认告警: those acknowledged.
    pub alerts_acknowledged: i64,
    /// 确认用时中位数 (minutes, R24).
    pub ack_median_minutes: Option<f64>,
    /// 平均确认用时 (minutes, R24).
    pub ack_mean_minutes: Option<f64>,
    /// 诚信等级分布: units per grade at the period's end (the caller's bureau rule).
    pub grades: GradeCounts,
    /// 已评估: units with a signed safety assessment in the two-year cycle ending at the
    /// period's end (every unit is due once a cycle, R32: 应评估 = `units`).
    pub assessed: i64,
    /// 评估覆盖率: `assessed / units` (0–1).
    pub assessment_coverage: Option<f64>,
    /// 平均得分: mean total of those assessments (0–100, two decimals).
    pub assessment_mean_score: Option<f64>,
    /// 评估等级分布: assessed units per grade (优秀 ≥ 90, 良好 ≥ 75, 合格 ≥ 60, 不合格 < 60).
    pub assessment_grades: AssessmentGradeCounts,
    #[serde(skip)]
    assessment_sum: f64,
    #[serde(skip)]
    ack: Vec<f64>,
}

fn ratio(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl Figures {
    /// Adds one unit with its credit grade.
    pub fn add(&mut self, u: &UnitFigures, grade: Grade) {
        self.units += 1;
        self.key_units += i64::from(u.is_key_unit);
        self.hazards_opened += u.hazards_opened;
        self.hazards_closed += u.hazards_closed;
        self.hazards_overdue += u.hazards_overdue;
        self.hazards_opened_closed += u.hazards_opened_closed;
        self.filings_due += u.filings_due;
        self.filings_on_time += u.filings_on_time;
        self.alerts_raised += u.alerts_raised;
        self.ack.extend_from_slice(&u.ack_seconds);
        self.grades.add(grade);
        if let Some((total, g)) = u.assessment {
            self.assessed += 1;
            self.assessment_sum += total;
            self.assessment_grades.add(g);
        }
        self.finish();
    }

    /// Adds the figures of another row (its units).
    pub fn merge(&mut self, o: &Figures) {
        self.units += o.units;
        self.key_units += o.key_units;
        self.hazards_opened += o.hazards_opened;
        self.hazards_closed += o.hazards_closed;
        self.hazards_overdue += o.hazards_overdue;
        self.hazards_opened_closed += o.hazards_opened_closed;
        self.filings_due += o.filings_due;
        self.filings_on_time += o.filings_on_time;
        self.alerts_raised += o.alerts_raised;
        self.ack.extend_from_slice(&o.ack);
        self.grades.merge(&o.grades);
        self.assessed += o.assessed;
        self.assessment_sum += o.assessment_sum;
        self.assessment_grades.merge(&o.assessment_grades);
        self.finish();
    }

    fn finish(&mut self) {
        self.closure_rate = ratio(self.hazards_opened_closed, self.hazards_opened).map(|r| round2(r * 100.0) / 100.0);
        self.filings_on_time_rate = ratio(self.filings_on_time, self.filings_due).map(|r| round2(r * 100.0) / 100.0);
        self.alerts_acknowledged = self.ack.len() as i64;
        self.assessment_coverage = ratio(self.assessed, self.units).map(|r| round2(r * 100.0) / 100.0);
        self.assessment_mean_score = (self.assessed > 0).then(|| round2(self.assessment_sum / self.assessed as f64));
        if self.ack.is_empty() {
            self.ack_median_minutes = None;
            self.ack_mean_minutes = None;
            return;
        }
        let mut v = self.ack.clone();
        v.sort_by(|a, b| a.total_cmp(b));
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        let mean = v.iter().sum::<f64>() / n as f64;
        self.ack_median_minutes = Some(round2(median / 60.0));
        self.ack_mean_minutes = Some(round2(mean / 60.0));
    }
}

/// A cell of a column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// A count.
    Count(i64),
    /// A ratio 0–1 shown as a percentage; `None`: nothing was due (shown 「—」).
    Rate(Option<f64>),
    /// A number with two decimals; `None`: no data (「—」).
    Number(Option<f64>),
}

impl Cell {
    /// As a person reads it on the page: `12`, `85.5%`, `3.25`, `—`.
    pub fn text(&self) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::Rate(Some(r)) => format!("{}%", round2(r * 100.0)),
            Cell::Number(Some(x)) => format!("{}", round2(*x)),
            Cell::Rate(None) | Cell::Number(None) => "—".to_string(),
        }
    }
}

/// A column of the roll-up page and of the `.xlsx` (docs/ROLLUP.md lists them).
pub struct Column {
    /// Stable code (the JSON field of [`Figures`] it shows).
    pub code: &'static str,
    /// The header a person reads.
    pub header_zh: &'static str,
    pub value: fn(&Figures) -> Cell,
}

/// Every column, in order. ASSESSMENT COLUMNS go at the end.
pub const COLUMNS: &[Column] = &[
    Column {
        code: "units",
        header_zh: "单位数",
        value: |f| Cell::Count(f.units),
    },
    Column {
        code: "key_units",
        header_zh: "重点单位数",
        value: |f| Cell::Count(f.key_units),
    },
    Column {
        code: "hazards_opened",
        header_zh: "新发现隐患",
        value: |f| Cell::Count(f.hazards_opened),
    },
    Column {
        code: "hazards_closed",
        header_zh: "期内销号隐患",
        value: |f| Cell::Count(f.hazards_closed),
    },
    Column {
        code: "hazards_overdue",
        header_zh: "逾期未整改隐患",
        value: |f| Cell::Count(f.hazards_overdue),
    },
    Column {
        code: "closure_rate",
        header_zh: "隐患整改率",
        value: |f| Cell::Rate(f.closure_rate),
    },
    Column {
        code: "filings_due",
        header_zh: "应备案",
        value: |f| Cell::Count(f.filings_due),
    },
    Column {
        code: "filings_on_time",
        header_zh: "按时备案",
        value: |f| Cell::Count(f.filings_on_time),
    },
    Column {
        code: "filings_on_time_rate",
        header_zh: "按时备案率",
        value: |f| Cell::Rate(f.filings_on_time_rate),
    },
    Column {
        code: "alerts_raised",
        header_zh: "告警数",
        value: |f| Cell::Count(f.alerts_raised),
    },
    Column {
        code: "alerts_acknowledged",
        header_zh: "已确认告警",
        value: |f| Cell::Count(f.alerts_acknowledged),
    },
    Column {
        code: "ack_median_minutes",
        header_zh: "确认用时中位数（分钟）",
        value: |f| Cell::Number(f.ack_median_minutes),
    },
    Column {
        code: "ack_mean_minutes",
        header_zh: "平均确认用时（分钟）",
        value: |f| Cell::Number(f.ack_mean_minutes),
    },
    Column {
        code: "grade_a",
        header_zh: "诚信A级",
        value: |f| Cell::Count(f.grades.a),
    },
    Column {
        code: "grade_b",
        header_zh: "诚信B级",
        value: |f| Cell::Count(f.grades.b),
    },
    Column {
        code: "grade_c",
        header_zh: "诚信C级",
        value: |f| Cell::Count(f.grades.c),
    },
    Column {
        code: "grade_d",
        header_zh: "诚信D级",
        value: |f| Cell::Count(f.grades.d),
    },
    Column {
        code: "assessed",
        header_zh: "已评估单位",
        value: |f| Cell::Count(f.assessed),
    },
    Column {
        code: "assessment_coverage",
        header_zh: "评估覆盖率",
        value: |f| Cell::Rate(f.assessment_coverage),
    },
    Column {
        code: "assessment_mean_score",
        header_zh: "评估平均得分",
        value: |f| Cell::Number(f.assessment_mean_score),
    },
    Column {
        code: "assessment_excellent",
        header_zh: "评估优秀",
        value: |f| Cell::Count(f.assessment_grades.excellent),
    },
    Column {
        code: "assessment_good",
        header_zh: "评估良好",
        value: |f| Cell::Count(f.assessment_grades.good),
    },
    Column {
        code: "assessment_pass",
        header_zh: "评估合格",
        value: |f| Cell::Count(f.assessment_grades.pass),
    },
    Column {
        code: "assessment_fail",
        header_zh: "评估不合格",
        value: |f| Cell::Count(f.assessment_grades.fail),
    },
];

/// The assessment cycle of [`UnitFigures::assessment`], in milliseconds.
pub const ASSESSMENT_CYCLE_MS: i64 = CYCLE_DAYS * 24 * 3600 * 1000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_add_up_and_medians_come_from_every_time() {
        let u1 = UnitFigures {
            hazards_opened: 2,
            hazards_opened_closed: 1,
            filings_due: 2,
            filings_on_time: 2,
            ack_seconds: vec![60.0, 180.0],
            is_key_unit: true,
            assessment: Some((92.0, AssessmentGrade::Excellent)),
            ..Default::default()
        };
        let u2 = UnitFigures {
            hazards_opened: 2,
            hazards_opened_closed: 2,
            ack_seconds: vec![600.0],
            assessment: Some((59.0, AssessmentGrade::Fail)),
            ..Default::default()
        };
        let mut a = Figures::default();
        a.add(&u1, Grade::A);
        let mut b = Figures::default();
        b.add(&u2, Grade::C);
        let mut t = Figures::default();
        t.merge(&a);
        t.merge(&b);
        assert_eq!(t.units, 2);
        assert_eq!(t.key_units, 1);
        assert_eq!(t.closure_rate, Some(0.75));
        assert_eq!(t.filings_on_time_rate, Some(1.0));
        assert_eq!(t.alerts_acknowledged, 3);
        assert_eq!(t.ack_median_minutes, Some(3.0));
        assert_eq!(t.ack_mean_minutes, Some(4.67));
        assert_eq!(t.grades, GradeCounts { a: 1, b: 0, c: 1, d: 0 });
        assert_eq!(Cell::Rate(t.closure_rate).text(), "75%");
        assert_eq!(Cell::Rate(None).text(), "—");
        assert_eq!(t.assessed, 2);
        assert_eq!(t.assessment_coverage, Some(1.0));
        assert_eq!(t.assessment_mean_score, Some(75.5));
        assert_eq!(
            t.assessment_grades,
            AssessmentGradeCounts {
                excellent: 1,
                good: 0,
                pass: 0,
                fail: 1
            }
        );
        assert_eq!(COLUMNS.len(), 24);
    }
}

//! [`RollupService`]: the roll-up of a period ([`Permission::RollupRead`]: administrators,
//! police and competent departments; within their scope, which the store applies).

use std::collections::HashMap;

use chrono::Utc;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::rollup::{group, start_level, Figures, GroupBy, Level, Period, RollupRow, UnitFigures, NO_STATION};
use neibao_domain::supervision::credit::Grade;
use neibao_store::rollup::RollupFilter;
use serde::Serialize;

use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::supervision::settings::settings;

/// A roll-up as asked.
#[derive(Debug, Clone, Default)]
pub struct RollupInput {
    /// First day `YYYY-MM-DD` (default: 1 January of this year, Beijing time).
    pub from: Option<String>,
    /// Last day, included (default: today).
    pub to: Option<String>,
    /// `division` (default) or `sector`.
    pub by: Option<String>,
    /// A division-code prefix of 2, 4 or 6 digits: its sub-divisions (or, at 6 digits, its
    /// police stations; by sector, its departments).
    pub division: Option<String>,
    /// A police station (by division) or competent department (by sector): its units; `-`:
    /// the units with none.
    pub org: Option<String>,
}

/// A roll-up: the rows of one level and their total.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Rollup {
    pub period: Period,
    pub by: GroupBy,
    /// The division filter in force.
    pub division: Option<String>,
    /// The organisation filter in force.
    pub org: Option<String>,
    /// What the rows are.
    pub level: Level,
    /// The name of the division or organisation opened (for the heading).
    pub title: String,
    pub rows: Vec<RollupRow>,
    /// The sum of every row.
    pub total: Figures,
}

#[derive(Clone)]
pub struct RollupService {
    pub(crate) ctx: Ctx,
}

fn beijing_today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive()
}

pub(super) struct Read {
    pub period: Period,
    pub by: GroupBy,
    pub division: Option<String>,
    pub org: Option<String>,
    pub units: Vec<(UnitFigures, Grade)>,
}

impl RollupService {
    pub fn new(ctx: Ctx) -> RollupService {
        RollupService { ctx }
    }

    /// Checks the input and reads the units with their credit grades under the caller's
    /// bureau rule.
    pub(super) async fn read(&self, who: &Principal, input: &RollupInput) -> ServiceResult<Read> {
        who.require(Permission::RollupRead)?;
        let period = Period::parse(input.from.as_deref(), input.to.as_deref(), beijing_today())?;
        let by = match input.by.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => GroupBy::Division,
            Some(s) => GroupBy::from_code(s).ok_or_else(|| {
                ServiceError::invalid(format!(
                    "汇总方式「{s}」不存在，应为 division（按辖区）或 sector（按行业）"
                ))
            })?,
        };
        let division = input.division.as_deref().map(str::trim).filter(|s| !s.is_empty());
        if let Some(d) = division {
            if !(d.chars().all(|c| c.is_ascii_digit()) && matches!(d.len(), 2 | 4 | 6)) {
                return Err(ServiceError::invalid(format!("行政区划「{d}」应为2、4或6位数字代码")));
            }
        }
        let org = input.org.as_deref().map(str::trim).filter(|s| !s.is_empty());
        if org.is_some_and(|o| o.chars().count() > 64) {
            return Err(ServiceError::invalid("组织标识过长"));
        }
        let org_filter = org.map(|o| (o != NO_STATION).then(|| o.to_string()));
        let f = RollupFilter {
            division_prefix: division.map(str::to_string),
            station: if by == GroupBy::Division {
                org_filter.clone()
            } else {
                None
            },
            department: if by == GroupBy::Sector { org_filter } else { None },
        };
        let store = self.ctx.store.as_ref();
        let units = store
            .rollup_units(
                &who.scope,
                &f,
                period.start(),
                period.end(),
                &period.from.format("%Y-%m-%d").to_string(),
                &period.to.format("%Y-%m-%d").to_string(),
            )
            .await?;
        let rule = settings(store, who.org_id.as_deref()).await?.credit;
        let units = units
            .into_iter()
            .map(|u| {
                let g = rule.grade(rule.score([u.credit_deductions]));
                (u, g)
            })
            .collect();
        Ok(Read {
            period,
            by,
            division: division.map(str::to_string),
            org: org.map(str::to_string),
            units,
        })
    }

    /// The names of the keys of `rows` at `level` (and of `extra` codes/ids).
    pub(super) async fn names(
        &self,
        keys: &[String],
        level: Level,
        extra_division: Option<&str>,
        extra_org: Option<&str>,
    ) -> ServiceResult<HashMap<String, String>> {
        let mut divisions = Vec::new();
        let mut orgs = Vec::new();
        match level {
            Level::Province | Level::City | Level::County => divisions.extend(keys.iter().cloned()),
            Level::Station | Level::Department => orgs.extend(keys.iter().filter(|k| *k != NO_STATION).cloned()),
            Level::Unit => {}
        }
        divisions.extend(extra_division.map(str::to_string));
        orgs.extend(extra_org.filter(|o| *o != NO_STATION).map(str::to_string));
        Ok(self
            .ctx
            .store
            .rollup_names(&divisions, &orgs)
            .await?
            .into_iter()
            .collect())
    }

    /// The roll-up of `input` ([`Permission::RollupRead`]; 403 for unit accounts): the rows of
    /// the level below what is opened — by division from the caller's own level (a county
    /// bureau sees its police stations, a province its cities), by sector the competent
    /// departments; `org` opens one station's or department's units. Only units in the
    /// caller's scope count: a county officer sees only its county, a department only its own
    /// sector. 400 (zh-CN) for a bad date, period, `by` or division code. Each row's figures
    /// are the sum of its units (docs/ROLLUP.md).
    #[tracing::instrument(skip_all)]
    pub async fn rollup(&self, who: &Principal, input: &RollupInput) -> ServiceResult<Rollup> {
        let r = self.read(who, input).await?;
        let level = start_level(r.by, &who.scope, r.division.as_deref(), r.org.as_deref());
        let (mut rows, total) = group(&r.units, level, &HashMap::new(), r.division.as_deref());
        let keys: Vec<String> = rows.iter().map(|x| x.key.clone()).collect();
        let names = self
            .names(&keys, level, r.division.as_deref(), r.org.as_deref())
            .await?;
        for row in &mut rows {
            if let Some(n) = names.get(&row.key) {
                if level != Level::Unit {
                    row.label = n.clone();
                }
            }
        }
        let title = match (&r.org, &r.division) {
            (Some(o), _) if o == NO_STATION => match r.by {
                GroupBy::Division => "未分配派出所的单位".to_string(),
                GroupBy::Sector => "未指定主管部门的单位".to_string(),
            },
            (Some(o), _) => names.get(o).cloned().unwrap_or_else(|| o.clone()),
            (None, Some(d)) => names.get(d).cloned().unwrap_or_else(|| d.clone()),
            (None, None) => who.org_name.clone().unwrap_or_else(|| "全部".to_string()),
        };
        Ok(Rollup {
            period: r.period,
            by: r.by,
            division: r.division,
            org: r.org,
            level,
            title,
            rows,
            total,
        })
    }
}

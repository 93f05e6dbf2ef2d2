//! The bureau's supervision settings page (本局监督设置): document numbering, default deadlines,
//! reminders, the ladder order and the credit rule. Everyone on the jurisdiction's side reads
//! them; county-level and higher police change their own bureau's. A refused form is shown
//! again with its message and the values as typed.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::documents::default_prefix;
use neibao_domain::error::ErrorCode;
use neibao_domain::supervision::credit::{CreditRule, EntryKind, EntryRule};
use neibao_domain::supervision::ladder::Rung;
use neibao_domain::supervision::{DeadlineDefaults, SupervisionSettings};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::Nav;

fn checked(f: &Fields, name: &str) -> bool {
    !field(f, name).is_empty()
}

/// A whole number from a form field, or a zh-CN message naming the field.
fn int(s: &str, label: &str) -> Result<i64, ApiError> {
    s.trim()
        .parse::<i64>()
        .map_err(|_| ApiError::validation(format!("「{label}」须填写整数")))
}

pub struct RungRow {
    pub code: &'static str,
    pub label: &'static str,
    pub included: bool,
    pub position: String,
}

pub struct EntryRow {
    pub code: &'static str,
    pub label: &'static str,
    pub points: String,
    pub valid_days: String,
}

/// (field name, label, value)
pub type NumField = (&'static str, &'static str, String);

/// The settings form as shown: stored, or as just sent when refused.
pub struct SettingsValues {
    pub doc_prefix: String,
    pub doc_department: String,
    pub general_days: String,
    pub major_days: String,
    pub max_days: String,
    pub reminder_days: String,
    pub rungs: Vec<RungRow>,
    pub entries: Vec<EntryRow>,
    pub thresholds: Vec<NumField>,
    pub intervals: Vec<NumField>,
}

const THRESHOLD_FIELDS: [(&str, &str); 3] = [("threshold_a", "A级"), ("threshold_b", "B级"), ("threshold_c", "C级")];
const INTERVAL_FIELDS: [(&str, &str); 4] = [
    ("interval_a", "A级"),
    ("interval_b", "B级"),
    ("interval_c", "C级"),
    ("interval_d", "D级"),
];

impl SettingsValues {
    fn from_settings(s: &SupervisionSettings) -> SettingsValues {
        let mut rungs: Vec<RungRow> = s
            .ladder
            .iter()
            .enumerate()
            .map(|(i, r)| RungRow {
                code: r.code(),
                label: r.label_zh(),
                included: true,
                position: (i + 1).to_string(),
            })
            .collect();
        for r in Rung::ALL {
            if !s.ladder.contains(&r) {
                rungs.push(RungRow {
                    code: r.code(),
                    label: r.label_zh(),
                    included: false,
                    position: String::new(),
                });
            }
        }
        SettingsValues {
            doc_prefix: s.doc_prefix.clone(),
            doc_department: s.doc_department.clone(),
            general_days: s.deadlines.general_days.to_string(),
            major_days: s.deadlines.major_days.to_string(),
            max_days: s.deadlines.max_days.to_string(),
            reminder_days: s
                .reminder_days
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(","),
            rungs,
            entries: EntryKind::ALL
                .iter()
                .map(|k| {
                    let e = s.credit.entry(*k);
                    EntryRow {
                        code: k.code(),
                        label: k.label_zh(),
                        points: e.points.to_string(),
                        valid_days: e.valid_days.to_string(),
                    }
                })
                .collect(),
            thresholds: THRESHOLD_FIELDS
                .iter()
                .zip(s.credit.thresholds)
                .map(|((n, l), v)| (*n, *l, v.to_string()))
                .collect(),
            intervals: INTERVAL_FIELDS
                .iter()
                .zip(s.credit.interval_days)
                .map(|((n, l), v)| (*n, *l, v.to_string()))
                .collect(),
        }
    }

    /// The form as sent (rungs in the order of their positions as typed).
    fn from_form(f: &Fields) -> SettingsValues {
        let mut rungs: Vec<RungRow> = Rung::ALL
            .iter()
            .map(|r| RungRow {
                code: r.code(),
                label: r.label_zh(),
                included: checked(f, &format!("rung_{}", r.code())),
                position: field(f, &format!("pos_{}", r.code())).trim().to_string(),
            })
            .collect();
        rungs.sort_by_key(|r| (!r.included, r.position.parse::<i64>().unwrap_or(i64::MAX)));
        let num = |names: &[(&'static str, &'static str)]| {
            names
                .iter()
                .map(|(n, l)| (*n, *l, field(f, n).trim().to_string()))
                .collect()
        };
        SettingsValues {
            doc_prefix: field(f, "doc_prefix").trim().to_string(),
            doc_department: field(f, "doc_department").trim().to_string(),
            general_days: field(f, "general_days").trim().to_string(),
            major_days: field(f, "major_days").trim().to_string(),
            max_days: field(f, "max_days").trim().to_string(),
            reminder_days: field(f, "reminder_days").trim().to_string(),
            rungs,
            entries: EntryKind::ALL
                .iter()
                .map(|k| EntryRow {
                    code: k.code(),
                    label: k.label_zh(),
                    points: field(f, &format!("points_{}", k.code())).trim().to_string(),
                    valid_days: field(f, &format!("valid_{}", k.code())).trim().to_string(),
                })
                .collect(),
            thresholds: num(&THRESHOLD_FIELDS),
            intervals: num(&INTERVAL_FIELDS),
        }
    }

    /// The settings the values stand for; a zh-CN message for what cannot be read. The
    /// settings' own rules are checked by [`SupervisionSettings::validate`] when they are stored.
    fn to_settings(&self) -> Result<SupervisionSettings, ApiError> {
        let mut reminder_days = Vec::new();
        for part in self
            .reminder_days
            .split([',', '，', '、', ';', '；', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            reminder_days.push(
                part.parse::<i64>()
                    .map_err(|_| ApiError::validation("到期提醒请填写天数，用逗号分隔，如 7,3,1"))?,
            );
        }
        let mut ladder = Vec::new();
        for r in self.rungs.iter().filter(|r| r.included) {
            let rung = Rung::from_code(r.code).ok_or_else(|| ApiError::validation("未知的督办措施"))?;
            let pos = int(&r.position, &format!("{}的顺序", r.label))?;
            ladder.push((pos, rung));
        }
        // Stable: equal positions keep the default order.
        ladder.sort_by_key(|(pos, _)| *pos);
        let mut entries = Vec::new();
        for e in &self.entries {
            let kind = EntryKind::from_code(e.code).ok_or_else(|| ApiError::validation("未知的诚信记录类型"))?;
            entries.push(EntryRule {
                kind,
                points: int(&e.points, &format!("{}的扣分", e.label))?,
                valid_days: int(&e.valid_days, &format!("{}的有效期", e.label))?,
            });
        }
        let mut thresholds = [0; 3];
        for (t, (_, l, v)) in thresholds.iter_mut().zip(&self.thresholds) {
            *t = int(v, &format!("{l}分数线"))?;
        }
        let mut interval_days = [0; 4];
        for (t, (_, l, v)) in interval_days.iter_mut().zip(&self.intervals) {
            *t = int(v, &format!("{l}检查周期"))?;
        }
        Ok(SupervisionSettings {
            doc_prefix: self.doc_prefix.clone(),
            doc_department: self.doc_department.clone(),
            deadlines: DeadlineDefaults {
                general_days: int(&self.general_days, "一般隐患整改期限")?,
                major_days: int(&self.major_days, "重大隐患整改期限")?,
                max_days: int(&self.max_days, "最长整改期限")?,
            },
            reminder_days,
            ladder: ladder.into_iter().map(|(_, r)| r).collect(),
            credit: CreditRule {
                entries,
                thresholds,
                interval_days,
            },
        })
    }
}

#[derive(Template)]
#[template(path = "supervision/settings.html")]
struct SettingsPage {
    nav: Nav,
    org_name: String,
    editable: bool,
    /// Why the page is read-only (empty when editable).
    readonly_note: String,
    auto_prefix: String,
    v: SettingsValues,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    saved: String,
}

/// `GET /supervision/settings`: the bureau's settings, editable by county-level and higher
/// police of a bureau, read-only for the rest of the jurisdiction's side.
pub async fn settings(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<SavedQuery>) -> Response {
    let view = match state.services.supervision.settings_view(&u.principal).await {
        Ok(v) => v,
        Err(e) => return error_page(&u, e.into()),
    };
    let notice = (!q.saved.is_empty()).then(|| "已保存".to_string());
    settings_page(
        &u,
        view.editable,
        SettingsValues::from_settings(&view.settings),
        None,
        notice,
    )
}

fn settings_page(
    u: &CurrentUser,
    editable: bool,
    v: SettingsValues,
    error: Option<ApiError>,
    notice: Option<String>,
) -> Response {
    let readonly_note = if editable {
        String::new()
    } else if u.principal.org_id.is_none() {
        "您的账号不隶属于公安机关，以下为系统默认设置，仅供查看。".to_string()
    } else {
        "仅县级以上公安机关可以修改本局监督设置，以下仅供查看。".to_string()
    };
    let org_name = u.principal.org_name.clone().unwrap_or_default();
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&SettingsPage {
        nav: Nav::new(u),
        auto_prefix: default_prefix(&org_name),
        org_name,
        editable,
        readonly_note,
        v,
        error: error.map(|e| e.message),
        notice,
    });
    with_status(page, status)
}

/// `POST /supervision/settings`: replaces the bureau's settings.
pub async fn save_settings(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let sv = &state.services.supervision;
    // Who may, before the form is read.
    match sv.settings_view(&u.principal).await {
        Ok(view) if view.editable => {}
        Ok(_) => {
            return error_page(
                &u,
                ApiError::msg(ErrorCode::Forbidden, "仅县级以上公安机关可以修改本局监督设置"),
            )
        }
        Err(e) => return error_page(&u, e.into()),
    }
    let values = SettingsValues::from_form(&f);
    let r = async {
        let s = values.to_settings()?;
        sv.save_settings(&u.principal, &s).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match r {
        Ok(()) => Redirect::to("/supervision/settings?saved=1").into_response(),
        Err(e) => settings_page(&u, true, values, Some(e), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Fields {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn settings_round_trip_through_the_form_values() {
        let s = SupervisionSettings::default();
        let v = SettingsValues::from_settings(&s);
        assert_eq!(v.reminder_days, "7,3,1");
        assert_eq!(v.to_settings().unwrap(), s);
    }

    #[test]
    fn the_ladder_follows_the_typed_positions() {
        let mut pairs = vec![
            ("rung_referral", "1"),
            ("pos_referral", "1"),
            ("rung_interview", "1"),
            ("pos_interview", "2"),
            ("pos_circular", "3"),
            ("general_days", "7"),
            ("major_days", "30"),
            ("max_days", "90"),
            ("reminder_days", "5，2"),
        ];
        for (n, _) in THRESHOLD_FIELDS.iter().chain(INTERVAL_FIELDS.iter()) {
            pairs.push((n, "50"));
        }
        let codes: Vec<(String, String)> = EntryKind::ALL
            .iter()
            .flat_map(|k| {
                [
                    (format!("points_{}", k.code()), "5"),
                    (format!("valid_{}", k.code()), "30"),
                ]
            })
            .map(|(a, b)| (a, b.to_string()))
            .collect();
        let mut f = form(&pairs);
        f.extend(codes);
        let s = SettingsValues::from_form(&f).to_settings().unwrap();
        assert_eq!(s.ladder, vec![Rung::Referral, Rung::Interview]);
        assert_eq!(s.reminder_days, vec![5, 2]);
        assert!(s.validate().is_err(), "thresholds all 50");
    }
}

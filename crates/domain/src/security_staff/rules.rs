//! Pure rules of the security staff: the kinds and states as codes and zh-CN labels, a guard's
//! age and eligibility from the citizen ID (Decree 564 Art 16: 年满18周岁), and the state of a
//! training certificate (valid / expiring within 30 days / expired).

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, ErrorCode};

/// Days before a certificate's expiry date the unit is reminded (R58 "[Proposed]").
pub const REMIND_DAYS_BEFORE_EXPIRY: u64 = 30;

/// The minimum age of a guard: 《保安服务管理条例》第十六条 (年满18周岁).
pub const GUARD_MIN_AGE: u32 = 18;

macro_rules! coded {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $code:literal, $zh:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v,)+ }
        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$v,)+];
            /// Stable code (as stored and sent).
            pub fn code(self) -> &'static str { match self { $($name::$v => $code,)+ } }
            /// What a person reads.
            pub fn label_zh(self) -> &'static str { match self { $($name::$v => $zh,)+ } }
            /// The value of a stored or sent code.
            pub fn from_code(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.code() == s)
            }
        }
    };
}

coded!(
    /// What the unit's security body is (Decree 421 Art 6: 设置治安保卫机构或者配备专职、兼职治安保卫人员).
    BodyKind {
        /// 专职保卫机构
        Dedicated = "dedicated", "专职保卫机构";
        /// 指定专兼职人员
        Designated = "designated", "指定专兼职人员";
    }
);

coded!(
    /// How a guard is employed (Decree 564 Art 13/14, R57; R19 for security companies).
    Employment {
        /// 自行招用: the unit hires the guard itself (filed with city police within 30 days, R57).
        OwnHired = "own_hired", "自行招用";
        /// 保安服务公司派驻
        Company = "company", "保安服务公司派驻";
    }
);

coded!(
    /// The result of a guard's background check — the status only, never the criminal history
    /// behind it (Decree 564 Art 17; docs/SECURITY-STAFF.md).
    Vetting {
        /// 未审查
        Pending = "pending", "未审查";
        /// 审查合格
        Passed = "passed", "审查合格";
        /// 不适宜
        Unsuitable = "unsuitable", "不适宜";
    }
);

coded!(
    /// The result of the exam after a training.
    ExamResult {
        /// 未考核
        None = "none", "未考核";
        /// 合格
        Passed = "passed", "合格";
        /// 不合格
        Failed = "failed", "不合格";
    }
);

coded!(
    /// A record about the unit's security staff (Decree 421 Art 19–21, R11 and R14).
    RecordKind {
        /// 表彰奖励 (the unit or a person).
        Commendation = "commendation", "表彰奖励";
        /// 因公负伤
        DutyInjury = "duty_injury", "因公负伤";
        /// 因公牺牲
        DutyDeath = "duty_death", "因公牺牲";
        /// 投诉: a complaint about a security staff member's conduct.
        Complaint = "complaint", "投诉";
    }
);

coded!(
    /// Whether a roster entry is security staff or a guard.
    MemberCategory {
        /// 保卫人员
        Staff = "staff", "保卫人员";
        /// 保安员
        Guard = "guard", "保安员";
    }
);

/// Full years between `birth` and `today`.
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> u32 {
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// Refuses a guard younger than 18 on `today` (400 `guard_underage`, citing 《保安服务管理条例》
/// 第十六条).
pub fn check_guard_age(birth: NaiveDate, today: NaiveDate) -> Result<u32, DomainError> {
    let age = age_on(birth, today);
    if age < GUARD_MIN_AGE {
        return Err(DomainError::with_message(
            ErrorCode::GuardUnderage,
            format!("该人员未满18周岁（现年{age}岁），不得担任保安员（《保安服务管理条例》第十六条：担任保安员应当年满18周岁）"),
        ));
    }
    Ok(age)
}

/// The state of a training certificate on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CertificateState {
    /// 有效: expires more than 30 days after today.
    Valid,
    /// 即将到期: expires within 30 days (today included).
    Expiring,
    /// 已过期: the expiry date is before today.
    Expired,
}

impl CertificateState {
    /// The state of a certificate expiring on `expires_on`, on `today`.
    pub fn of(expires_on: NaiveDate, today: NaiveDate) -> CertificateState {
        if expires_on < today {
            CertificateState::Expired
        } else if expires_on
            <= today
                .checked_add_days(Days::new(REMIND_DAYS_BEFORE_EXPIRY))
                .unwrap_or(NaiveDate::MAX)
        {
            CertificateState::Expiring
        } else {
            CertificateState::Valid
        }
    }
    /// What a person reads.
    pub fn label_zh(self) -> &'static str {
        match self {
            CertificateState::Valid => "有效",
            CertificateState::Expiring => "即将到期",
            CertificateState::Expired => "已过期",
        }
    }
}

/// The day the expiry reminder of a certificate is due: 30 days before it expires.
pub fn reminder_on(expires_on: NaiveDate) -> NaiveDate {
    expires_on
        .checked_sub_days(Days::new(REMIND_DAYS_BEFORE_EXPIRY))
        .unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn age_counts_full_years() {
        assert_eq!(age_on(d("2008-12-08"), d("2026-12-07")), 17);
        assert_eq!(age_on(d("2008-12-07"), d("2026-12-07")), 18);
        assert!(check_guard_age(d("2008-12-08"), d("2026-12-07")).is_err());
        let e = check_guard_age(d("2010-01-01"), d("2026-12-07")).unwrap_err();
        assert_eq!(e.code, ErrorCode::GuardUnderage);
        assert!(e.message.contains("第十六条"));
        assert_eq!(check_guard_age(d("1990-05-01"), d("2026-12-07")).unwrap(), 36);
    }

    #[test]
    fn certificate_states() {
        let today = d("2026-12-07");
        assert_eq!(CertificateState::of(d("2026-12-06"), today), CertificateState::Expired);
        assert_eq!(CertificateState::of(d("2026-12-07"), today), CertificateState::Expiring);
        assert_eq!(CertificateState::of(d("2027-01-06"), today), CertificateState::Expiring);
        assert_eq!(CertificateState::of(d("2027-01-07"), today), CertificateState::Valid);
        assert_eq!(reminder_on(d("2027-01-06")), today);
    }

    #[test]
    fn codes_round_trip() {
        for k in Employment::ALL {
            assert_eq!(Employment::from_code(k.code()), Some(*k));
        }
        assert_eq!(Vetting::Unsuitable.label_zh(), "不适宜");
        assert_eq!(BodyKind::from_code("designated"), Some(BodyKind::Designated));
    }
}

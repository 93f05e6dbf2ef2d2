//! The visitor's identity document, phone, plate and age: validated before anything is stored
//! (docs/VISITORS.md). A citizen identity number is checked by GB 11643 (its check digit, via
//! [`crate::validate::CitizenId`]); passports and the permits of Hong Kong, Macau and Taiwan
//! residents by their printed formats. A visitor under 18 on the day of the visit is a minor
//! (PIPL Art 28, 31: a guardian's name and consent are required).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, ErrorCode};
use crate::validate::CitizenId;

/// The kind of identity document a visitor shows (证件类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = visitors::IdType)]
pub enum IdType {
    /// 居民身份证 (GB 11643, 18 characters with its check character; also the residence
    /// permits of Hong Kong, Macau and Taiwan residents, which use the same layout).
    CitizenId,
    /// 护照 (5–17 letters and digits, at least one digit).
    Passport,
    /// 港澳居民来往内地通行证 (H or M and 8 digits; older cards 10 digits).
    HkMacauPermit,
    /// 台湾居民来往大陆通行证 (8 digits; older cards 10 digits).
    TaiwanPermit,
}

impl IdType {
    pub const ALL: [IdType; 4] = [
        IdType::CitizenId,
        IdType::Passport,
        IdType::HkMacauPermit,
        IdType::TaiwanPermit,
    ];

    pub fn code(self) -> &'static str {
        match self {
            IdType::CitizenId => "citizen_id",
            IdType::Passport => "passport",
            IdType::HkMacauPermit => "hk_macau_permit",
            IdType::TaiwanPermit => "taiwan_permit",
        }
    }

    pub fn from_code(s: &str) -> Option<IdType> {
        IdType::ALL.into_iter().find(|t| t.code() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            IdType::CitizenId => "居民身份证",
            IdType::Passport => "护照",
            IdType::HkMacauPermit => "港澳居民来往内地通行证",
            IdType::TaiwanPermit => "台湾居民来往大陆通行证",
        }
    }
}

/// A checked identity document: the normalized number (upper case, no spaces) and the birth date
/// it encodes (citizen identity numbers only).
#[derive(Clone, PartialEq, Eq)]
pub struct IdDocument {
    pub kind: IdType,
    number: String,
    pub birth_date: Option<NaiveDate>,
}

impl std::fmt::Debug for IdDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdDocument({}, {})", self.kind.code(), self.masked())
    }
}

impl IdDocument {
    /// Checks `input` as a document of `kind` on `today`. Errors (400, zh-CN):
    /// `invalid_citizen_id` for a citizen identity number, `validation_failed` otherwise.
    pub fn parse(kind: IdType, input: &str, today: NaiveDate) -> Result<IdDocument, DomainError> {
        let s: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let bad = |m: &str| DomainError::with_message(ErrorCode::ValidationFailed, m.to_string());
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        match kind {
            IdType::CitizenId => {
                let id = CitizenId::parse(&s, today)?;
                let birth = id.birth_date();
                Ok(IdDocument {
                    kind,
                    number: id.into_sensitive().expose().to_string(),
                    birth_date: Some(birth),
                })
            }
            IdType::Passport => {
                let ok = (5..=17).contains(&s.len())
                    && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                    && s.bytes().any(|b| b.is_ascii_digit());
                if !ok {
                    return Err(bad("护照号码无效：应为 5–17 位字母和数字"));
                }
                Ok(IdDocument {
                    kind,
                    number: s,
                    birth_date: None,
                })
            }
            IdType::HkMacauPermit => {
                let ok =
                    matches!(s.as_bytes().first(), Some(b'H' | b'M')) && digits(&s[1..]) && matches!(s.len(), 9 | 11);
                if !ok {
                    return Err(bad(
                        "港澳居民来往内地通行证号码无效：应为 H 或 M 加 8 位（旧证 10 位）数字",
                    ));
                }
                Ok(IdDocument {
                    kind,
                    number: s,
                    birth_date: None,
                })
            }
            IdType::TaiwanPermit => {
                if !(digits(&s) && matches!(s.len(), 8 | 10)) {
                    return Err(bad("台湾居民来往大陆通行证号码无效：应为 8 位（旧证 10 位）数字"));
                }
                Ok(IdDocument {
                    kind,
                    number: s,
                    birth_date: None,
                })
            }
        }
    }

    /// The normalized number. Call sites: encryption and the blind index in the store.
    pub fn expose(&self) -> &str {
        &self.number
    }

    /// Masked form: the first 6 and last 4 characters of a citizen identity number, the first 2
    /// and last 2 of the shorter documents.
    pub fn masked(&self) -> String {
        mask_id(self.kind, &self.number)
    }
}

/// Masks a document number of `kind` for display.
pub fn mask_id(kind: IdType, number: &str) -> String {
    match kind {
        IdType::CitizenId => crate::sensitive::mask(number, 6, 4),
        _ => crate::sensitive::mask(number, 2, 2),
    }
}

/// Whole years of age on `on` of someone born on `birth`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// Under 18 on `on` (未成年人, PIPL Art 28, 31).
pub fn is_minor(birth: NaiveDate, on: NaiveDate) -> bool {
    age_on(birth, on) < 18
}

/// Checks a vehicle plate (车牌号): a province abbreviation, a letter, then 5 (ordinary) or 6
/// (new-energy) letters and digits, optionally ending in 挂/学/警/港/澳/领/使; spaces and `·` dropped.
/// Errors: `validation_failed` (400).
pub fn check_plate(input: &str) -> Result<String, DomainError> {
    const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领";
    let s: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '·' && *c != '-')
        .collect::<String>()
        .to_uppercase();
    let chars: Vec<char> = s.chars().collect();
    let bad = || DomainError::with_message(ErrorCode::ValidationFailed, "车牌号格式不正确（例如 浙A12345）");
    if !(7..=8).contains(&chars.len()) || !PROVINCES.contains(chars[0]) || !chars[1].is_ascii_uppercase() {
        return Err(bad());
    }
    let last = chars.len() - 1;
    for (i, c) in chars.iter().enumerate().skip(2) {
        let ok = c.is_ascii_uppercase() || c.is_ascii_digit() || (i == last && "挂学警港澳领使".contains(*c));
        if !ok {
            return Err(bad());
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
    }

    #[test]
    fn documents_are_checked_by_kind() {
        let id = IdDocument::parse(IdType::CitizenId, "11010519491231002x", today()).unwrap();
        assert_eq!(id.expose(), "11010519491231002X");
        assert_eq!(id.masked(), "110105********002X");
        assert_eq!(id.birth_date, NaiveDate::from_ymd_opt(1949, 12, 31));
        let e = IdDocument::parse(IdType::CitizenId, "110105194912310021", today()).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidCitizenId);
        assert!(IdDocument::parse(IdType::Passport, "E12345678", today()).is_ok());
        assert!(IdDocument::parse(IdType::Passport, "ABCDE", today()).is_err());
        assert!(IdDocument::parse(IdType::HkMacauPermit, "h12345678", today()).is_ok());
        assert!(IdDocument::parse(IdType::HkMacauPermit, "C12345678", today()).is_err());
        assert!(IdDocument::parse(IdType::TaiwanPermit, "12345678", today()).is_ok());
        assert!(IdDocument::parse(IdType::TaiwanPermit, "1234567", today()).is_err());
        assert!(!format!("{id:?}").contains("19491231"));
    }

    #[test]
    fn minors_are_under_eighteen_on_the_day() {
        let b = NaiveDate::from_ymd_opt(2008, 12, 8).unwrap();
        assert!(is_minor(b, today()));
        assert!(!is_minor(b, NaiveDate::from_ymd_opt(2026, 12, 8).unwrap()));
    }

    #[test]
    fn plates() {
        assert_eq!(check_plate("浙A·12345").unwrap(), "浙A12345");
        assert_eq!(check_plate("浙ad12345").unwrap(), "浙AD12345");
        assert!(check_plate("A12345").is_err());
        assert!(check_plate("浙A1234").is_err());
    }
}

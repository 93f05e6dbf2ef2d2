//! Validators for the identifiers the registry holds. Parse, don't validate: a value of one of
//! these types exists only if it passed its check.
//!
//! Sources: docs/REQUIREMENTS.md §c.1 (GB 11643-1999 citizen identity number), §c.2 (GB 32100-2015
//! unified social credit code), §c.3 (GB/T 2260 division code).

use crate::error::{DomainError, ErrorCode};
use crate::sensitive::{Sensitive, SensitiveKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The 31-symbol alphabet of GB 32100 (value = index). Excludes I, O, S, V, Z.
pub const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Province-level prefixes of GB/T 2260 (docs/REQUIREMENTS.md §c.3), plus 83 for Taiwan residence
/// permits.
const PROVINCE_PREFIXES: [&str; 35] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44",
    "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83",
];

/// Unified social credit code (统一社会信用代码), GB 32100-2015, 18 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Uscc(String);

impl Uscc {
    /// Parses and checks a USCC: length, alphabet, positions 3–8 digits with a valid province
    /// prefix, and the position-18 check character (`C18 = alphabet[(31 − Σ v_i·W_i mod 31) mod 31]`,
    /// W_i = 3^(i−1) mod 31). Lower case is upper-cased and surrounding spaces trimmed.
    ///
    /// Errors: [`ErrorCode::InvalidUscc`] with a message saying which check failed.
    pub fn parse(input: &str) -> Result<Uscc, DomainError> {
        let s = input.trim().to_ascii_uppercase();
        let err = |m: &str| DomainError::with_message(ErrorCode::InvalidUscc, format!("统一社会信用代码无效：{m}"));
        if s.chars().count() != 18 {
            return Err(err("长度应为18位"));
        }
        let mut values = Vec::with_capacity(18);
        for c in s.chars() {
            match USCC_ALPHABET.find(c) {
                Some(v) => values.push(v as u32),
                None => return Err(err("含有不允许的字符（不使用I、O、S、V、Z）")),
            }
        }
        if !s[2..8].bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("第3至8位应为行政区划代码"));
        }
        // 100000 is the registrar code of central (national-level) authorities.
        if s[2..8] != *"100000" && !PROVINCE_PREFIXES.contains(&&s[2..4]) {
            return Err(err("第3至8位不是有效的行政区划代码"));
        }
        let expected = uscc_check_char(&s[..17]).ok_or_else(|| err("含有不允许的字符"))?;
        if s.chars().nth(17) != Some(expected) {
            return Err(err("校验码不正确"));
        }
        Ok(Uscc(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Check character for the first 17 characters of a USCC; `None` if a character is outside
/// the alphabet or the length is not 17. Used by the validator and by the demo data generator.
pub fn uscc_check_char(body17: &str) -> Option<char> {
    if body17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in body17.chars().zip(USCC_WEIGHTS) {
        sum += USCC_ALPHABET.find(c)? as u32 * w;
    }
    USCC_ALPHABET.chars().nth(((31 - sum % 31) % 31) as usize)
}

impl TryFrom<String> for Uscc {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Uscc::parse(&s)
    }
}
impl From<Uscc> for String {
    fn from(u: Uscc) -> String {
        u.0
    }
}

/// Citizen identity number (公民身份号码), GB 11643-1999, 18 characters. Sensitive personal
/// information: it converts only into [`Sensitive`], never into a plain string.
#[derive(Clone, PartialEq, Eq)]
pub struct CitizenId(String);

impl std::fmt::Debug for CitizenId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CitizenId({})", crate::sensitive::mask(&self.0, 6, 4))
    }
}

impl CitizenId {
    /// Parses an 18-character number: format `^[1-9]\d{5}(18|19|20)\d{2}MMDD\d{3}[0-9X]$`, a
    /// real birth date not after `today`, a structurally valid province prefix, and the
    /// ISO 7064 MOD 11-2 check character (weights `2^(17−i) mod 11`). A trailing `x` is
    /// upper-cased. Residence permits (810000/820000/830000) use the same layout and pass.
    ///
    /// Errors: [`ErrorCode::InvalidCitizenId`].
    pub fn parse(input: &str, today: NaiveDate) -> Result<CitizenId, DomainError> {
        let s = input.trim().to_ascii_uppercase();
        let err = |m: &str| DomainError::with_message(ErrorCode::InvalidCitizenId, format!("公民身份号码无效：{m}"));
        let b = s.as_bytes();
        if b.len() != 18 {
            return Err(err("长度应为18位"));
        }
        if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
            return Err(err("格式不正确"));
        }
        if b[0] == b'0' || !PROVINCE_PREFIXES.contains(&&s[0..2]) {
            return Err(err("地址码不正确"));
        }
        if !matches!(&s[6..8], "18" | "19" | "20") {
            return Err(err("出生年份不正确"));
        }
        let birth = NaiveDate::parse_from_str(&s[6..14], "%Y%m%d").map_err(|_| err("出生日期不存在"))?;
        if birth > today {
            return Err(err("出生日期晚于今天"));
        }
        let sum: u32 = b[..17].iter().zip(ID_WEIGHTS).map(|(d, w)| (d - b'0') as u32 * w).sum();
        if ID_CHECK[(sum % 11) as usize] != b[17] as char {
            return Err(err("校验码不正确"));
        }
        Ok(CitizenId(s))
    }

    /// Birth date encoded in positions 7–14.
    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").expect("checked at parse")
    }

    /// Position 17 odd = male.
    pub fn is_male(&self) -> bool {
        (self.0.as_bytes()[16] - b'0') % 2 == 1
    }

    /// Moves the number into the masked carrier type.
    pub fn into_sensitive(self) -> Sensitive {
        Sensitive::new(SensitiveKind::CitizenId, self.0)
    }
}

/// Check character for the first 17 digits of a citizen identity number (demo data and tests).
pub fn citizen_id_check_char(body17: &str) -> Option<char> {
    let b = body17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b.iter().zip(ID_WEIGHTS).map(|(d, w)| (d - b'0') as u32 * w).sum();
    Some(ID_CHECK[(sum % 11) as usize])
}

/// A mainland-China phone number: mobile `1[3-9]` + 9 digits, or a landline `0` + area code
/// (2–3 digits) + 7–8 digits with an optional `-` and extension `-NNNN`. `+86` / `86` prefixes and
/// spaces are stripped. Sensitive: converts only into [`Sensitive`].
#[derive(Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl std::fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PhoneNumber({})", crate::sensitive::mask(&self.0, 3, 4))
    }
}

impl PhoneNumber {
    /// Errors: [`ErrorCode::InvalidPhone`].
    pub fn parse(input: &str) -> Result<PhoneNumber, DomainError> {
        let mut s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if let Some(rest) = s.strip_prefix("+86") {
            s = rest.to_string();
        } else if s.len() == 13 && s.starts_with("86") {
            s = s[2..].to_string();
        }
        let b = s.as_bytes();
        let mobile = b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit);
        let landline = {
            let parts: Vec<&str> = s.split('-').collect();
            let digits = |p: &str| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit());
            match parts.as_slice() {
                [whole] => digits(whole) && whole.starts_with('0') && (10..=12).contains(&whole.len()),
                [area, num] | [area, num, _] => {
                    digits(area)
                        && area.starts_with('0')
                        && (3..=4).contains(&area.len())
                        && digits(num)
                        && (7..=8).contains(&num.len())
                        && parts.get(2).is_none_or(|e| digits(e) && e.len() <= 6)
                }
                _ => false,
            }
        };
        if mobile || landline {
            Ok(PhoneNumber(s))
        } else {
            Err(DomainError::new(ErrorCode::InvalidPhone))
        }
    }

    pub fn into_sensitive(self) -> Sensitive {
        Sensitive::new(SensitiveKind::Phone, self.0)
    }
}

/// Level of a GB/T 2260 (+ township extension) division code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DivisionLevel {
    Province,
    City,
    County,
    Township,
}

/// Administrative division code: 6 digits (GB/T 2260) or 9 digits (township/street, the
/// statistical extension used by the civil-affairs tables). Structural check only: the province
/// prefix must be one of §c.3; referential checks use the shipped division table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(try_from = "String", into = "String")]
pub struct DivisionCode(String);

impl DivisionCode {
    /// Errors: [`ErrorCode::InvalidDivisionCode`].
    pub fn parse(input: &str) -> Result<DivisionCode, DomainError> {
        let s = input.trim();
        if !(s.len() == 6 || s.len() == 9)
            || !s.bytes().all(|b| b.is_ascii_digit())
            || !PROVINCE_PREFIXES.contains(&&s[..2])
        {
            return Err(DomainError::new(ErrorCode::InvalidDivisionCode));
        }
        Ok(DivisionCode(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> DivisionLevel {
        let s = &self.0;
        if s.len() == 9 {
            DivisionLevel::Township
        } else if &s[2..] == "0000" {
            DivisionLevel::Province
        } else if &s[4..] == "00" {
            DivisionLevel::City
        } else {
            DivisionLevel::County
        }
    }

    /// The prefix that every code inside this division starts with: `33` for Zhejiang, `3301`
    /// for Hangzhou, `330106` for Xihu district, the full code for a township
    /// (docs/REQUIREMENTS.md §c.3, "jurisdiction matching: prefix comparison").
    pub fn scope_prefix(&self) -> &str {
        match self.level() {
            DivisionLevel::Province => &self.0[..2],
            DivisionLevel::City => &self.0[..4],
            DivisionLevel::County => &self.0[..6],
            DivisionLevel::Township => &self.0,
        }
    }

    /// The 6-digit city code (`330100`) this code lies in.
    pub fn city_code(&self) -> String {
        format!("{}00", &self.0[..4])
    }
}

impl TryFrom<String> for DivisionCode {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        DivisionCode::parse(&s)
    }
}
impl From<DivisionCode> for String {
    fn from(d: DivisionCode) -> String {
        d.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    #[test]
    fn citizen_id_vectors_from_requirements_c1() {
        for v in [
            "11010519491231002X",
            "440308199901101512",
            "34052419800101001X",
            "810000199408230021",
            "830000199201300022",
        ] {
            CitizenId::parse(v, today()).unwrap_or_else(|e| panic!("{v}: {e}"));
        }
        assert!(
            CitizenId::parse("11010519491231002x", today()).is_ok(),
            "lower-case x accepted"
        );
    }

    #[test]
    fn citizen_id_rejections() {
        let bad = [
            "110105194912310021", // wrong check
            "11010519491231002",  // short
            "110105194902300024", // Feb 30
            "010105194912310021", // leading 0
            "990105194912310021", // unknown province
            "110105210012310020", // year 21xx
            "11010519491231002Y", // bad char
        ];
        for v in bad {
            let e = CitizenId::parse(v, today()).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidCitizenId, "{v}");
        }
        // Future birth date with a correct check character.
        let body = "11010520301231002";
        let full = format!("{body}{}", citizen_id_check_char(body).unwrap());
        assert!(CitizenId::parse(&full, today()).is_err());
    }

    #[test]
    fn citizen_id_derived_fields() {
        let id = CitizenId::parse("440308199901101512", today()).unwrap();
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1999, 1, 10).unwrap());
        assert!(id.is_male());
        assert!(!format!("{id:?}").contains("19990110"));
    }

    #[test]
    fn uscc_vectors_from_requirements_c2() {
        for v in ["91350100M000100Y43", "91110000802100433B", "12100000400000624D"] {
            Uscc::parse(v).unwrap_or_else(|e| panic!("{v}: {e}"));
        }
        assert!(Uscc::parse(" 91110000802100433b ").is_ok());
    }

    #[test]
    fn uscc_rejections() {
        for v in [
            "91110000802100433C",
            "9111000080210043",
            "91110000802100433I",
            "9111AB00802100433B",
            "91990000802100433B",
        ] {
            assert_eq!(Uscc::parse(v).unwrap_err().code, ErrorCode::InvalidUscc, "{v}");
        }
    }

    #[test]
    fn phone_numbers() {
        for ok in [
            "13812345678",
            "+86 138 1234 5678",
            "0571-87654321",
            "057187654321",
            "010-12345678-8001",
        ] {
            assert!(PhoneNumber::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["12812345678", "1381234567", "abc", "", "571-87654321"] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn division_codes() {
        let d = DivisionCode::parse("330106").unwrap();
        assert_eq!(d.level(), DivisionLevel::County);
        assert_eq!(d.scope_prefix(), "330106");
        assert_eq!(DivisionCode::parse("330100").unwrap().scope_prefix(), "3301");
        assert_eq!(DivisionCode::parse("330000").unwrap().scope_prefix(), "33");
        assert_eq!(
            DivisionCode::parse("330106001").unwrap().level(),
            DivisionLevel::Township
        );
        for bad in ["33010", "990100", "33a106", ""] {
            assert!(DivisionCode::parse(bad).is_err());
        }
    }

    proptest! {
        #[test]
        fn generated_uscc_always_validates(body in "[0-9A-HJ-NPQRTUWXY]{2}33[0-9]{4}[0-9A-HJ-NPQRTUWXY]{9}") {
            let full = format!("{body}{}", uscc_check_char(&body).unwrap());
            prop_assert!(Uscc::parse(&full).is_ok());
        }

        #[test]
        fn validators_never_panic(s in "\\PC{0,24}") {
            let _ = Uscc::parse(&s);
            let _ = CitizenId::parse(&s, today());
            let _ = PhoneNumber::parse(&s);
            let _ = DivisionCode::parse(&s);
        }
    }
}

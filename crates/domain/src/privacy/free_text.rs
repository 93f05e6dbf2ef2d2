//! Personal data in free text: citizen ID numbers, mainland mobile numbers and vehicle plates
//! that devices send in their text fields or people type into comments and descriptions.
//! Security-sensitive.
//!
//! [`find_personal_data`] finds them; [`FreeText`] is a text with them masked (what is stored in
//! the column and shown everywhere) and, when something was found, the plaintext the store
//! encrypts into the column's `<column>_sealed` side column. [`FREE_TEXT_FIELDS`] lists every
//! free-text column that goes through this one mechanism; the store seals and re-encrypts by it,
//! the reveal reads by it and `tests/it/free_text.rs` writes every entry over HTTP.
//! Source: docs/REQUIREMENTS.md R53 (purpose-logged retrieval), docs/SECURITY.md.

use std::ops::Range;

use crate::sensitive::mask;
use crate::validate::citizen_id_check_char;

/// What kind of personal datum a [`Span`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonalKind {
    /// Citizen identity number: 18 characters with a valid GB 11643 check character, or the
    /// 15-digit first-generation form with a plausible birth date.
    CitizenId,
    /// Mainland mobile number `1[3-9]x` + 8 digits, optionally after `+86`/`0086`/`86` and with
    /// spaces or dashes between the 3-4-4 groups.
    Mobile,
    /// Vehicle plate: province abbreviation, a letter, optional `·`/space/dash, then 5 (ordinary)
    /// or 6 (new-energy) letters and digits with at least one digit, or 4 and a `挂学警港澳领`
    /// suffix.
    Plate,
}

/// One personal datum found in a text: its kind and its byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub kind: PersonalKind,
    pub range: Range<usize>,
}

const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领";
const PLATE_SUFFIX: &str = "挂学警港澳领";

/// Finds every citizen ID number, mobile number and plate in `text`, left to right, not
/// overlapping. A number counts only when it does not run on into further digits or letters
/// (so an 18-digit order number with a wrong check digit, or a 12-digit count, is not a match).
pub fn find_personal_data(text: &str) -> Vec<Span> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map_or(text.len(), |c| c.0);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let prev_alnum = i > 0 && chars[i - 1].1.is_ascii_alphanumeric();
        let found = if prev_alnum {
            None
        } else {
            citizen_id_at(&chars, i)
                .map(|n| (PersonalKind::CitizenId, n))
                .or_else(|| mobile_at(&chars, i).map(|n| (PersonalKind::Mobile, n)))
                .or_else(|| plate_at(&chars, i).map(|n| (PersonalKind::Plate, n)))
        };
        match found {
            Some((kind, n)) => {
                out.push(Span {
                    kind,
                    range: chars[i].0..end_of(i + n),
                });
                i += n;
            }
            None => i += 1,
        }
    }
    out
}

fn digit(chars: &[(usize, char)], i: usize) -> bool {
    chars.get(i).is_some_and(|c| c.1.is_ascii_digit())
}

fn ends_clean(chars: &[(usize, char)], i: usize) -> bool {
    !chars.get(i).is_some_and(|c| c.1.is_ascii_alphanumeric())
}

fn citizen_id_at(chars: &[(usize, char)], i: usize) -> Option<usize> {
    if (i..i + 17).all(|k| digit(chars, k)) {
        let body: String = chars[i..i + 17].iter().map(|c| c.1).collect();
        let last = chars.get(i + 17).map(|c| c.1.to_ascii_uppercase());
        if last.is_some() && last == citizen_id_check_char(&body) && ends_clean(chars, i + 18) {
            return Some(18);
        }
    }
    if (i..i + 15).all(|k| digit(chars, k)) && ends_clean(chars, i + 15) {
        let d: Vec<u32> = chars[i..i + 15].iter().map(|c| c.1 as u32 - '0' as u32).collect();
        let (month, day) = (d[8] * 10 + d[9], d[10] * 10 + d[11]);
        if chars[i].1 != '0' && (1..=12).contains(&month) && (1..=31).contains(&day) {
            return Some(15);
        }
    }
    None
}

fn mobile_at(chars: &[(usize, char)], i: usize) -> Option<usize> {
    let sep = |k: usize| chars.get(k).is_some_and(|c| c.1 == ' ' || c.1 == '-');
    let mut k = i;
    // Country prefix: +86, 0086 or 86, then an optional separator.
    for p in ["+86", "0086", "86"] {
        let n = p.chars().count();
        if chars.len() >= k + n && chars[k..k + n].iter().map(|c| c.1).eq(p.chars()) {
            let mut after = k + n;
            if sep(after) {
                after += 1;
            }
            if chars.get(after).is_some_and(|c| c.1 == '1') && mobile_body(chars, after).is_some() {
                k = after;
            }
            break;
        }
    }
    mobile_body(chars, k).map(|n| k + n - i)
}

/// `1[3-9]` + 9 digits, groups 3-4-4 optionally separated by one space or dash.
fn mobile_body(chars: &[(usize, char)], start: usize) -> Option<usize> {
    let c = |k: usize| chars.get(k).map(|c| c.1);
    if c(start) != Some('1') || !c(start + 1).is_some_and(|d| ('3'..='9').contains(&d)) {
        return None;
    }
    let mut k = start;
    let mut digits = 0;
    while digits < 11 {
        if digit(chars, k) {
            digits += 1;
            k += 1;
        } else if (digits == 3 || digits == 7) && matches!(c(k), Some(' ' | '-')) && digit(chars, k + 1) {
            k += 1;
        } else {
            return None;
        }
    }
    ends_clean(chars, k).then_some(k - start)
}

fn plate_at(chars: &[(usize, char)], i: usize) -> Option<usize> {
    let c = |k: usize| chars.get(k).map(|c| c.1);
    if !c(i).is_some_and(|p| PROVINCES.contains(p)) || !c(i + 1).is_some_and(|l| l.is_ascii_uppercase()) {
        return None;
    }
    let mut k = i + 2;
    if matches!(c(k), Some('·' | '•' | ' ' | '-')) {
        k += 1;
    }
    let start = k;
    while c(k).is_some_and(|x| x.is_ascii_digit() || x.is_ascii_uppercase()) && k - start < 6 {
        k += 1;
    }
    let body = k - start;
    let has_digit = chars[start..k].iter().any(|x| x.1.is_ascii_digit());
    if body == 4 && c(k).is_some_and(|s| PLATE_SUFFIX.contains(s)) && has_digit {
        return Some(k + 1 - i);
    }
    ((body == 5 || body == 6) && has_digit && ends_clean(chars, k)).then_some(k - i)
}

/// The masked form of one datum: an ID number keeps its first 6 and last 4 characters, a mobile
/// number its prefix and first 3 and last 4 digits (`+86 138****5678`), a plate its first 2 and
/// last 2 characters (`浙A***45`).
pub fn mask_span(kind: PersonalKind, s: &str) -> String {
    match kind {
        PersonalKind::CitizenId => mask(s, 6, 4),
        PersonalKind::Mobile => {
            let digits: String = s.chars().filter(char::is_ascii_digit).collect();
            let national = &digits[digits.len() - 11..];
            let prefix = if digits.len() > 11 { "+86 " } else { "" };
            format!("{prefix}{}", mask(national, 3, 4))
        }
        PersonalKind::Plate => {
            let compact: String = s.chars().filter(|c| !matches!(c, '·' | '•' | ' ' | '-')).collect();
            mask(&compact, 2, 2)
        }
    }
}

/// `text` with every datum [`find_personal_data`] finds replaced by its masked form.
pub fn mask_personal_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for s in find_personal_data(text) {
        out.push_str(&text[at..s.range.start]);
        out.push_str(&mask_span(s.kind, &text[s.range.clone()]));
        at = s.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// A free text as it is stored and shown: personal data masked, and the plaintext (only when
/// something was masked) for the store to encrypt into the `<column>_sealed` side column.
/// `Debug` prints the masked form only.
#[derive(Clone, PartialEq, Eq)]
pub struct FreeText {
    shown: String,
    plain: Option<String>,
}

impl FreeText {
    /// Masks `text`; keeps the plaintext when it differs from the masked form.
    pub fn new(text: &str) -> FreeText {
        let shown = mask_personal_data(text);
        let plain = (shown != text).then(|| text.to_string());
        FreeText { shown, plain }
    }

    /// The masked text: what the column holds and every page, answer and export shows.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The plaintext, when something was masked. Call sites: encryption in the store only.
    pub fn sealed_plaintext(&self) -> Option<&str> {
        self.plain.as_deref()
    }
}

impl std::fmt::Debug for FreeText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FreeText({:?})", self.shown)
    }
}

/// Masks the personal data in every string of a JSON value (a structured free text, e.g. an
/// inspection record with its notes) in place; whether anything was masked.
pub fn mask_json(v: &mut serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => {
            let t = FreeText::new(s);
            let masked = t.sealed_plaintext().is_some();
            if masked {
                *s = t.shown().to_string();
            }
            masked
        }
        serde_json::Value::Array(a) => a.iter_mut().fold(false, |any, x| mask_json(x) | any),
        serde_json::Value::Object(m) => m.values_mut().fold(false, |any, x| mask_json(x) | any),
        _ => false,
    }
}

/// Puts back the plaintext of strings a client sent back masked: every string of `new` that is
/// the masked form of the string at the same place in `old` (the sealed plaintext of the value
/// being replaced) becomes that plaintext, so that saving a form filled from the masked column
/// keeps what was sealed instead of the mask.
pub fn restore_masked(new: &mut serde_json::Value, old: &serde_json::Value) {
    use serde_json::Value;
    match (new, old) {
        (Value::String(n), Value::String(o)) if n != o && FreeText::new(o).shown() == n.as_str() => {
            *n = o.clone();
        }
        (Value::Array(a), Value::Array(b)) => a.iter_mut().zip(b).for_each(|(n, o)| restore_masked(n, o)),
        (Value::Object(m), Value::Object(o)) => {
            for (k, n) in m.iter_mut() {
                if let Some(o) = o.get(k) {
                    restore_masked(n, o);
                }
            }
        }
        _ => {}
    }
}

/// A copy of `v` with the personal data in every string it holds masked ([`mask_json`]), as the
/// stored column keeps it: what a document composed from it may show. A value whose masked
/// form no longer reads back (none known: masking keeps a string a string) is returned as
/// `fallback`.
pub fn masked_copy<T>(v: &T, fallback: T) -> T
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let Ok(mut j) = serde_json::to_value(v) else {
        return fallback;
    };
    mask_json(&mut j);
    serde_json::from_value(j).unwrap_or(fallback)
}

/// How the free-text test writes a field (it names a writer per value; a new value without a
/// writer fails the test, so a new field cannot go untested).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrittenBy {
    /// A device payload through `/ingest/json/{token}` (the generic JSON format), the JSON key named.
    Device(&'static str),
    /// A request of a signed-in user, named by the test's writer (`"alert.acknowledge"` …).
    User(&'static str),
}

/// One free-text column that may carry personal data: stored masked, with the plaintext
/// encrypted in `<column>_sealed` (AES-256-GCM, associated data `"<table>.<column>"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreeTextField {
    /// The capability that writes it.
    pub capability: &'static str,
    /// The table, which is also the object kind of the reveal (`/api/v1/reveal/{table}/{id}`).
    pub table: &'static str,
    pub column: &'static str,
    /// The zh-CN name of the field, as the reveal page shows it.
    pub label: &'static str,
    /// A JSON column (a structured free text: every string in it is masked, the whole JSON
    /// sealed), not a plain text.
    pub json: bool,
    pub written_by: WrittenBy,
}

impl FreeTextField {
    /// The side column with the encrypted plaintext.
    pub fn sealed_column(&self) -> String {
        format!("{}_sealed", self.column)
    }

    /// The associated data of its ciphertexts.
    pub fn aad(&self) -> String {
        format!("{}.{}", self.table, self.column)
    }
}

/// Every free-text column that goes through [`FreeText`]. Add a row with each new free-text
/// field (and a migration adding its `_sealed` column); `tests/it/free_text.rs` writes each row
/// over HTTP and checks the API, the page, the database and the reveal.
pub const FREE_TEXT_FIELDS: &[FreeTextField] = &[
    FreeTextField {
        capability: "events",
        table: "events",
        column: "vendor_type",
        label: "设备事件类型",
        json: false,
        written_by: WrittenBy::Device("vendor_type"),
    },
    FreeTextField {
        capability: "events",
        table: "events",
        column: "region",
        label: "区域",
        json: false,
        written_by: WrittenBy::Device("region"),
    },
    FreeTextField {
        capability: "events",
        table: "events",
        column: "target",
        label: "目标",
        json: false,
        written_by: WrittenBy::Device("target"),
    },
    FreeTextField {
        capability: "events",
        table: "events",
        column: "description",
        label: "事件描述",
        json: false,
        written_by: WrittenBy::Device("description"),
    },
    FreeTextField {
        capability: "alerts",
        table: "alerts",
        column: "acknowledge_comment",
        label: "确认意见",
        json: false,
        written_by: WrittenBy::User("alert.acknowledge"),
    },
    FreeTextField {
        capability: "alerts",
        table: "alerts",
        column: "resolve_comment",
        label: "处置意见",
        json: false,
        written_by: WrittenBy::User("alert.resolve"),
    },
    FreeTextField {
        capability: "supervision",
        table: "hazards",
        column: "title",
        label: "隐患标题",
        json: false,
        written_by: WrittenBy::User("hazard.report"),
    },
    FreeTextField {
        capability: "supervision",
        table: "hazards",
        column: "description",
        label: "隐患描述",
        json: false,
        written_by: WrittenBy::User("hazard.report"),
    },
    FreeTextField {
        capability: "supervision",
        table: "hazard_steps",
        column: "reason",
        label: "处理理由",
        json: false,
        written_by: WrittenBy::User("hazard.act"),
    },
    FreeTextField {
        capability: "supervision",
        table: "inspections",
        column: "record",
        label: "检查笔录",
        json: true,
        written_by: WrittenBy::User("inspection.submit"),
    },
    FreeTextField {
        capability: "supervision",
        table: "inspections",
        column: "results",
        label: "检查结果",
        json: true,
        written_by: WrittenBy::User("inspection.submit"),
    },
    FreeTextField {
        capability: "early_warning",
        table: "suppression_windows",
        column: "note",
        label: "屏蔽说明",
        json: false,
        written_by: WrittenBy::User("suppression.create"),
    },
    FreeTextField {
        capability: "privacy",
        table: "legal_holds",
        column: "reason",
        label: "保全理由",
        json: false,
        written_by: WrittenBy::User("legal_hold.create"),
    },
    FreeTextField {
        capability: "registry",
        table: "key_areas",
        column: "description",
        label: "重点部位说明",
        json: false,
        written_by: WrittenBy::User("key_area.create"),
    },
    FreeTextField {
        capability: "registry",
        table: "units",
        column: "address",
        label: "单位地址",
        json: false,
        written_by: WrittenBy::User("unit.update"),
    },
    FreeTextField {
        capability: "supervision",
        table: "campaigns",
        column: "title",
        label: "检查行动名称",
        json: false,
        written_by: WrittenBy::User("campaign.launch"),
    },
    FreeTextField {
        capability: "supervision",
        table: "campaigns",
        column: "description",
        label: "检查行动说明",
        json: false,
        written_by: WrittenBy::User("campaign.launch"),
    },
    FreeTextField {
        capability: "attachments",
        table: "attachments",
        column: "name",
        label: "文件名",
        json: false,
        written_by: WrittenBy::User("attachment.upload"),
    },
    FreeTextField {
        capability: "documents",
        table: "document_actions",
        column: "text",
        label: "主管部门处理情况",
        json: false,
        written_by: WrittenBy::User("document.action"),
    },
];

/// The rows of [`FREE_TEXT_FIELDS`] of one table.
pub fn free_text_fields_of(table: &str) -> impl Iterator<Item = &'static FreeTextField> + '_ {
    FREE_TEXT_FIELDS.iter().filter(move |f| f.table == table)
}

/// The plaintext of an object's sealed free texts, for a purpose-logged reveal: only the fields
/// in which something was masked, by column name.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RevealedText {
    /// The object kind (its table: `events`, `alerts`, `hazards`).
    pub object: String,
    pub id: String,
    /// The unit the object belongs to; none for an object of a bureau (a campaign).
    pub unit_id: Option<String>,
    /// Column → plaintext, e.g. `{"description": "联系13812345678"}`.
    pub fields: std::collections::BTreeMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(t: &str) -> Vec<(PersonalKind, &str)> {
        find_personal_data(t)
            .into_iter()
            .map(|s| (s.kind, &t[s.range]))
            .collect()
    }

    #[test]
    fn restores_what_came_back_masked() {
        let old = serde_json::json!({"notes": "电话13812345678", "n": [{"note": "浙A12345"}]});
        let mut new = old.clone();
        mask_json(&mut new);
        new["place"] = serde_json::json!("主楼");
        new["n"][0]["note"] = serde_json::json!("改了");
        restore_masked(&mut new, &old);
        assert_eq!(new["notes"], "电话13812345678");
        assert_eq!(new["n"][0]["note"], "改了");
    }

    #[test]
    fn finds_ids_mobiles_and_plates() {
        use PersonalKind::*;
        assert_eq!(
            kinds("身份证11010519491231002x，电话+86 138-1234-5678，车牌浙A12345。"),
            vec![
                (CitizenId, "11010519491231002x"),
                (Mobile, "+86 138-1234-5678"),
                (Plate, "浙A12345")
            ]
        );
        assert_eq!(
            kinds("新能源 粤B·D12345 与 苏E1234学"),
            vec![(Plate, "粤B·D12345"), (Plate, "苏E1234学")]
        );
        assert_eq!(kinds("13812345678"), vec![(Mobile, "13812345678")]);
        assert_eq!(kinds("老证110105491231002"), vec![(CitizenId, "110105491231002")]);
    }

    #[test]
    fn leaves_other_numbers_alone() {
        // Wrong check digit, too long, landline-like, not a mobile prefix, letters without digits.
        for t in [
            "110105194912310021",
            "订单138123456789",
            "案号2026-123 第5次",
            "12812345678",
            "浙AHELLO",
            "浙A1234",
            "ID13812345678",
        ] {
            assert!(find_personal_data(t).is_empty(), "{t}");
        }
    }

    #[test]
    fn masks_and_keeps_the_plaintext_only_when_needed() {
        let t = FreeText::new("联系13812345678，身份证11010519491231002X，车牌浙A12345");
        assert_eq!(t.shown(), "联系138****5678，身份证110105********002X，车牌浙A***45");
        assert!(t.sealed_plaintext().unwrap().contains("13812345678"));
        assert!(!format!("{t:?}").contains("13812345678"));
        let plain = FreeText::new("门口移动侦测");
        assert_eq!(plain.shown(), "门口移动侦测");
        assert_eq!(plain.sealed_plaintext(), None);
        assert_eq!(mask_personal_data("+86 138 1234 5678"), "+86 138****5678");
    }

    #[test]
    fn every_field_is_named_once() {
        let mut seen = std::collections::HashSet::new();
        for f in FREE_TEXT_FIELDS {
            assert!(seen.insert((f.table, f.column)), "{f:?}");
            assert!(f.sealed_column().ends_with("_sealed"));
        }
    }
}

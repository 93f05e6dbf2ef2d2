//! Small helpers for JSON bodies shared by the capabilities' request types.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

/// An optional date field: absent, `null` or `""` is `None`; otherwise a `YYYY-MM-DD` date (any
/// other string is refused as a malformed body, 400). Forms and generated clients send an empty
/// string for "no date"; the OpenAPI document declares the field as a nullable `date`.
///
/// Use with `#[serde(default, deserialize_with = "neibao_domain::json::opt_date")]`.
/// (Inside this crate: `crate::json::opt_date`.)
pub fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => s.trim().parse().map(Some).map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "super::opt_date")]
        d: Option<chrono::NaiveDate>,
    }

    #[test]
    fn empty_null_and_absent_are_none() {
        for body in [r#"{}"#, r#"{"d":null}"#, r#"{"d":""}"#] {
            assert_eq!(serde_json::from_str::<T>(body).unwrap().d, None, "{body}");
        }
        let t: T = serde_json::from_str(r#"{"d":"2026-12-07"}"#).unwrap();
        assert_eq!(t.d.unwrap().to_string(), "2026-12-07");
        assert!(serde_json::from_str::<T>(r#"{"d":"12/07/2026"}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"d":5}"#).is_err());
    }
}

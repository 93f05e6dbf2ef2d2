//! Lenient readers for JSON values: devices send numbers as strings and strings as numbers
//! (docs/DEVICE-FORMATS.md §2), so every reader here accepts both.

use serde_json::{Map, Value};

/// Text of a string (trimmed, non-empty) or of a number/bool; `None` for null, arrays, objects.
pub(crate) fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Integer from a number (integral) or a string (`"21"`, `"0x15"`).
pub(crate) fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => parse_int(s),
        _ => None,
    }
}

/// Decimal or `0x` hexadecimal integer text.
pub(crate) fn parse_int(s: &str) -> Option<i64> {
    let s = s.trim();
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => i64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

/// Key lookup that falls back to an ASCII case-insensitive match (firmware drifts in case).
pub(crate) fn get<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key)
        .or_else(|| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v))
        .filter(|v| !v.is_null())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_and_strings() {
        assert_eq!(int(&json!(21)), Some(21));
        assert_eq!(int(&json!("21")), Some(21));
        assert_eq!(int(&json!(" 0x4b ")), Some(75));
        assert_eq!(int(&json!(5.0)), Some(5));
        assert_eq!(int(&json!(5.5)), None);
        assert_eq!(int(&json!("five")), None);
        assert_eq!(text(&json!(7)), Some("7".to_string()));
        assert_eq!(text(&json!("  ")), None);
    }
}

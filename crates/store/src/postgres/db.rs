//! This backend's SQL types and dialect constants, named alike in both backends so that the
//! shared queries (`src/<capability>/sql.rs`) compile against either.

use std::borrow::Cow;

pub(crate) type Db = sqlx::Postgres;
pub(crate) type DbRow = sqlx::postgres::PgRow;
/// How a write transaction starts (row locks and MVCC need nothing special).
pub(crate) const BEGIN_WRITE: &str = "BEGIN";
/// Concurrent claimers on several nodes skip rows another node is claiming.
pub(crate) const SKIP_LOCKED: &str = " FOR UPDATE SKIP LOCKED";
/// Locks the selected row for the transaction.
pub(crate) const FOR_UPDATE: &str = " FOR UPDATE";
/// Run after a bulk rewrite (key rotation): reclaims the dead row versions.
pub(crate) const AFTER_BULK_REWRITE: &[&str] = &["VACUUM"];

/// Rewrites `?` placeholders as PostgreSQL's `$1, $2, …`, leaving `?` inside quoted literals
/// and identifiers alone.
pub(crate) fn sql(s: &str) -> Cow<'_, str> {
    if !s.contains('?') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut n = 0;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                out.push(c);
            }
            (Some(q), _) if c == q => {
                quote = None;
                out.push(c);
            }
            (None, '?') => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            }
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::sql;

    #[test]
    fn placeholders_are_numbered_outside_literals() {
        assert_eq!(sql("SELECT 1"), "SELECT 1");
        assert_eq!(
            sql("a = ? AND b LIKE ? ESCAPE '\\' AND c = '?' AND d = ?"),
            "a = $1 AND b LIKE $2 ESCAPE '\\' AND c = '?' AND d = $3"
        );
    }
}

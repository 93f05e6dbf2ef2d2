//! Statements run directly on the writer connection's SQLite handle (backend-only): the
//! group-commit writer ([`super::writer`]) runs a whole batch here, on its own thread, with
//! prepared statements reused within the batch, instead of one round trip to sqlx's worker
//! thread per statement (issue 19: about six per event, which made the writer the bottleneck).
//!
//! The handle is borrowed from sqlx through [`sqlx::sqlite::LockedSqliteHandle`], which
//! guarantees that sqlx's worker thread makes no call on the connection while it is held
//! (sqlx's documented way to make direct SQLite API calls). This module is the store's only
//! `unsafe` code: every call is a plain C call on that handle or on statements prepared on it,
//! and every statement is finalized before the borrow ends.
#![allow(unsafe_code)]

use std::collections::HashMap;
use std::ffi::{c_int, CStr, CString};
use std::marker::PhantomData;
use std::ptr::NonNull;

use libsqlite3_sys as ffi;
use sqlx::sqlite::LockedSqliteHandle;

use crate::error::{StoreError, StoreResult};

/// A value bound to a statement parameter.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Val<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl<'a> From<&'a str> for Val<'a> {
    fn from(s: &'a str) -> Self {
        Val::Text(s)
    }
}

impl<'a> From<&'a String> for Val<'a> {
    fn from(s: &'a String) -> Self {
        Val::Text(s)
    }
}

impl<'a> From<&'a Option<String>> for Val<'a> {
    fn from(s: &'a Option<String>) -> Self {
        s.as_deref().map_or(Val::Null, Val::Text)
    }
}

impl From<i64> for Val<'_> {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}

impl From<Option<i64>> for Val<'_> {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Val::Null, Val::Int)
    }
}

impl<'a> From<&'a [u8]> for Val<'a> {
    fn from(v: &'a [u8]) -> Self {
        Val::Blob(v)
    }
}

/// The current row of a query: columns read by index (0-based).
pub(crate) struct Row {
    stmt: *mut ffi::sqlite3_stmt,
}

impl Row {
    /// Column `i` as text (NULL reads as the empty string).
    pub(crate) fn text(&self, i: c_int) -> String {
        // SAFETY: `stmt` is a live statement positioned on a row (the row only exists during
        // `query_row`'s callback); the text pointer is valid until the next step/reset, and its
        // length is read right after it, as SQLite documents.
        unsafe {
            let p = ffi::sqlite3_column_text(self.stmt, i);
            if p.is_null() {
                return String::new();
            }
            let n = ffi::sqlite3_column_bytes(self.stmt, i);
            let bytes = std::slice::from_raw_parts(p, n.max(0) as usize);
            String::from_utf8_lossy(bytes).into_owned()
        }
    }

    /// Column `i` as an integer (NULL reads as 0).
    pub(crate) fn int(&self, i: c_int) -> i64 {
        // SAFETY: as in `text`.
        unsafe { ffi::sqlite3_column_int64(self.stmt, i) }
    }
}

/// Direct access to the writer connection for the length of one batch. Prepared statements are
/// kept by their SQL text and finalized on drop; a transaction left open (an error or a panic
/// between `begin` and `commit`) is rolled back on drop, so the connection goes back to the
/// pool clean.
pub(crate) struct Direct<'h> {
    db: NonNull<ffi::sqlite3>,
    stmts: HashMap<&'static str, NonNull<ffi::sqlite3_stmt>>,
    _lock: PhantomData<&'h mut ()>,
}

impl<'h> Direct<'h> {
    /// Borrows the handle for as long as `lock` is borrowed.
    pub(crate) fn new(lock: &'h mut LockedSqliteHandle<'_>) -> Direct<'h> {
        Direct {
            db: lock.as_raw_handle(),
            stmts: HashMap::new(),
            _lock: PhantomData,
        }
    }

    fn error(&self, rc: c_int, what: &str) -> StoreError {
        // SAFETY: the handle is live for 'h; errmsg returns a NUL-terminated string owned by
        // SQLite, copied at once.
        let msg = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(self.db.as_ptr())) }
            .to_string_lossy()
            .into_owned();
        StoreError::Other(anyhow::anyhow!("sqlite ({rc}) {msg}: {what}"))
    }

    /// Runs statements without parameters or results (`BEGIN IMMEDIATE`, `COMMIT`, …).
    pub(crate) fn batch(&mut self, sql: &str) -> StoreResult<()> {
        let c = CString::new(sql).map_err(|e| StoreError::Other(e.into()))?;
        // SAFETY: live handle; `c` outlives the call; no callback.
        let rc = unsafe {
            ffi::sqlite3_exec(
                self.db.as_ptr(),
                c.as_ptr(),
                None,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        };
        if rc != ffi::SQLITE_OK {
            return Err(self.error(rc, sql));
        }
        Ok(())
    }

    /// Whether a transaction is open on the connection.
    pub(crate) fn in_transaction(&self) -> bool {
        // SAFETY: live handle.
        unsafe { ffi::sqlite3_get_autocommit(self.db.as_ptr()) == 0 }
    }

    fn prepared(&mut self, sql: &'static str) -> StoreResult<NonNull<ffi::sqlite3_stmt>> {
        if let Some(s) = self.stmts.get(sql) {
            return Ok(*s);
        }
        let mut stmt: *mut ffi::sqlite3_stmt = std::ptr::null_mut();
        // SAFETY: live handle; the SQL is passed with its length (no NUL needed); `stmt` is
        // written by SQLite.
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(
                self.db.as_ptr(),
                sql.as_ptr().cast(),
                sql.len() as c_int,
                &mut stmt,
                std::ptr::null_mut(),
            )
        };
        if rc != ffi::SQLITE_OK {
            return Err(self.error(rc, sql));
        }
        let stmt = NonNull::new(stmt).ok_or_else(|| StoreError::Other(anyhow::anyhow!("empty statement: {sql}")))?;
        self.stmts.insert(sql, stmt);
        Ok(stmt)
    }

    fn bind(&self, stmt: *mut ffi::sqlite3_stmt, params: &[Val<'_>], sql: &str) -> StoreResult<()> {
        for (i, v) in params.iter().enumerate() {
            let idx = (i + 1) as c_int;
            // SAFETY: live statement; text and blobs are copied by SQLite (SQLITE_TRANSIENT), so
            // the borrowed values need not outlive the call.
            let rc = unsafe {
                match v {
                    Val::Null => ffi::sqlite3_bind_null(stmt, idx),
                    Val::Int(n) => ffi::sqlite3_bind_int64(stmt, idx, *n),
                    Val::Text(s) => ffi::sqlite3_bind_text(
                        stmt,
                        idx,
                        s.as_ptr().cast(),
                        s.len() as c_int,
                        ffi::SQLITE_TRANSIENT(),
                    ),
                    Val::Blob(b) => ffi::sqlite3_bind_blob(
                        stmt,
                        idx,
                        b.as_ptr().cast(),
                        b.len() as c_int,
                        ffi::SQLITE_TRANSIENT(),
                    ),
                }
            };
            if rc != ffi::SQLITE_OK {
                return Err(self.error(rc, sql));
            }
        }
        Ok(())
    }

    /// Runs `sql` with `params` and hands the first row, if any, to `f`. The statement is reset
    /// (and its parameters cleared) before returning, whatever happened.
    pub(crate) fn query_row<T>(
        &mut self,
        sql: &'static str,
        params: &[Val<'_>],
        f: impl FnOnce(&Row) -> T,
    ) -> StoreResult<Option<T>> {
        let stmt = self.prepared(sql)?.as_ptr();
        let out = self.bind(stmt, params, sql).and_then(|()| {
            // SAFETY: live, bound statement.
            match unsafe { ffi::sqlite3_step(stmt) } {
                ffi::SQLITE_ROW => Ok(Some(f(&Row { stmt }))),
                ffi::SQLITE_DONE => Ok(None),
                rc => Err(self.error(rc, sql)),
            }
        });
        // SAFETY: live statement; resetting releases its read state and bound copies.
        unsafe {
            ffi::sqlite3_reset(stmt);
            ffi::sqlite3_clear_bindings(stmt);
        }
        out
    }

    /// Runs a statement that returns no rows; returns the number of rows it changed.
    pub(crate) fn execute(&mut self, sql: &'static str, params: &[Val<'_>]) -> StoreResult<u64> {
        self.query_row(sql, params, |_| ())?;
        // SAFETY: live handle.
        Ok(unsafe { ffi::sqlite3_changes(self.db.as_ptr()) }.max(0) as u64)
    }
}

impl Drop for Direct<'_> {
    fn drop(&mut self) {
        if self.in_transaction() {
            let _ = self.batch("ROLLBACK");
        }
        for (_, s) in self.stmts.drain() {
            // SAFETY: each statement was prepared on this handle and is finalized once.
            unsafe {
                ffi::sqlite3_finalize(s.as_ptr());
            }
        }
    }
}

//! SQL of idempotent requests (compiled once per backend: see `crate::sqlite` and
//! `crate::postgres`). Table `idempotency_keys` (migration 0016).

use super::common::{from_ms, ms};
use super::db::sql;
use super::store::Backend;
use crate::error::StoreResult;
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::idempotency::{KeyRecord, KeyState, StoredResponse};
use sqlx::Row;

/// Associated data of the encrypted answer bodies.
const AAD_BODY: &str = "idempotency_keys.body";

#[async_trait]
impl IdempotencyRepo for Backend {
    async fn claim_idempotency_key(
        &self,
        key: &str,
        fingerprint: &str,
        stale_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<KeyRecord>> {
        // A claim left in flight by a request that died with its node is given up first.
        sqlx::query(&sql(
            "DELETE FROM idempotency_keys WHERE key = ? AND state = 'in_flight' AND created_at < ?",
        ))
        .bind(key)
        .bind(ms(stale_before))
        .execute(self.writer())
        .await?;
        // Claim, or read the claim that was there; a claim released between the two is tried
        // again (a few times: each round needs another request to release in between).
        for _ in 0..3 {
            let claimed = sqlx::query(&sql(
                "INSERT INTO idempotency_keys (key, fingerprint, state, created_at) VALUES (?, ?, 'in_flight', ?) \
                 ON CONFLICT (key) DO NOTHING",
            ))
            .bind(key)
            .bind(fingerprint)
            .bind(ms(now))
            .execute(self.writer())
            .await?;
            if claimed.rows_affected() == 1 {
                return Ok(None);
            }
            let row = sqlx::query(&sql(
                "SELECT fingerprint, state, created_at, status, headers, body, withheld \
                 FROM idempotency_keys WHERE key = ?",
            ))
            .bind(key)
            .fetch_optional(self.writer())
            .await?;
            let Some(row) = row else { continue };
            let state: String = row.get("state");
            let state = if state == "done" {
                let withheld: i64 = row.get("withheld");
                let status: Option<i64> = row.get("status");
                let body: Option<Vec<u8>> = row.get("body");
                let response = match (withheld, status, body) {
                    (0, Some(status), Some(body)) => {
                        let headers: Option<String> = row.get("headers");
                        let headers: Vec<(String, String)> =
                            headers.and_then(|h| serde_json::from_str(&h).ok()).unwrap_or_default();
                        // An answer whose key was retired meanwhile is not given again.
                        self.cipher
                            .decrypt_bytes(AAD_BODY, &body)
                            .ok()
                            .map(|body| StoredResponse {
                                status: status as u16,
                                headers,
                                body,
                            })
                    }
                    _ => None,
                };
                KeyState::Done(response)
            } else {
                KeyState::InFlight {
                    since: from_ms(row.get("created_at")),
                }
            };
            return Ok(Some(KeyRecord {
                fingerprint: row.get("fingerprint"),
                state,
            }));
        }
        Ok(Some(KeyRecord {
            fingerprint: fingerprint.to_string(),
            state: KeyState::InFlight { since: now },
        }))
    }

    async fn complete_idempotency_key(
        &self,
        key: &str,
        response: Option<&StoredResponse>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (status, headers, body, withheld) = match response {
            Some(r) => (
                Some(i64::from(r.status)),
                Some(serde_json::to_string(&r.headers).unwrap_or_else(|_| "[]".into())),
                Some(self.cipher.encrypt_bytes(AAD_BODY, &r.body)),
                0i64,
            ),
            None => (None, None, None, 1i64),
        };
        sqlx::query(&sql(
            "UPDATE idempotency_keys SET state = 'done', status = ?, headers = ?, body = ?, withheld = ?, \
             completed_at = ? WHERE key = ?",
        ))
        .bind(status)
        .bind(headers)
        .bind(body)
        .bind(withheld)
        .bind(ms(now))
        .bind(key)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    async fn release_idempotency_key(&self, key: &str) -> StoreResult<()> {
        sqlx::query(&sql(
            "DELETE FROM idempotency_keys WHERE key = ? AND state = 'in_flight'",
        ))
        .bind(key)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    async fn sweep_idempotency_keys(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let done = sqlx::query(&sql("DELETE FROM idempotency_keys WHERE created_at < ?"))
            .bind(ms(before))
            .execute(self.writer())
            .await?;
        Ok(done.rows_affected())
    }
}

-- Keys of idempotent requests (an API call's Idempotency-Key, a UI form's one-time token), per
-- signed-in user: the request's fingerprint, whether it is still running, and once done the
-- answer its repeats get (status, the headers a client needs as JSON, the body encrypted;
-- withheld = 1 when the answer held a secret shown once and is not kept). Claimed with an insert
-- that fails on conflict (crates/store/src/idempotency/sql.rs); kept 24 hours (idempotency.sweep).
CREATE TABLE idempotency_keys (
    key          TEXT PRIMARY KEY,
    fingerprint  TEXT NOT NULL,
    state        TEXT NOT NULL,
    status       BIGINT,
    headers      TEXT,
    body         BLOB,
    withheld     BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    completed_at BIGINT
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);

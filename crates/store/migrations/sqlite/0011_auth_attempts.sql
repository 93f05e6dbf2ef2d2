-- Attempts at a secret (a password per typed user name, a second-factor code per account),
-- shared by every node: the lockout counters. One row per key, claimed atomically before the
-- secret is checked (crates/store/src/accounts/sql.rs, `claim_attempt`). Replaces
-- login_failures, whose count was read before the check and written after it.
CREATE TABLE auth_attempts (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    attempts     BIGINT NOT NULL
);
CREATE INDEX auth_attempts_window ON auth_attempts(window_start);
DROP TABLE login_failures;

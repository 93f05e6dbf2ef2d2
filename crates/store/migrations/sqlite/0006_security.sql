-- Security and privacy (issue 6): the tamper-evident audit log, the blind index of ID numbers,
-- session idle timeout, TOTP, scoped and revocable API tokens, retention with legal holds.

-- Append-only audit log. Each row's hash is SHA-256 over the previous row's hash and the row's
-- fields (see store::audit); seq has no gaps. audit_head remembers the last link, so deleting
-- the newest rows is detected too; after retention removes the oldest rows, first_seq and
-- first_prev_hash say where the kept chain starts.
CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor_id    TEXT,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL DEFAULT '',
    object_id   TEXT NOT NULL DEFAULT '',
    unit_id     TEXT,
    purpose     TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_unit ON audit_log(unit_id, seq);
CREATE TABLE audit_head (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    first_seq       BIGINT NOT NULL,
    first_prev_hash TEXT NOT NULL,
    last_seq        BIGINT NOT NULL,
    last_hash       TEXT NOT NULL
);
INSERT INTO audit_head (id, first_seq, first_prev_hash, last_seq, last_hash)
VALUES (1, 1, '0000000000000000000000000000000000000000000000000000000000000000', 0,
        '0000000000000000000000000000000000000000000000000000000000000000');

-- HMAC-SHA256 of the normalized ID number under the blind-index key: exact lookup without
-- decrypting (filled for existing rows by `neibao keys rotate`).
ALTER TABLE responsible_persons ADD COLUMN citizen_id_bidx TEXT;
CREATE INDEX responsible_persons_bidx ON responsible_persons(citizen_id_bidx);

ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
-- A session that still owes its second factor (or must enrol one) reaches only the TOTP routes.
ALTER TABLE sessions ADD COLUMN mfa_pending INTEGER NOT NULL DEFAULT 0;

ALTER TABLE users ADD COLUMN totp_secret_enc TEXT;
ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;
-- Last accepted TOTP time step: a code is accepted once.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_changed_at BIGINT NOT NULL DEFAULT 0;

ALTER TABLE api_tokens ADD COLUMN id TEXT;
UPDATE api_tokens SET id = substr(token_hash, 1, 16) WHERE id IS NULL;
CREATE UNIQUE INDEX api_tokens_id ON api_tokens(id);
-- 'read' (GET only) or 'write'.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'write';
ALTER TABLE api_tokens ADD COLUMN revoked_at BIGINT;
ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT;

-- Retention: the maximum age per data class (minimums are fixed by the rules, see
-- store::retention), legal holds that suspend deletion for a unit, and the deletion log.
CREATE TABLE retention_policies (
    data_class TEXT PRIMARY KEY,
    max_days   BIGINT NOT NULL,
    updated_by TEXT,
    updated_at BIGINT NOT NULL
);
CREATE TABLE legal_holds (
    id          TEXT PRIMARY KEY,
    case_no     TEXT NOT NULL,
    unit_id     TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    data_class  TEXT,
    reason      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    released_at BIGINT,
    released_by TEXT
);
CREATE INDEX legal_holds_unit ON legal_holds(unit_id) WHERE released_at IS NULL;
CREATE TABLE deletion_log (
    id           TEXT PRIMARY KEY,
    at           BIGINT NOT NULL,
    data_class   TEXT NOT NULL,
    unit_id      TEXT,
    rows_deleted BIGINT NOT NULL,
    older_than   BIGINT NOT NULL,
    reason       TEXT NOT NULL
);
CREATE INDEX deletion_log_at ON deletion_log(at);

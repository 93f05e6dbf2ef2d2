-- Spreadsheet imports of units (issue 12): one row per uploaded file, its progress while rows
-- are checked and written, and its result (counts, the bad rows as JSON). Read by its owner only
-- (crates/store/src/imports/sql.rs). A running job beats (`beat_at`, ms) as it advances; one
-- whose beat is older than a minute was left by a stopped server and is marked `failed`.
CREATE TABLE import_jobs (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL,
    kind           TEXT NOT NULL,
    mode           TEXT NOT NULL,
    status         TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    rows_total     BIGINT NOT NULL DEFAULT 0,
    rows_checked   BIGINT NOT NULL DEFAULT 0,
    rows_written   BIGINT NOT NULL DEFAULT 0,
    created_count  BIGINT NOT NULL DEFAULT 0,
    unchanged_count BIGINT NOT NULL DEFAULT 0,
    refused_count  BIGINT NOT NULL DEFAULT 0,
    errors         TEXT NOT NULL DEFAULT '[]',
    reason         TEXT,
    created_at     BIGINT NOT NULL,
    beat_at        BIGINT NOT NULL,
    finished_at    BIGINT
);
CREATE INDEX import_jobs_user ON import_jobs(user_id, created_at);
CREATE INDEX import_jobs_status ON import_jobs(status);

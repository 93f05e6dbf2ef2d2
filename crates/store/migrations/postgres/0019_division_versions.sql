-- Versioned GB/T 2260 division tables (docs/DIVISIONS.md): a later table is loaded beside the
-- current one; a code is never deleted, only retired (valid_to) or merged into a successor, and
-- every added, renamed, moved, retired, merged or restored code is kept in division_history
-- (crates/domain/src/registry/division.rs computes the changes).
CREATE TABLE division_versions (
    version    TEXT PRIMARY KEY,
    source     TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    loaded_at  BIGINT NOT NULL,
    divisions  BIGINT NOT NULL,
    changes    BIGINT NOT NULL
);
ALTER TABLE divisions ADD COLUMN valid_from TEXT;
ALTER TABLE divisions ADD COLUMN valid_to TEXT;
ALTER TABLE divisions ADD COLUMN successor_code TEXT;
CREATE TABLE division_history (
    id             TEXT PRIMARY KEY,
    code           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    version        TEXT NOT NULL,
    valid_from     TEXT NOT NULL,
    old_name       TEXT,
    new_name       TEXT,
    old_parent     TEXT,
    new_parent     TEXT,
    successor_code TEXT
);
CREATE INDEX division_history_code ON division_history(code);

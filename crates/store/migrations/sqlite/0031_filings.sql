-- Designations and filings (docs/FILINGS.md; Decree 421 Art 6 and 13, R15, R16, R40, R41, R50,
-- R57). The counter-terror key-target flag is units.is_counter_terror_target (already there).
-- Dates are Beijing calendar dates as text (YYYY-MM-DD), which sort and compare as dates.
CREATE TABLE designations (
    id                 TEXT PRIMARY KEY,
    unit_id            TEXT NOT NULL REFERENCES units(id),
    kind               TEXT NOT NULL CHECK (kind IN ('key_unit', 'counter_terror')),
    category           BIGINT,
    grade              TEXT NOT NULL,
    proposing_org_id   TEXT,
    proposing_org_name TEXT NOT NULL,
    reason             TEXT NOT NULL,
    deciding_authority TEXT NOT NULL,
    document_number    TEXT NOT NULL,
    decided_on         TEXT,
    notice_on          TEXT,
    status             TEXT NOT NULL,
    version            BIGINT NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX designations_unit ON designations (unit_id, created_at);

CREATE TABLE filings (
    id                 TEXT PRIMARY KEY,
    kind               TEXT NOT NULL,
    unit_id            TEXT NOT NULL REFERENCES units(id),
    source_ref         TEXT NOT NULL,
    trigger_on         TEXT NOT NULL,
    due_on             TEXT,
    status             TEXT NOT NULL,
    content            TEXT NOT NULL,
    first_submitted_on TEXT,
    opened_by          TEXT NOT NULL,
    version            BIGINT NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    UNIQUE (kind, unit_id, source_ref)
);
CREATE INDEX filings_unit ON filings (unit_id, created_at);
CREATE INDEX filings_due ON filings (due_on);

-- The history of a filing or a designation: one row per step, never changed or deleted.
CREATE TABLE filing_steps (
    id         TEXT PRIMARY KEY,
    object_id  TEXT NOT NULL,
    seq        BIGINT NOT NULL,
    at         BIGINT NOT NULL,
    actor_name TEXT NOT NULL,
    action     TEXT NOT NULL,
    label      TEXT NOT NULL,
    status     TEXT NOT NULL,
    note       TEXT NOT NULL,
    UNIQUE (object_id, seq)
);

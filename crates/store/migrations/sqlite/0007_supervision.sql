-- Supervision (issue 3): versioned checklists, campaigns, inspections, hazards with their ladder
-- steps, official documents with per-organisation numbering, credit records, evidence files.
-- Times are milliseconds since the epoch (UTC).

-- A checklist version; a change is a new row (variant, version + 1). Inspections keep theirs.
CREATE TABLE checklists (
    id          TEXT PRIMARY KEY,
    variant     TEXT NOT NULL,
    version     BIGINT NOT NULL,
    title       TEXT NOT NULL,
    items       TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (variant, version)
);

-- 专项检查: one inspection per selected unit.
CREATE TABLE campaigns (
    id            TEXT PRIMARY KEY,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    org_id        TEXT,
    selection     TEXT NOT NULL,
    due_at        BIGINT NOT NULL,
    created_by    TEXT NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE TABLE inspections (
    id            TEXT PRIMARY KEY,
    campaign_id   TEXT REFERENCES campaigns(id),
    unit_id       TEXT NOT NULL REFERENCES units(id),
    checklist_id  TEXT NOT NULL REFERENCES checklists(id),
    kind          TEXT NOT NULL CHECK (kind IN ('police','department','self')),
    status        TEXT NOT NULL CHECK (status IN ('planned','in_progress','submitted')),
    org_id        TEXT,
    assignee_id   TEXT,
    assignee_name TEXT NOT NULL DEFAULT '',
    due_at        BIGINT,
    record        TEXT NOT NULL DEFAULT '{}',
    results       TEXT NOT NULL DEFAULT '[]',
    score         TEXT,
    created_by    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    submitted_at  BIGINT
);
CREATE INDEX inspections_campaign ON inspections(campaign_id);
CREATE INDEX inspections_unit ON inspections(unit_id, submitted_at);

CREATE TABLE hazards (
    id            TEXT PRIMARY KEY,
    unit_id       TEXT NOT NULL REFERENCES units(id),
    source        TEXT NOT NULL,
    source_id     TEXT,
    inspection_id TEXT REFERENCES inspections(id),
    item_code     TEXT,
    class         TEXT NOT NULL CHECK (class IN ('general','major')),
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    phase         TEXT NOT NULL,
    deadline      BIGINT,
    case_state    TEXT NOT NULL,
    version       BIGINT NOT NULL DEFAULT 0,
    org_id        TEXT,
    created_by    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX hazards_unit ON hazards(unit_id, created_at);
CREATE INDEX hazards_phase ON hazards(phase, deadline);

-- Every transition of a hazard: who, when, why, the legal basis; reminders too (dedup_key makes a
-- reminder job that runs twice write one row).
CREATE TABLE hazard_steps (
    id          TEXT PRIMARY KEY,
    hazard_id   TEXT NOT NULL REFERENCES hazards(id),
    seq         BIGINT NOT NULL,
    action      TEXT NOT NULL,
    from_phase  TEXT NOT NULL,
    to_phase    TEXT NOT NULL,
    actor_id    TEXT,
    actor_name  TEXT NOT NULL,
    at          BIGINT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    legal_basis TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '{}',
    document_id TEXT,
    dedup_key   TEXT UNIQUE,
    UNIQUE (hazard_id, seq)
);

CREATE TABLE doc_counters (
    org_id  TEXT NOT NULL,
    kind    TEXT NOT NULL,
    year    BIGINT NOT NULL,
    last    BIGINT NOT NULL,
    PRIMARY KEY (org_id, kind, year)
);

CREATE TABLE documents (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    org_id        TEXT NOT NULL,
    year          BIGINT NOT NULL,
    serial        BIGINT NOT NULL,
    number        TEXT NOT NULL,
    unit_id       TEXT NOT NULL REFERENCES units(id),
    hazard_id     TEXT REFERENCES hazards(id),
    inspection_id TEXT REFERENCES inspections(id),
    content       TEXT NOT NULL,
    issued_by     TEXT NOT NULL,
    issued_at     BIGINT NOT NULL,
    UNIQUE (org_id, kind, year, serial)
);
CREATE INDEX documents_hazard ON documents(hazard_id);
CREATE INDEX documents_unit ON documents(unit_id, issued_at);

CREATE TABLE credit_records (
    id          TEXT PRIMARY KEY,
    unit_id     TEXT NOT NULL REFERENCES units(id),
    kind        TEXT NOT NULL,
    points      BIGINT NOT NULL,
    source_id   TEXT,
    basis       TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX credit_records_unit ON credit_records(unit_id, expires_at);

-- Evidence (photos, files) of inspections and rectifications.
CREATE TABLE attachments (
    id           TEXT PRIMARY KEY,
    unit_id      TEXT NOT NULL REFERENCES units(id),
    owner_kind   TEXT NOT NULL,
    owner_id     TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    data         BLOB NOT NULL,
    uploaded_by  TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX attachments_owner ON attachments(owner_kind, owner_id);

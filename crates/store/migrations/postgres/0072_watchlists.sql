-- Watchlists (布控) of plates and face subjects and the personal-information protection impact
-- assessments (PIA) that gate them (docs/WATCHLISTS.md; R61, R62, R64, R65, R69, R76).
-- Times are milliseconds since the epoch (UTC); dates are Beijing dates (YYYY-MM-DD).
-- An owner is a police organ (owner_org_id) or a unit (owner_unit_id), never both.
CREATE TABLE pias (
    id                TEXT PRIMARY KEY,
    owner_org_id      TEXT REFERENCES organisations(id),
    owner_unit_id     TEXT REFERENCES units(id),
    owner_name        TEXT NOT NULL,
    -- face_watchlist, plate_watchlist, visitor_face, other
    purpose           TEXT NOT NULL,
    title             TEXT NOT NULL,
    necessity         TEXT NOT NULL,
    risks             TEXT NOT NULL,
    safeguards        TEXT NOT NULL,
    -- draft, approved
    status            TEXT NOT NULL,
    drafted_by        TEXT NOT NULL,
    drafted_by_name   TEXT NOT NULL,
    approved_by       TEXT,
    approved_by_name  TEXT,
    approved_at       BIGINT,
    -- not deleted before this (3 years after its last change; PIPL Art 56)
    keep_until        BIGINT NOT NULL,
    created_at        BIGINT NOT NULL
);
CREATE INDEX pias_owner_org ON pias (owner_org_id);
CREATE INDEX pias_owner_unit ON pias (owner_unit_id);

CREATE TABLE watchlists (
    id                TEXT PRIMARY KEY,
    -- face, plate
    kind              TEXT NOT NULL,
    name              TEXT NOT NULL,
    owner_org_id      TEXT REFERENCES organisations(id),
    owner_unit_id     TEXT REFERENCES units(id),
    owner_name        TEXT NOT NULL,
    -- police lists: the division-code prefix whose devices are matched
    area_prefix       TEXT NOT NULL,
    legal_basis       TEXT NOT NULL,
    expires_on        TEXT NOT NULL,
    threshold         BIGINT NOT NULL,
    active            BOOLEAN NOT NULL DEFAULT FALSE,
    pia_id            TEXT REFERENCES pias(id),
    created_by        TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX watchlists_owner_org ON watchlists (owner_org_id);
CREATE INDEX watchlists_owner_unit ON watchlists (owner_unit_id);

-- Templates and photos are encrypted with the biometric key (keys/biometric.key), not the field key.
CREATE TABLE watchlist_entries (
    id                   TEXT PRIMARY KEY,
    watchlist_id         TEXT NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
    plate                TEXT,
    subject_name         TEXT,
    external_subject_id  TEXT,
    template_enc         BYTEA,
    photo_enc            BYTEA,
    note                 TEXT NOT NULL DEFAULT '',
    created_at           BIGINT NOT NULL
);
CREATE INDEX watchlist_entries_list ON watchlist_entries (watchlist_id, created_at);

-- A hit waits for a human check; the event (and its pictures) stays under the event's retention.
CREATE TABLE watchlist_hits (
    id                TEXT PRIMARY KEY,
    watchlist_id      TEXT NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
    entry_id          TEXT NOT NULL,
    event_id          TEXT NOT NULL,
    alert_id          TEXT,
    unit_id           TEXT NOT NULL,
    device_id         TEXT NOT NULL,
    similarity        DOUBLE PRECISION,
    candidates        TEXT NOT NULL,
    -- pending, confirmed, rejected
    status            TEXT NOT NULL,
    reviewed_by       TEXT,
    reviewed_by_name  TEXT,
    reviewed_at       BIGINT,
    review_note       TEXT NOT NULL DEFAULT '',
    created_at        BIGINT NOT NULL
);
CREATE INDEX watchlist_hits_list ON watchlist_hits (watchlist_id, created_at);

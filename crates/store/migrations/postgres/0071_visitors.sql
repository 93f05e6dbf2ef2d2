-- Visitors, vehicles and goods at the gate (docs/VISITORS.md; R12(2), R87, R66, R74; Decree 421
-- Art 11). One row per visit: an invitation a visitor fills in, or a walk-in registered at the
-- gate. Times are milliseconds since the epoch (UTC); expected_on is a Beijing date (YYYY-MM-DD).
-- id_number_enc / phone_enc: AEAD ciphertexts (AAD "visits.id_number" / "visits.phone");
-- id_number_bidx: the blind index (domain "visitor_id") for look-ups by number; the masked forms
-- are kept for display. last_at: the last change, from which the unit's retention period runs.
CREATE TABLE visits (
    id                      TEXT PRIMARY KEY,
    unit_id                 TEXT NOT NULL REFERENCES units(id),
    -- invitation, walk_in
    source                  TEXT NOT NULL,
    -- invited, submitted, approved, rejected, inside, left
    status                  TEXT NOT NULL,
    token                   TEXT UNIQUE,
    host_name               TEXT NOT NULL,
    purpose                 TEXT NOT NULL DEFAULT '',
    expected_on             TEXT,
    area_ids                TEXT NOT NULL DEFAULT '[]',
    visitor_name            TEXT NOT NULL DEFAULT '',
    id_type                 TEXT,
    id_number_enc           TEXT,
    id_number_bidx          TEXT,
    id_number_masked        TEXT NOT NULL DEFAULT '',
    phone_enc               TEXT,
    phone_masked            TEXT NOT NULL DEFAULT '',
    minor                   BOOLEAN NOT NULL DEFAULT FALSE,
    guardian_name           TEXT NOT NULL DEFAULT '',
    plate                   TEXT NOT NULL DEFAULT '',
    goods_in                TEXT NOT NULL DEFAULT '',
    goods_out               TEXT NOT NULL DEFAULT '',
    goods_out_authorised_by TEXT NOT NULL DEFAULT '',
    notice_purpose          TEXT NOT NULL DEFAULT '',
    notice_version          TEXT NOT NULL DEFAULT '',
    basis                   TEXT,
    consent_at              BIGINT,
    submitted_at            BIGINT,
    decided_by              TEXT NOT NULL DEFAULT '',
    decided_at              BIGINT,
    decision_note           TEXT NOT NULL DEFAULT '',
    checked_in_at           BIGINT,
    checked_in_by           TEXT NOT NULL DEFAULT '',
    checked_out_at          BIGINT,
    checked_out_by          TEXT NOT NULL DEFAULT '',
    created_by              TEXT NOT NULL,
    created_at              BIGINT NOT NULL,
    last_at                 BIGINT NOT NULL
);
CREATE INDEX visits_unit_status ON visits (unit_id, status, created_at);
CREATE INDEX visits_id_bidx ON visits (id_number_bidx);
CREATE INDEX visits_last_at ON visits (last_at);

-- The suppression windows a visit opened for the devices of its key areas (closed at check-out).
CREATE TABLE visit_suppressions (
    visit_id        TEXT NOT NULL,
    suppression_id  TEXT NOT NULL,
    PRIMARY KEY (visit_id, suppression_id)
);

-- A unit's visitor settings: retention period (days) and closing time (Beijing, HH:MM).
CREATE TABLE visitor_settings (
    unit_id         TEXT PRIMARY KEY REFERENCES units(id),
    retention_days  BIGINT NOT NULL,
    closing_time    TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_at      BIGINT NOT NULL
);

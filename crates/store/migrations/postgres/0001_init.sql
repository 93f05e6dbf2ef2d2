-- neibao schema v1 (PostgreSQL). Times are BIGINT Unix milliseconds, UTC.
-- Kept in step with migrations/sqlite/ (same numbers, same tables and columns).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- GB/T 2260 divisions (6 digits) and townships/streets (9 digits).
CREATE TABLE divisions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('province','city','county','township')),
    parent_code TEXT
);
CREATE INDEX divisions_parent ON divisions(parent_code);

-- Police organisations and competent departments.
CREATE TABLE organisations (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('police_province','police_city','police_county','police_station','department')),
    division_code TEXT NOT NULL,
    parent_id     TEXT REFERENCES organisations(id),
    sector        TEXT
);
CREATE INDEX organisations_division ON organisations(division_code);
CREATE INDEX organisations_parent ON organisations(parent_id);

CREATE TABLE units (
    id                       TEXT PRIMARY KEY,
    name                     TEXT NOT NULL,
    kind                     TEXT NOT NULL,
    is_university            BOOLEAN NOT NULL DEFAULT FALSE,
    is_private_enterprise    BOOLEAN NOT NULL DEFAULT FALSE,
    uscc                     TEXT NOT NULL UNIQUE,
    address                  TEXT NOT NULL DEFAULT '',
    division_code            TEXT NOT NULL,
    police_station_id        TEXT REFERENCES organisations(id),
    competent_department_id  TEXT REFERENCES organisations(id),
    is_key_unit              BOOLEAN NOT NULL DEFAULT FALSE,
    key_unit_category        BIGINT,
    is_counter_terror_target BOOLEAN NOT NULL DEFAULT FALSE,
    armed_schedule           TEXT,
    created_at               BIGINT NOT NULL,
    updated_at               BIGINT NOT NULL
);
CREATE INDEX units_division ON units(division_code);
CREATE INDEX units_station ON units(police_station_id);
CREATE INDEX units_department ON units(competent_department_id);

-- Responsible persons. citizen_id_enc / phone_enc are AEAD ciphertexts "keyid:base64(nonce|ct)".
CREATE TABLE responsible_persons (
    id             TEXT PRIMARY KEY,
    unit_id        TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    role           TEXT NOT NULL CHECK (role IN ('principal','deputy','security_head')),
    name           TEXT NOT NULL,
    citizen_id_enc TEXT,
    phone_enc      TEXT,
    created_at     BIGINT NOT NULL
);
CREATE INDEX responsible_persons_unit ON responsible_persons(unit_id);

CREATE TABLE key_areas (
    id          TEXT PRIMARY KEY,
    unit_id     TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);
CREATE INDEX key_areas_unit ON key_areas(unit_id);

CREATE TABLE devices (
    id                TEXT PRIMARY KEY,
    unit_id           TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    key_area_id       TEXT REFERENCES key_areas(id) ON DELETE SET NULL,
    format            TEXT NOT NULL,
    kind              TEXT NOT NULL,
    name              TEXT NOT NULL,
    serial            TEXT NOT NULL DEFAULT '',
    channel_map       TEXT NOT NULL DEFAULT '{}',
    ingest_token_hash TEXT NOT NULL UNIQUE,
    last_seen_at      BIGINT,
    created_at        BIGINT NOT NULL
);
CREATE INDEX devices_unit ON devices(unit_id);

CREATE TABLE events (
    id              TEXT PRIMARY KEY,
    unit_id         TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    device_id       TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    vendor_type     TEXT NOT NULL,
    state           TEXT NOT NULL,
    device_time     TEXT,
    received_at     BIGINT NOT NULL,
    last_seen_at    BIGINT NOT NULL,
    ended_at        BIGINT,
    post_count      BIGINT NOT NULL DEFAULT 1,
    channel         BIGINT,
    region          TEXT,
    target          TEXT,
    person          TEXT,
    description     TEXT,
    serial_no       BIGINT,
    occurrence_key  TEXT NOT NULL,
    raw             BYTEA NOT NULL,
    raw_content_type TEXT,
    image_count     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX events_unit_received ON events(unit_id, received_at DESC);
CREATE INDEX events_received ON events(received_at DESC);
CREATE INDEX events_device_open ON events(device_id, occurrence_key) WHERE ended_at IS NULL;
CREATE INDEX events_device_kind_time ON events(device_id, kind, received_at);

CREATE TABLE event_images (
    id           TEXT PRIMARY KEY,
    event_id     TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    name         TEXT,
    bytes        BYTEA NOT NULL
);
CREATE INDEX event_images_event ON event_images(event_id);

CREATE TABLE alerts (
    id                  TEXT PRIMARY KEY,
    unit_id             TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    device_id           TEXT REFERENCES devices(id) ON DELETE SET NULL,
    rule                TEXT NOT NULL,
    alert_type          TEXT NOT NULL,
    title               TEXT NOT NULL,
    severity            TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('open','acknowledged','resolved')),
    fingerprint         TEXT NOT NULL,
    first_seen          BIGINT NOT NULL,
    last_seen           BIGINT NOT NULL,
    event_count         BIGINT NOT NULL DEFAULT 1,
    acknowledged_by     TEXT,
    acknowledged_at     BIGINT,
    acknowledge_comment TEXT,
    resolved_by         TEXT,
    resolved_at         BIGINT,
    resolve_comment     TEXT
);
-- At most one unresolved alert per fingerprint: the dedup invariant.
CREATE UNIQUE INDEX alerts_unresolved_fingerprint ON alerts(fingerprint) WHERE status <> 'resolved';
CREATE INDEX alerts_unit_last ON alerts(unit_id, last_seen DESC);
CREATE INDEX alerts_status_last ON alerts(status, last_seen DESC);

CREATE TABLE alert_events (
    alert_id TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    PRIMARY KEY (alert_id, event_id)
);

-- Per-unit configuration of built-in early-warning rules.
CREATE TABLE rule_settings (
    unit_id TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    rule    TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    params  TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (unit_id, rule)
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    org_id        TEXT REFERENCES organisations(id),
    unit_id       TEXT REFERENCES units(id),
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT
);

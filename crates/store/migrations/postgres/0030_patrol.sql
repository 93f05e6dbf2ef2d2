-- Patrols (docs/PATROL.md; Decree 421 Art 11(3), R12(3)): a unit's patrol routes with their
-- ordered checkpoints (NFC/QR tag ids, unique per unit) and weekly schedule (JSON periods, each
-- the allowed start window of one round), the rounds guards walk with their visits, and the misses
-- (a checkpoint not visited in a finished round, a scheduled round not started in its window),
-- each recorded once by its key. Times are milliseconds since the epoch.
CREATE TABLE patrol_routes (
    id          TEXT PRIMARY KEY,
    unit_id     TEXT NOT NULL REFERENCES units(id),
    name        TEXT NOT NULL,
    note        TEXT NOT NULL,
    schedule    TEXT NOT NULL,
    max_minutes BIGINT NOT NULL,
    version     BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX patrol_routes_unit ON patrol_routes(unit_id);

CREATE TABLE patrol_checkpoints (
    id       TEXT PRIMARY KEY,
    route_id TEXT NOT NULL REFERENCES patrol_routes(id),
    unit_id  TEXT NOT NULL REFERENCES units(id),
    seq      BIGINT NOT NULL,
    name     TEXT NOT NULL,
    location TEXT NOT NULL,
    tag      TEXT NOT NULL,
    UNIQUE (unit_id, tag)
);
CREATE INDEX patrol_checkpoints_route ON patrol_checkpoints(route_id, seq);

CREATE TABLE patrol_rounds (
    id          TEXT PRIMARY KEY,
    route_id    TEXT NOT NULL REFERENCES patrol_routes(id),
    unit_id     TEXT NOT NULL REFERENCES units(id),
    route_name  TEXT NOT NULL,
    guard_id    TEXT NOT NULL,
    guard_name  TEXT NOT NULL,
    state       TEXT NOT NULL,
    started_at  BIGINT NOT NULL,
    finished_at BIGINT,
    expected    TEXT NOT NULL,
    max_minutes BIGINT NOT NULL
);
CREATE INDEX patrol_rounds_route ON patrol_rounds(route_id, started_at);
CREATE INDEX patrol_rounds_unit ON patrol_rounds(unit_id, started_at);

CREATE TABLE patrol_visits (
    id              TEXT PRIMARY KEY,
    round_id        TEXT NOT NULL REFERENCES patrol_rounds(id),
    checkpoint_id   TEXT NOT NULL,
    checkpoint_name TEXT NOT NULL,
    visited_at      BIGINT NOT NULL,
    method          TEXT NOT NULL,
    photo_id        TEXT,
    UNIQUE (round_id, checkpoint_id)
);

CREATE TABLE patrol_misses (
    miss_key TEXT PRIMARY KEY,
    unit_id  TEXT NOT NULL REFERENCES units(id),
    route_id TEXT NOT NULL REFERENCES patrol_routes(id),
    round_id TEXT,
    kind     TEXT NOT NULL,
    at       BIGINT NOT NULL,
    detail   TEXT NOT NULL
);
CREATE INDEX patrol_misses_unit ON patrol_misses(unit_id, at);

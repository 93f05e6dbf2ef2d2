-- Emergency drills (docs/DRILLS.md; R18, R34, R46 ¶2; Decree 421 Art 15): a unit's drills with
-- their expected actions (JSON), the people (encrypted JSON: names of people involved), the steps
-- recorded while running (one per expected action), the evaluation (JSON, with the hazard opened
-- for each shortfall), and the units recorded overdue on a drill obligation (once per unit, rule
-- and period). Times are milliseconds since the epoch, dates TEXT YYYY-MM-DD.
CREATE TABLE drills (
    id                 TEXT PRIMARY KEY,
    unit_id            TEXT NOT NULL REFERENCES units(id),
    scenario           TEXT NOT NULL,
    plan_id            TEXT,
    title              TEXT NOT NULL,
    planned_at         BIGINT NOT NULL,
    participants_count BIGINT NOT NULL,
    people             TEXT NOT NULL,
    police_station     TEXT NOT NULL,
    expected           TEXT NOT NULL,
    state              TEXT NOT NULL,
    started_at         BIGINT,
    finished_at        BIGINT,
    evaluation         TEXT,
    overall            BIGINT,
    created_by         TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    version            BIGINT NOT NULL
);
CREATE INDEX drills_unit ON drills(unit_id, planned_at);
CREATE INDEX drills_started ON drills(started_at);

CREATE TABLE drill_steps (
    id          TEXT PRIMARY KEY,
    drill_id    TEXT NOT NULL REFERENCES drills(id),
    seq         BIGINT NOT NULL,
    label       TEXT NOT NULL,
    at          BIGINT NOT NULL,
    recorded_by TEXT NOT NULL,
    UNIQUE (drill_id, seq)
);

CREATE TABLE drill_overdue (
    unit_id      TEXT NOT NULL REFERENCES units(id),
    rule         TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end   TEXT NOT NULL,
    recorded_at  BIGINT NOT NULL,
    PRIMARY KEY (unit_id, rule, period_end)
);

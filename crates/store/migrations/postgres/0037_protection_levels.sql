-- Protection levels (防范等级, docs/PROTECTION-LEVELS.md; R46 ¶4): the orders of the police that
-- raise the protection level of the units of a jurisdiction (a division-code prefix, optionally
-- narrowed to a unit set, JSON) for a period, with the measures required (JSON list of texts);
-- the units each order covers (exactly those in scope at activation) with their acknowledgement
-- and the measures they recorded (JSON); and the history of each order (activation, each change,
-- the end). Levels: 0 常态, 1 加强, 2 最高. Times are milliseconds since the epoch.
CREATE TABLE protection_level_orders (
    id              TEXT PRIMARY KEY,
    title           TEXT NOT NULL,
    division_prefix TEXT NOT NULL,
    unit_set        TEXT NOT NULL,
    level           BIGINT NOT NULL,
    state           TEXT NOT NULL,
    reason          TEXT NOT NULL,
    measures        TEXT NOT NULL,
    starts_at       BIGINT NOT NULL,
    ends_at         BIGINT NOT NULL,
    ended_at        BIGINT,
    created_by      TEXT NOT NULL,
    created_by_name TEXT NOT NULL,
    org_id          TEXT,
    org_name        TEXT,
    created_at      BIGINT NOT NULL,
    version         BIGINT NOT NULL
);
CREATE INDEX protection_level_orders_created ON protection_level_orders(created_at);

CREATE TABLE protection_level_units (
    order_id       TEXT NOT NULL REFERENCES protection_level_orders(id),
    unit_id        TEXT NOT NULL REFERENCES units(id),
    unit_name      TEXT NOT NULL,
    division_code  TEXT NOT NULL,
    notified_at    BIGINT NOT NULL,
    ack_level      BIGINT,
    ack_at         BIGINT,
    ack_by         TEXT,
    measures       TEXT NOT NULL,
    measures_level BIGINT,
    measures_at    BIGINT,
    PRIMARY KEY (order_id, unit_id)
);
CREATE INDEX protection_level_units_unit ON protection_level_units(unit_id);

CREATE TABLE protection_level_history (
    order_id   TEXT NOT NULL REFERENCES protection_level_orders(id),
    seq        BIGINT NOT NULL,
    action     TEXT NOT NULL,
    from_level BIGINT NOT NULL,
    to_level   BIGINT NOT NULL,
    reason     TEXT NOT NULL,
    by_name    TEXT NOT NULL,
    at         BIGINT NOT NULL,
    ends_at    BIGINT NOT NULL,
    PRIMARY KEY (order_id, seq)
);

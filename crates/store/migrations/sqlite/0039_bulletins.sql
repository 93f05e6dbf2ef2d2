-- Bulletins (警企通报, docs/BULLETINS.md; the Opinions Part 3): police send risk warnings, case
-- notices, policy notices and seasonal reminders to a target set of units of their jurisdiction
-- (direction 'down': a division-code prefix and a unit set, JSON), and a unit's manager reports a
-- risk to its police station (direction 'up'). The recipients are resolved and stored at issue
-- time with their read and acknowledgement receipts, the reply and the reminder sent at the
-- deadline. Times are milliseconds since the epoch.
CREATE TABLE bulletins (
    id              TEXT PRIMARY KEY,
    direction       TEXT NOT NULL,
    kind            TEXT NOT NULL,
    severity        TEXT NOT NULL,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    division_prefix TEXT NOT NULL,
    unit_set        TEXT NOT NULL,
    ack_deadline    BIGINT,
    reply_requested BOOLEAN NOT NULL,
    from_unit_id    TEXT REFERENCES units(id),
    from_unit_name  TEXT,
    org_id          TEXT,
    org_name        TEXT,
    created_by      TEXT NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    recipients      BIGINT NOT NULL
);
CREATE INDEX bulletins_created ON bulletins(created_at);
CREATE INDEX bulletins_from_unit ON bulletins(from_unit_id);

CREATE TABLE bulletin_recipients (
    bulletin_id   TEXT NOT NULL REFERENCES bulletins(id),
    unit_id       TEXT NOT NULL REFERENCES units(id),
    unit_name     TEXT NOT NULL,
    division_code TEXT NOT NULL,
    read_at       BIGINT,
    read_by       TEXT,
    ack_at        BIGINT,
    ack_by        TEXT,
    reply         TEXT,
    reminded_at   BIGINT,
    PRIMARY KEY (bulletin_id, unit_id)
);
CREATE INDEX bulletin_recipients_unit ON bulletin_recipients(unit_id);

-- Reports from units and the public to the police (docs/REPORTS.md; R12(4), R24, R48): an
-- internal incident, a suspicious-activity report (also from the public form, no account) or a
-- surroundings issue, routed at filing to a police organisation (station_id) and the division of
-- its place, acknowledged and handled there. people and contact are encrypted with the field
-- cipher (NULL when none; rotated with the other encrypted columns). client is the public reporter's address group (for the budget; never
-- shown). Times are milliseconds since the epoch.
CREATE TABLE reports (
    id               TEXT PRIMARY KEY,
    receipt_no       TEXT NOT NULL,
    kind             TEXT NOT NULL,
    source           TEXT NOT NULL,
    unit_id          TEXT REFERENCES units(id),
    station_id       TEXT,
    division_code    TEXT NOT NULL,
    key_area_id      TEXT,
    place            TEXT NOT NULL,
    title            TEXT NOT NULL,
    details          TEXT NOT NULL,
    occurred_at      BIGINT,
    people           TEXT,
    first_actions    TEXT NOT NULL,
    scene_preserved  INTEGER NOT NULL,
    reporter_id      TEXT,
    reporter_name    TEXT NOT NULL,
    contact          TEXT,
    anonymous        INTEGER NOT NULL,
    client           TEXT NOT NULL,
    status           TEXT NOT NULL,
    submitted_at     BIGINT NOT NULL,
    acknowledged_at  BIGINT,
    acknowledged_by  TEXT,
    closed_at        BIGINT
);
CREATE INDEX reports_unit ON reports(unit_id, submitted_at);
CREATE INDEX reports_station ON reports(station_id, submitted_at);
CREATE INDEX reports_division ON reports(division_code, submitted_at);
CREATE INDEX reports_submitted ON reports(submitted_at);
CREATE UNIQUE INDEX reports_receipt ON reports(receipt_no);

-- The police's handling notes of a report (处置记录), oldest first.
CREATE TABLE report_notes (
    id         TEXT PRIMARY KEY,
    report_id  TEXT NOT NULL REFERENCES reports(id),
    at         BIGINT NOT NULL,
    by_name    TEXT NOT NULL,
    body       TEXT NOT NULL,
    closed     INTEGER NOT NULL
);
CREATE INDEX report_notes_report ON report_notes(report_id, at);

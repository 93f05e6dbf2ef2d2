-- One-press alarms (docs/ALARMS.md; R12(4), R20(3), R34): a unit's alarm raised by a guard's
-- button (caller: the account) or a device's emergency button, its scenario, key area and note,
-- whether it is a drill (演练, counted apart), the alert it raised (whose acknowledgement is the
-- alarm's) and the police's arrival (到场) as they recorded it. Times are milliseconds since the
-- epoch.
CREATE TABLE alarms (
    id                  TEXT PRIMARY KEY,
    unit_id             TEXT NOT NULL REFERENCES units(id),
    key_area_id         TEXT,
    scenario            TEXT NOT NULL,
    note                TEXT NOT NULL,
    drill               INTEGER NOT NULL,
    source              TEXT NOT NULL,
    device_id           TEXT,
    caller_id           TEXT,
    caller_name         TEXT NOT NULL,
    raised_at           BIGINT NOT NULL,
    alert_id            TEXT,
    arrived_at          BIGINT,
    arrival_by          TEXT,
    arrival_note        TEXT NOT NULL,
    arrival_recorded_at BIGINT
);
CREATE INDEX alarms_unit ON alarms(unit_id, raised_at);
CREATE INDEX alarms_caller ON alarms(caller_id, raised_at);
CREATE INDEX alarms_alert ON alarms(alert_id);
CREATE INDEX alarms_raised ON alarms(raised_at);

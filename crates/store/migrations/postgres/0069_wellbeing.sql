-- 心防 (docs/WELLBEING.md; R36, R87, R88, R64): volunteer safety teams and their activities,
-- awareness and education activities, and the crisis-intervention cases. A case's content
-- (person, narrative, health details, follow-up notes) is kept only in the crisis_* tables,
-- encrypted with the counselling-case key (not the field key): never joined into the general
-- unit tables. Times are milliseconds since the epoch (UTC); dates are Beijing dates (YYYY-MM-DD).
CREATE TABLE volunteer_teams (
    id          TEXT PRIMARY KEY,
    unit_id     TEXT NOT NULL REFERENCES units(id),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    duties      TEXT NOT NULL,
    -- JSON array of {name, duty}
    members     TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX volunteer_teams_unit ON volunteer_teams (unit_id);
CREATE TABLE volunteer_activities (
    id           TEXT PRIMARY KEY,
    team_id      TEXT NOT NULL REFERENCES volunteer_teams(id),
    unit_id      TEXT NOT NULL REFERENCES units(id),
    held_on      TEXT NOT NULL,
    summary      TEXT NOT NULL,
    participants BIGINT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX volunteer_activities_unit ON volunteer_activities (unit_id, held_on);
CREATE TABLE education_activities (
    id          TEXT PRIMARY KEY,
    unit_id     TEXT NOT NULL REFERENCES units(id),
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    held_on     TEXT NOT NULL,
    attendance  BIGINT NOT NULL,
    materials   TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX education_activities_unit ON education_activities (unit_id, held_on);
-- The accounts of a unit its security manager designated to raise cases.
CREATE TABLE crisis_reporters (
    unit_id        TEXT NOT NULL REFERENCES units(id),
    user_id        TEXT NOT NULL,
    name           TEXT NOT NULL,
    designated_by  TEXT NOT NULL,
    designated_at  BIGINT NOT NULL,
    PRIMARY KEY (unit_id, user_id)
);
CREATE TABLE crisis_cases (
    id                TEXT PRIMARY KEY,
    unit_id           TEXT NOT NULL REFERENCES units(id),
    reporter_id       TEXT NOT NULL,
    reporter_name     TEXT NOT NULL,
    -- low, medium, high
    risk              TEXT NOT NULL,
    -- open, closed
    state             TEXT NOT NULL,
    threat_to_others  BOOLEAN NOT NULL,
    -- JSON {person_name, person_role, narrative, health_details, closure_note}, case key
    content_enc       TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    closed_at         BIGINT,
    escalated_at      BIGINT
);
CREATE INDEX crisis_cases_unit ON crisis_cases (unit_id, risk, state);
CREATE TABLE crisis_case_counsellors (
    case_id  TEXT NOT NULL REFERENCES crisis_cases(id),
    user_id  TEXT NOT NULL,
    name     TEXT NOT NULL,
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX crisis_case_counsellors_user ON crisis_case_counsellors (user_id);
CREATE TABLE crisis_follow_ups (
    id        TEXT PRIMARY KEY,
    case_id   TEXT NOT NULL REFERENCES crisis_cases(id),
    kind      TEXT NOT NULL,
    risk      TEXT,
    -- the note, case key
    note_enc  TEXT NOT NULL,
    by_user   TEXT NOT NULL,
    by_name   TEXT NOT NULL,
    at        BIGINT NOT NULL
);
CREATE INDEX crisis_follow_ups_case ON crisis_follow_ups (case_id, at);
-- Minimal notices (no person, no health details) sent to the unit and its police station.
CREATE TABLE crisis_escalations (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES crisis_cases(id),
    unit_id          TEXT NOT NULL REFERENCES units(id),
    counsellor_name  TEXT NOT NULL,
    contact          TEXT NOT NULL,
    at               BIGINT NOT NULL
);
CREATE INDEX crisis_escalations_unit ON crisis_escalations (unit_id, at);

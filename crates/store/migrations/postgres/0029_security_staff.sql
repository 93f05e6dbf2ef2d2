-- The unit's security organisation, security staff and guards, their training, commendations,
-- duty injuries and complaints (docs/SECURITY-STAFF.md; Decree 421 Art 6, Decree 564 Art 13–17;
-- R7, R10, R11, R14, R16, R19, R57, R58). Phone numbers and citizen ID numbers are stored
-- encrypted (`*_enc`), the ID number also as a blind index; dates are Beijing calendar dates as
-- text (YYYY-MM-DD). Roster entries are removed softly (`removed_at`); every change of the body
-- or an entry leaves a masked snapshot in security_staff_history.
CREATE TABLE security_bodies (
    unit_id        TEXT PRIMARY KEY REFERENCES units(id),
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    head           TEXT NOT NULL,
    established_on TEXT,
    phone_enc      TEXT,
    version        BIGINT NOT NULL,
    updated_by     TEXT NOT NULL,
    updated_at     BIGINT NOT NULL
);

CREATE TABLE security_members (
    id                       TEXT PRIMARY KEY,
    unit_id                  TEXT NOT NULL REFERENCES units(id),
    category                 TEXT NOT NULL CHECK (category IN ('staff', 'guard')),
    name                     TEXT NOT NULL,
    post                     TEXT NOT NULL,
    full_time                BOOLEAN NOT NULL,
    phone_enc                TEXT,
    on_duty                  BOOLEAN NOT NULL,
    employment               TEXT,
    company_name             TEXT,
    company_licence_no       TEXT,
    company_foreign_invested BOOLEAN NOT NULL DEFAULT FALSE,
    certificate_no           TEXT,
    citizen_id_enc           TEXT,
    citizen_id_bidx          TEXT,
    started_on               TEXT,
    stopped_on               TEXT,
    vetting                  TEXT,
    version                  BIGINT NOT NULL,
    removed_at               BIGINT,
    created_at               BIGINT NOT NULL
);
CREATE INDEX security_members_unit ON security_members(unit_id, category);
CREATE INDEX security_members_bidx ON security_members(citizen_id_bidx);

CREATE TABLE security_trainings (
    id                     TEXT PRIMARY KEY,
    unit_id                TEXT NOT NULL REFERENCES units(id),
    member_id              TEXT NOT NULL REFERENCES security_members(id),
    trained_on             TEXT NOT NULL,
    topic                  TEXT NOT NULL,
    hours                  DOUBLE PRECISION NOT NULL,
    exam_result            TEXT NOT NULL,
    certificate_name       TEXT,
    certificate_expires_on TEXT,
    created_by             TEXT NOT NULL,
    created_at             BIGINT NOT NULL
);
CREATE INDEX security_trainings_unit ON security_trainings(unit_id, trained_on);

CREATE TABLE security_staff_records (
    id          TEXT PRIMARY KEY,
    unit_id     TEXT NOT NULL REFERENCES units(id),
    kind        TEXT NOT NULL,
    member_id   TEXT REFERENCES security_members(id),
    subject     TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    content     TEXT NOT NULL,
    handling    TEXT NOT NULL,
    result      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX security_staff_records_unit ON security_staff_records(unit_id, occurred_on);

CREATE TABLE security_staff_history (
    id          TEXT PRIMARY KEY,
    unit_id     TEXT NOT NULL REFERENCES units(id),
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    version     BIGINT NOT NULL,
    action      TEXT NOT NULL,
    snapshot    TEXT NOT NULL,
    changed_by  TEXT NOT NULL,
    changed_at  BIGINT NOT NULL
);
CREATE INDEX security_staff_history_unit ON security_staff_history(unit_id, changed_at);

-- Police–enterprise liaison points (警企联系点, docs/LIAISON.md; R33): an officer (a police
-- account) or a team, assigned by the police of the jurisdiction to units (hand-picked or an
-- industrial park), with contact hours and a contact phone (field cipher, AAD
-- liaison_points.phone). Each assignment is a row; its end is recorded, never deleted (history).
-- Times are milliseconds since the epoch.
CREATE TABLE liaison_points (
    id               TEXT PRIMARY KEY,
    officer_id       TEXT,
    name             TEXT NOT NULL,
    officer_org_name TEXT,
    team_name        TEXT NOT NULL,
    park_name        TEXT NOT NULL,
    contact_hours    TEXT NOT NULL,
    phone_enc        TEXT,
    org_id           TEXT,
    org_name         TEXT,
    created_by       TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX liaison_points_officer ON liaison_points(officer_id);
CREATE INDEX liaison_points_org ON liaison_points(org_id);
CREATE TABLE liaison_assignments (
    id            TEXT PRIMARY KEY,
    point_id      TEXT NOT NULL REFERENCES liaison_points(id),
    unit_id       TEXT NOT NULL REFERENCES units(id),
    assigned_at   BIGINT NOT NULL,
    assigned_by   TEXT NOT NULL,
    unassigned_at BIGINT,
    unassigned_by TEXT
);
CREATE INDEX liaison_assignments_point ON liaison_assignments(point_id, unassigned_at);
CREATE INDEX liaison_assignments_unit ON liaison_assignments(unit_id, unassigned_at);

-- Private-enterprise requests (民营企业诉求, docs/ENTERPRISE-REQUESTS.md; seed highlight 6): a
-- request of a unit flagged 民营企业 (units.is_private_enterprise), routed to its station, with a
-- response deadline, a handler, replies both ways, closure and the enterprise's rating.
CREATE TABLE enterprise_requests (
    id             TEXT PRIMARY KEY,
    unit_id        TEXT NOT NULL REFERENCES units(id),
    station_id     TEXT,
    kind           TEXT NOT NULL,
    text           TEXT NOT NULL,
    state          TEXT NOT NULL,
    filed_by       TEXT NOT NULL,
    filed_by_name  TEXT NOT NULL,
    filed_at       BIGINT NOT NULL,
    deadline       BIGINT NOT NULL,
    overdue        INTEGER NOT NULL,
    handler_id     TEXT,
    handler_name   TEXT,
    assigned_at    BIGINT,
    first_reply_at BIGINT,
    closed_at      BIGINT,
    closed_by      TEXT,
    closing_note   TEXT NOT NULL,
    rating         TEXT,
    rated_at       BIGINT
);
CREATE INDEX enterprise_requests_unit ON enterprise_requests(unit_id, filed_at);
CREATE INDEX enterprise_requests_state ON enterprise_requests(state, deadline);
CREATE TABLE enterprise_request_replies (
    id          TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL REFERENCES enterprise_requests(id),
    side        TEXT NOT NULL,
    author_id   TEXT NOT NULL,
    author_name TEXT NOT NULL,
    text        TEXT NOT NULL,
    at          BIGINT NOT NULL
);
CREATE INDEX enterprise_request_replies_request ON enterprise_request_replies(request_id, at);

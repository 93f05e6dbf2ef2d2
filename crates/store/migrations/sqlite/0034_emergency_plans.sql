-- Emergency plans (docs/EMERGENCY-PLANS.md; R18, R41(1); Decree 421 Art 15): a unit's plans by
-- scenario, each a chain of versions (roles, the contact tree — encrypted with the field
-- cipher —, ordered steps, resources, as JSON texts), and the review history (created, edited,
-- submitted, returned with comments, accepted). Evacuation maps are attachments of owner kind
-- `emergency_plan`. Times are milliseconds since the epoch.
CREATE TABLE emergency_plans (
    id                TEXT PRIMARY KEY,
    unit_id           TEXT NOT NULL REFERENCES units(id),
    title             TEXT NOT NULL,
    scenario          TEXT NOT NULL,
    status            TEXT NOT NULL,
    current_version   BIGINT NOT NULL,
    submitted_version BIGINT,
    accepted_version  BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX emergency_plans_unit ON emergency_plans(unit_id, scenario);
CREATE INDEX emergency_plans_status ON emergency_plans(status, updated_at);

CREATE TABLE emergency_plan_versions (
    id         TEXT PRIMARY KEY,
    plan_id    TEXT NOT NULL REFERENCES emergency_plans(id),
    version    BIGINT NOT NULL,
    title      TEXT NOT NULL,
    scenario   TEXT NOT NULL,
    roles      TEXT NOT NULL,
    contacts   TEXT NOT NULL,
    steps      TEXT NOT NULL,
    resources  TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (plan_id, version)
);

CREATE TABLE emergency_plan_reviews (
    id         TEXT PRIMARY KEY,
    plan_id    TEXT NOT NULL REFERENCES emergency_plans(id),
    version    BIGINT NOT NULL,
    action     TEXT NOT NULL,
    status     TEXT NOT NULL,
    comment    TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    at         BIGINT NOT NULL
);
CREATE INDEX emergency_plan_reviews_plan ON emergency_plan_reviews(plan_id, at);

-- The biennial safety assessment (R32; docs/ASSESSMENT.md): campaigns and assessments. The sheet
-- (items with results, notes, data evidence and hazard links) is kept as JSON; the result's
-- total and grade are columns once signed (the roll-up reads them).

CREATE TABLE assessment_campaigns (
    id              TEXT PRIMARY KEY,
    title           TEXT NOT NULL,
    -- police, self, third_party
    assessor        TEXT NOT NULL,
    assessor_org    TEXT NOT NULL DEFAULT '',
    -- the launcher's scope: a division prefix, a station or a department ('' / NULL when none)
    division_prefix TEXT NOT NULL DEFAULT '',
    station_id      TEXT,
    department_id   TEXT,
    unit_kind       TEXT,
    org_id          TEXT,
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX assessment_campaigns_created ON assessment_campaigns(created_at);

CREATE TABLE assessments (
    id                   TEXT PRIMARY KEY,
    campaign_id          TEXT REFERENCES assessment_campaigns(id),
    unit_id              TEXT NOT NULL REFERENCES units(id),
    assessor             TEXT NOT NULL,
    assessor_org         TEXT NOT NULL DEFAULT '',
    checklist_id         TEXT NOT NULL,
    variant              TEXT NOT NULL,
    period_from          BIGINT NOT NULL,
    period_to            BIGINT NOT NULL,
    -- draft, submitted, signed
    state                TEXT NOT NULL,
    items                TEXT NOT NULL,
    outcome_cases        BIGINT NOT NULL DEFAULT 0,
    total                DOUBLE PRECISION,
    grade                TEXT,
    outcome_score        BIGINT,
    created_by           TEXT NOT NULL,
    created_at           BIGINT NOT NULL,
    submitted_at         BIGINT,
    signed_by            TEXT,
    signed_at            BIGINT,
    escalation_hazard_id TEXT,
    escalation_trigger   TEXT NOT NULL DEFAULT '',
    version              BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX assessments_unit ON assessments(unit_id, signed_at);
CREATE INDEX assessments_campaign ON assessments(campaign_id);
-- At most one open (unsigned) assessment per unit.
CREATE UNIQUE INDEX assessments_open ON assessments(unit_id) WHERE state <> 'signed';

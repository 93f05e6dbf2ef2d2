-- Credit (诚信, R30; docs/CREDIT.md): manual entries by the police with a publish flag (公示),
-- withdrawal on an objection, and the unit's objections (异议) with their review.

ALTER TABLE credit_records ADD COLUMN manual INTEGER NOT NULL DEFAULT 0;
ALTER TABLE credit_records ADD COLUMN published INTEGER NOT NULL DEFAULT 1;
-- The police organisation that entered a manual entry (it reviews objections to it).
ALTER TABLE credit_records ADD COLUMN recorded_org_id TEXT;
ALTER TABLE credit_records ADD COLUMN withdrawn_at BIGINT;
ALTER TABLE credit_records ADD COLUMN withdrawal_reason TEXT NOT NULL DEFAULT '';

CREATE TABLE credit_objections (
    id              TEXT PRIMARY KEY,
    record_id       TEXT NOT NULL REFERENCES credit_records(id),
    unit_id         TEXT NOT NULL REFERENCES units(id),
    text            TEXT NOT NULL,
    -- pending, corrected, rejected
    state           TEXT NOT NULL,
    filed_by        TEXT NOT NULL,
    filed_by_name   TEXT NOT NULL,
    filed_at        BIGINT NOT NULL,
    deadline        BIGINT NOT NULL,
    overdue         INTEGER NOT NULL,
    -- withdraw, amend, reject (set by the review)
    decision        TEXT,
    decision_reason TEXT NOT NULL DEFAULT '',
    decided_by      TEXT,
    decided_by_name TEXT,
    decided_at      BIGINT,
    -- the entry's points and expiry before the review (amend and withdraw keep them here)
    old_points      BIGINT NOT NULL,
    old_expires_at  BIGINT NOT NULL,
    new_points      BIGINT,
    new_expires_at  BIGINT
);
CREATE INDEX credit_objections_unit ON credit_objections(unit_id, filed_at);
CREATE INDEX credit_objections_state ON credit_objections(state, deadline);
-- At most one pending objection per entry.
CREATE UNIQUE INDEX credit_objections_pending ON credit_objections(record_id) WHERE state = 'pending';

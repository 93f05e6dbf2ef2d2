-- 平安单位 titles (docs/HONOURS.md; the Zhejiang Opinions Part 5, S10 Art 29): a unit's
-- application for a year and the police decision, with validity dates and revocation.
-- Times are milliseconds since the epoch (UTC); validity dates are Beijing dates (YYYY-MM-DD).
CREATE TABLE safe_unit_titles (
    id               TEXT PRIMARY KEY,
    unit_id          TEXT NOT NULL REFERENCES units(id),
    year             BIGINT NOT NULL,
    -- applied, granted, refused, revoked
    state            TEXT NOT NULL,
    statement        TEXT NOT NULL,
    applied_by       TEXT NOT NULL,
    applied_by_name  TEXT NOT NULL,
    applied_at       BIGINT NOT NULL,
    decided_by       TEXT,
    decided_by_name  TEXT,
    decided_at       BIGINT,
    decision_reason  TEXT NOT NULL DEFAULT '',
    valid_from       TEXT,
    valid_until      TEXT,
    revoked_at       BIGINT,
    revoke_reason    TEXT NOT NULL DEFAULT ''
);
-- One application per unit and year that is not refused.
CREATE UNIQUE INDEX safe_unit_titles_unit_year ON safe_unit_titles (unit_id, year) WHERE state <> 'refused';

-- Third-party assessors and assessment scores on the dashboard (issue 14; docs/ASSESSMENT.md
-- "Third-party assessors", docs/DASHBOARDS.md).
--
-- 1. Organisations of a new kind, 'assessor_org' (第三方评估机构), whose accounts (role assessor)
--    see only the units assigned to them. SQLite cannot change the CHECK on organisations.kind in
--    place, so the table is rebuilt. sqlx runs every SQLite migration in a transaction, where
--    foreign keys cannot be switched off; they are deferred instead: dropping the old table
--    counts its referencing rows as violations, re-inserting the same ids into the new table
--    (same name, so every REFERENCES organisations(id) now means it) takes them back, and the
--    commit checks that none is left.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE organisations_old AS SELECT id, name, kind, division_code, parent_id, sector, version, status, merged_into, closed_at
    FROM organisations;
DROP TABLE organisations;
CREATE TABLE organisations (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('police_province','police_city','police_county','police_station','department','assessor_org')),
    division_code TEXT NOT NULL,
    parent_id     TEXT REFERENCES organisations(id),
    sector        TEXT,
    version       BIGINT NOT NULL DEFAULT 1,
    status        TEXT NOT NULL DEFAULT 'open',
    merged_into   TEXT,
    closed_at     BIGINT
);
INSERT INTO organisations (id, name, kind, division_code, parent_id, sector, version, status, merged_into, closed_at)
    SELECT id, name, kind, division_code, parent_id, sector, version, status, merged_into, closed_at FROM organisations_old;
DROP TABLE organisations_old;
CREATE INDEX organisations_division ON organisations(division_code);
CREATE INDEX organisations_parent ON organisations(parent_id);
CREATE INDEX organisations_status ON organisations(status);

-- 2. The organisation conducting a campaign's and an assessment's sheets, and the units a
--    campaign assigns to it (the assessor's scope: `push_assessment_scope`).
ALTER TABLE assessment_campaigns ADD COLUMN assessor_org_id TEXT;
ALTER TABLE assessments ADD COLUMN assessor_org_id TEXT;
CREATE TABLE assessment_assignments (
    campaign_id TEXT NOT NULL REFERENCES assessment_campaigns(id),
    unit_id     TEXT NOT NULL REFERENCES units(id),
    org_id      TEXT NOT NULL,
    assigned_by TEXT NOT NULL,
    assigned_at BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, unit_id)
);
CREATE INDEX assessment_assignments_org ON assessment_assignments(org_id, unit_id);

-- 3. The dashboard trend of assessment scores: per unit and day a result is signed, the count
--    ('assessments_signed') and the sum of the totals in tenths of a point
--    ('assessment_score_tenths'); the dashboard divides (DashboardService::charts).
CREATE TRIGGER dashboard_assessment_signed AFTER UPDATE OF state ON assessments
WHEN OLD.state <> 'signed' AND NEW.state = 'signed' AND NEW.signed_at IS NOT NULL BEGIN
    INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
    SELECT NEW.unit_id, date(NEW.signed_at / 1000 + 28800, 'unixepoch'), 'assessments_signed', '', u.division_code, 1
    FROM units u WHERE u.id = NEW.unit_id
    ON CONFLICT (unit_id, day, metric, dim) DO UPDATE SET n = n + 1;
    INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
    SELECT NEW.unit_id, date(NEW.signed_at / 1000 + 28800, 'unixepoch'), 'assessment_score_tenths', '', u.division_code,
        CAST(ROUND(COALESCE(NEW.total, 0) * 10) AS INTEGER)
    FROM units u WHERE u.id = NEW.unit_id
    ON CONFLICT (unit_id, day, metric, dim) DO UPDATE SET n = n + excluded.n;
    INSERT INTO dashboard_area_daily (lvl, area, day, metric, dim, n)
    SELECT l.k, substr(u.division_code, 1, l.k), date(NEW.signed_at / 1000 + 28800, 'unixepoch'), 'assessments_signed', '', 1
    FROM units u, dashboard_levels l WHERE u.id = NEW.unit_id
    ON CONFLICT (lvl, area, day, metric, dim) DO UPDATE SET n = n + 1;
    INSERT INTO dashboard_area_daily (lvl, area, day, metric, dim, n)
    SELECT l.k, substr(u.division_code, 1, l.k), date(NEW.signed_at / 1000 + 28800, 'unixepoch'), 'assessment_score_tenths', '',
        CAST(ROUND(COALESCE(NEW.total, 0) * 10) AS INTEGER)
    FROM units u, dashboard_levels l WHERE u.id = NEW.unit_id
    ON CONFLICT (lvl, area, day, metric, dim) DO UPDATE SET n = n + excluded.n;
END;

-- The results signed before this migration.
INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
SELECT a.unit_id, date(a.signed_at / 1000 + 28800, 'unixepoch'), 'assessments_signed', '', u.division_code, COUNT(*)
FROM assessments a JOIN units u ON u.id = a.unit_id WHERE a.state = 'signed' AND a.signed_at IS NOT NULL
GROUP BY a.unit_id, date(a.signed_at / 1000 + 28800, 'unixepoch'), u.division_code
ON CONFLICT (unit_id, day, metric, dim) DO UPDATE SET n = n + excluded.n;
INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
SELECT a.unit_id, date(a.signed_at / 1000 + 28800, 'unixepoch'), 'assessment_score_tenths', '', u.division_code,
    SUM(CAST(ROUND(COALESCE(a.total, 0) * 10) AS INTEGER))
FROM assessments a JOIN units u ON u.id = a.unit_id WHERE a.state = 'signed' AND a.signed_at IS NOT NULL
GROUP BY a.unit_id, date(a.signed_at / 1000 + 28800, 'unixepoch'), u.division_code
ON CONFLICT (unit_id, day, metric, dim) DO UPDATE SET n = n + excluded.n;
INSERT INTO dashboard_area_daily (lvl, area, day, metric, dim, n)
SELECT l.k, substr(d.division_code, 1, l.k), d.day, d.metric, '', SUM(d.n)
FROM dashboard_daily d, dashboard_levels l WHERE d.metric IN ('assessments_signed', 'assessment_score_tenths')
GROUP BY l.k, substr(d.division_code, 1, l.k), d.day, d.metric
ON CONFLICT (lvl, area, day, metric, dim) DO UPDATE SET n = n + excluded.n;


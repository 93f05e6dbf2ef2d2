-- Third-party assessors and assessment scores on the dashboard (issue 14; docs/ASSESSMENT.md
-- "Third-party assessors", docs/DASHBOARDS.md).
--
-- 1. Organisations of a new kind, 'assessor_org' (第三方评估机构), whose accounts (role assessor)
--    see only the units assigned to them.
ALTER TABLE organisations DROP CONSTRAINT IF EXISTS organisations_kind_check;
ALTER TABLE organisations ADD CONSTRAINT organisations_kind_check
    CHECK (kind IN ('police_province','police_city','police_county','police_station','department','assessor_org'));

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
CREATE FUNCTION dashboard_add(p_unit TEXT, p_day TEXT, p_metric TEXT, p_n BIGINT) RETURNS VOID AS $$
    INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
    SELECT p_unit, p_day, p_metric, '', u.division_code, p_n FROM units u WHERE u.id = p_unit
    ON CONFLICT (unit_id, day, metric, dim) DO UPDATE SET n = dashboard_daily.n + p_n;
    INSERT INTO dashboard_area_daily (lvl, area, day, metric, dim, n)
    SELECT l.k, substr(u.division_code, 1, l.k), p_day, p_metric, '', p_n
    FROM units u CROSS JOIN dashboard_levels l WHERE u.id = p_unit
    ON CONFLICT (lvl, area, day, metric, dim) DO UPDATE SET n = dashboard_area_daily.n + p_n;
$$ LANGUAGE SQL;

CREATE FUNCTION dashboard_assessment_trigger() RETURNS TRIGGER AS $$
BEGIN
    IF OLD.state <> 'signed' AND NEW.state = 'signed' AND NEW.signed_at IS NOT NULL THEN
        PERFORM dashboard_add(NEW.unit_id, dashboard_day(NEW.signed_at), 'assessments_signed', 1);
        PERFORM dashboard_add(NEW.unit_id, dashboard_day(NEW.signed_at), 'assessment_score_tenths',
            ROUND(COALESCE(NEW.total, 0) * 10)::BIGINT);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER dashboard_assessment_signed AFTER UPDATE OF state ON assessments
    FOR EACH ROW EXECUTE FUNCTION dashboard_assessment_trigger();

-- The results signed before this migration.
INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
SELECT a.unit_id, dashboard_day(a.signed_at), 'assessments_signed', '', u.division_code, COUNT(*)
FROM assessments a JOIN units u ON u.id = a.unit_id WHERE a.state = 'signed' AND a.signed_at IS NOT NULL
GROUP BY a.unit_id, dashboard_day(a.signed_at), u.division_code
ON CONFLICT (unit_id, day, metric, dim) DO UPDATE SET n = dashboard_daily.n + excluded.n;
INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
SELECT a.unit_id, dashboard_day(a.signed_at), 'assessment_score_tenths', '', u.division_code,
    SUM(ROUND(COALESCE(a.total, 0) * 10)::BIGINT)
FROM assessments a JOIN units u ON u.id = a.unit_id WHERE a.state = 'signed' AND a.signed_at IS NOT NULL
GROUP BY a.unit_id, dashboard_day(a.signed_at), u.division_code
ON CONFLICT (unit_id, day, metric, dim) DO UPDATE SET n = dashboard_daily.n + excluded.n;
INSERT INTO dashboard_area_daily (lvl, area, day, metric, dim, n)
SELECT l.k, substr(d.division_code, 1, l.k), d.day, d.metric, '', SUM(d.n)
FROM dashboard_daily d CROSS JOIN dashboard_levels l WHERE d.metric IN ('assessments_signed', 'assessment_score_tenths')
GROUP BY l.k, substr(d.division_code, 1, l.k), d.day, d.metric
ON CONFLICT (lvl, area, day, metric, dim) DO UPDATE SET n = dashboard_area_daily.n + excluded.n;

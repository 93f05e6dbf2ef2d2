-- Dashboard counters rolled up by area (issue 14, docs/DASHBOARDS.md): the same counts as
-- dashboard_daily and dashboard_unit_state (migration 0067) for every level a division dashboard
-- reads (lvl = leading digits of the unit's division code: 2 province, 4 city, 6 county,
-- 9 township). Same tables and meaning as the SQLite migration of the same number; here the
-- counting functions of 0067 are extended, so the triggers stay as they are.
CREATE TABLE dashboard_levels (k INTEGER PRIMARY KEY);
INSERT INTO dashboard_levels (k) VALUES (2), (4), (6), (9);

CREATE TABLE dashboard_area_daily (
    lvl    INTEGER NOT NULL,
    area   TEXT NOT NULL,
    day    TEXT NOT NULL,
    metric TEXT NOT NULL,
    dim    TEXT NOT NULL DEFAULT '',
    n      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (lvl, area, day, metric, dim)
);
CREATE INDEX dashboard_area_daily_pattern ON dashboard_area_daily(lvl, area text_pattern_ops, day);

CREATE TABLE dashboard_area_state (
    lvl    INTEGER NOT NULL,
    area   TEXT NOT NULL,
    metric TEXT NOT NULL,
    n      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (lvl, area, metric)
);
CREATE INDEX dashboard_area_state_pattern ON dashboard_area_state(lvl, area text_pattern_ops);

CREATE OR REPLACE FUNCTION dashboard_count(p_unit TEXT, p_day TEXT, p_metric TEXT, p_dim TEXT) RETURNS VOID AS $$
    INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
    SELECT p_unit, p_day, p_metric, p_dim, u.division_code, 1 FROM units u WHERE u.id = p_unit
    ON CONFLICT (unit_id, day, metric, dim) DO UPDATE SET n = dashboard_daily.n + 1;
    INSERT INTO dashboard_area_daily (lvl, area, day, metric, dim, n)
    SELECT l.k, substr(u.division_code, 1, l.k), p_day, p_metric, p_dim, 1
    FROM units u CROSS JOIN dashboard_levels l WHERE u.id = p_unit
    ON CONFLICT (lvl, area, day, metric, dim) DO UPDATE SET n = dashboard_area_daily.n + 1;
$$ LANGUAGE SQL;

CREATE OR REPLACE FUNCTION dashboard_state(p_unit TEXT, p_metric TEXT, p_delta BIGINT) RETURNS VOID AS $$
    INSERT INTO dashboard_unit_state (unit_id, metric, division_code, n)
    SELECT p_unit, p_metric, u.division_code, p_delta FROM units u WHERE u.id = p_unit
    ON CONFLICT (unit_id, metric) DO UPDATE SET n = dashboard_unit_state.n + p_delta;
    INSERT INTO dashboard_area_state (lvl, area, metric, n)
    SELECT l.k, substr(u.division_code, 1, l.k), p_metric, p_delta
    FROM units u CROSS JOIN dashboard_levels l WHERE u.id = p_unit
    ON CONFLICT (lvl, area, metric) DO UPDATE SET n = dashboard_area_state.n + p_delta;
$$ LANGUAGE SQL;

-- The roll-up of what is counted already.
INSERT INTO dashboard_area_daily (lvl, area, day, metric, dim, n)
SELECT l.k, substr(d.division_code, 1, l.k) AS a, d.day, d.metric, d.dim, SUM(d.n)
FROM dashboard_daily d CROSS JOIN dashboard_levels l GROUP BY l.k, a, d.day, d.metric, d.dim;
INSERT INTO dashboard_area_state (lvl, area, metric, n)
SELECT l.k, substr(s.division_code, 1, l.k) AS a, s.metric, SUM(s.n)
FROM dashboard_unit_state s CROSS JOIN dashboard_levels l GROUP BY l.k, a, s.metric;

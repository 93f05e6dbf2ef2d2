-- Dashboard counters rolled up by area (issue 14, docs/DASHBOARDS.md): the same counts as
-- dashboard_daily and dashboard_unit_state (migration 0067), kept by triggers for every level a
-- division dashboard reads (lvl = leading digits of the unit's division code: 2 province, 4 city,
-- 6 county, 9 township), so that a province's figures are a few hundred rows, not one per unit.
-- A unit registered with a shorter code than the level counts under that shorter code.
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

CREATE TABLE dashboard_area_state (
    lvl    INTEGER NOT NULL,
    area   TEXT NOT NULL,
    metric TEXT NOT NULL,
    n      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (lvl, area, metric)
);

CREATE TRIGGER dashboard_area_alert_raised AFTER INSERT ON alerts BEGIN
    INSERT INTO dashboard_area_daily (lvl, area, day, metric, dim, n)
    SELECT l.k, substr(u.division_code, 1, l.k), date(NEW.first_seen / 1000 + 28800, 'unixepoch'), 'alerts_raised', '', 1
    FROM units u, dashboard_levels l WHERE u.id = NEW.unit_id
    ON CONFLICT (lvl, area, day, metric, dim) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER dashboard_area_alert_false_positive AFTER UPDATE OF false_positive_reason ON alerts
WHEN OLD.false_positive_reason IS NULL AND NEW.false_positive_reason IS NOT NULL BEGIN
    INSERT INTO dashboard_area_daily (lvl, area, day, metric, dim, n)
    SELECT l.k, substr(u.division_code, 1, l.k), date(COALESCE(NEW.resolved_at, NEW.last_seen) / 1000 + 28800, 'unixepoch'), 'false_positives', NEW.rule, 1
    FROM units u, dashboard_levels l WHERE u.id = NEW.unit_id
    ON CONFLICT (lvl, area, day, metric, dim) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER dashboard_area_hazard_opened AFTER INSERT ON hazards BEGIN
    INSERT INTO dashboard_area_daily (lvl, area, day, metric, dim, n)
    SELECT l.k, substr(u.division_code, 1, l.k), date(NEW.created_at / 1000 + 28800, 'unixepoch'), 'hazards_opened', '', 1
    FROM units u, dashboard_levels l WHERE u.id = NEW.unit_id
    ON CONFLICT (lvl, area, day, metric, dim) DO UPDATE SET n = n + 1;
    INSERT INTO dashboard_area_daily (lvl, area, day, metric, dim, n)
    SELECT l.k, substr(u.division_code, 1, l.k), date(NEW.created_at / 1000 + 28800, 'unixepoch'), 'hazards_closed', '', 1
    FROM units u, dashboard_levels l WHERE u.id = NEW.unit_id AND NEW.phase = 'closed'
    ON CONFLICT (lvl, area, day, metric, dim) DO UPDATE SET n = n + 1;
    INSERT INTO dashboard_area_state (lvl, area, metric, n)
    SELECT l.k, substr(u.division_code, 1, l.k), 'hazards_open', 1
    FROM units u, dashboard_levels l WHERE u.id = NEW.unit_id AND NEW.phase NOT IN ('closed', 'fine_decided', 'criminal_transfer')
    ON CONFLICT (lvl, area, metric) DO UPDATE SET n = n + 1;
    INSERT INTO dashboard_area_state (lvl, area, metric, n)
    SELECT l.k, substr(u.division_code, 1, l.k), 'hazards_overdue', 1
    FROM units u, dashboard_levels l WHERE u.id = NEW.unit_id AND NEW.phase = 'overdue'
    ON CONFLICT (lvl, area, metric) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER dashboard_area_hazard_phase AFTER UPDATE OF phase ON hazards WHEN OLD.phase <> NEW.phase BEGIN
    INSERT INTO dashboard_area_daily (lvl, area, day, metric, dim, n)
    SELECT l.k, substr(u.division_code, 1, l.k), date(NEW.updated_at / 1000 + 28800, 'unixepoch'), 'hazards_closed', '', 1
    FROM units u, dashboard_levels l WHERE u.id = NEW.unit_id AND NEW.phase = 'closed'
    ON CONFLICT (lvl, area, day, metric, dim) DO UPDATE SET n = n + 1;
    UPDATE dashboard_area_state SET n = n - 1
    WHERE metric = 'hazards_open'
      AND (lvl, area) IN (SELECT l.k, substr(u.division_code, 1, l.k) FROM units u, dashboard_levels l WHERE u.id = NEW.unit_id)
      AND OLD.phase NOT IN ('closed', 'fine_decided', 'criminal_transfer')
      AND NEW.phase IN ('closed', 'fine_decided', 'criminal_transfer');
    INSERT INTO dashboard_area_state (lvl, area, metric, n)
    SELECT l.k, substr(u.division_code, 1, l.k), 'hazards_open', 1
    FROM units u, dashboard_levels l WHERE u.id = NEW.unit_id
      AND OLD.phase IN ('closed', 'fine_decided', 'criminal_transfer')
      AND NEW.phase NOT IN ('closed', 'fine_decided', 'criminal_transfer')
    ON CONFLICT (lvl, area, metric) DO UPDATE SET n = n + 1;
    UPDATE dashboard_area_state SET n = n - 1
    WHERE metric = 'hazards_overdue' AND OLD.phase = 'overdue'
      AND (lvl, area) IN (SELECT l.k, substr(u.division_code, 1, l.k) FROM units u, dashboard_levels l WHERE u.id = NEW.unit_id);
    INSERT INTO dashboard_area_state (lvl, area, metric, n)
    SELECT l.k, substr(u.division_code, 1, l.k), 'hazards_overdue', 1
    FROM units u, dashboard_levels l WHERE u.id = NEW.unit_id AND NEW.phase = 'overdue'
    ON CONFLICT (lvl, area, metric) DO UPDATE SET n = n + 1;
END;

-- The roll-up of what is counted already.
INSERT INTO dashboard_area_daily (lvl, area, day, metric, dim, n)
SELECT l.k, substr(d.division_code, 1, l.k) AS a, d.day, d.metric, d.dim, SUM(d.n)
FROM dashboard_daily d, dashboard_levels l WHERE 1 = 1 GROUP BY l.k, a, d.day, d.metric, d.dim;
INSERT INTO dashboard_area_state (lvl, area, metric, n)
SELECT l.k, substr(s.division_code, 1, l.k) AS a, s.metric, SUM(s.n)
FROM dashboard_unit_state s, dashboard_levels l WHERE 1 = 1 GROUP BY l.k, a, s.metric;

-- Dashboard aggregates (issue 14, docs/DASHBOARDS.md): counters maintained on write by triggers, so
-- the dashboard of a province reads a few thousand counter rows instead of scanning alerts and
-- hazards. Days are China Standard Time (UTC+8) calendar days, 'YYYY-MM-DD'.
--
-- dashboard_daily: how many things happened per unit, day and metric ('alerts_raised',
-- 'hazards_opened', 'hazards_closed', 'false_positives' with dim = the alert's rule code). The
-- unit's division code is copied at write time (a unit moved later keeps its history where it was).
CREATE TABLE dashboard_daily (
    unit_id       TEXT NOT NULL,
    day           TEXT NOT NULL,
    metric        TEXT NOT NULL,
    dim           TEXT NOT NULL DEFAULT '',
    division_code TEXT NOT NULL,
    n             BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, day, metric, dim)
);
CREATE INDEX dashboard_daily_division ON dashboard_daily(division_code, day);
CREATE INDEX dashboard_daily_day ON dashboard_daily(day, metric);

-- dashboard_unit_state: how many things a unit has now ('hazards_open': not closed, fined or
-- transferred; 'hazards_overdue': in the overdue phase).
CREATE TABLE dashboard_unit_state (
    unit_id       TEXT NOT NULL,
    metric        TEXT NOT NULL,
    division_code TEXT NOT NULL,
    n             BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, metric)
);
CREATE INDEX dashboard_unit_state_metric ON dashboard_unit_state(metric, n);

CREATE TRIGGER dashboard_alert_raised AFTER INSERT ON alerts BEGIN
    INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
    SELECT NEW.unit_id, date(NEW.first_seen / 1000 + 28800, 'unixepoch'), 'alerts_raised', '', u.division_code, 1
    FROM units u WHERE u.id = NEW.unit_id
    ON CONFLICT (unit_id, day, metric, dim) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER dashboard_alert_false_positive AFTER UPDATE OF false_positive_reason ON alerts
WHEN OLD.false_positive_reason IS NULL AND NEW.false_positive_reason IS NOT NULL BEGIN
    INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
    SELECT NEW.unit_id, date(COALESCE(NEW.resolved_at, NEW.last_seen) / 1000 + 28800, 'unixepoch'), 'false_positives', NEW.rule, u.division_code, 1
    FROM units u WHERE u.id = NEW.unit_id
    ON CONFLICT (unit_id, day, metric, dim) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER dashboard_hazard_opened AFTER INSERT ON hazards BEGIN
    INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
    SELECT NEW.unit_id, date(NEW.created_at / 1000 + 28800, 'unixepoch'), 'hazards_opened', '', u.division_code, 1
    FROM units u WHERE u.id = NEW.unit_id
    ON CONFLICT (unit_id, day, metric, dim) DO UPDATE SET n = n + 1;
    INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
    SELECT NEW.unit_id, date(NEW.created_at / 1000 + 28800, 'unixepoch'), 'hazards_closed', '', u.division_code, 1
    FROM units u WHERE u.id = NEW.unit_id AND NEW.phase = 'closed'
    ON CONFLICT (unit_id, day, metric, dim) DO UPDATE SET n = n + 1;
    INSERT INTO dashboard_unit_state (unit_id, metric, division_code, n)
    SELECT NEW.unit_id, 'hazards_open', u.division_code, 1
    FROM units u WHERE u.id = NEW.unit_id AND NEW.phase NOT IN ('closed', 'fine_decided', 'criminal_transfer')
    ON CONFLICT (unit_id, metric) DO UPDATE SET n = n + 1;
    INSERT INTO dashboard_unit_state (unit_id, metric, division_code, n)
    SELECT NEW.unit_id, 'hazards_overdue', u.division_code, 1
    FROM units u WHERE u.id = NEW.unit_id AND NEW.phase = 'overdue'
    ON CONFLICT (unit_id, metric) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER dashboard_hazard_phase AFTER UPDATE OF phase ON hazards WHEN OLD.phase <> NEW.phase BEGIN
    INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
    SELECT NEW.unit_id, date(NEW.updated_at / 1000 + 28800, 'unixepoch'), 'hazards_closed', '', u.division_code, 1
    FROM units u WHERE u.id = NEW.unit_id AND NEW.phase = 'closed'
    ON CONFLICT (unit_id, day, metric, dim) DO UPDATE SET n = n + 1;
    UPDATE dashboard_unit_state SET n = n - 1
    WHERE unit_id = NEW.unit_id AND metric = 'hazards_open'
      AND OLD.phase NOT IN ('closed', 'fine_decided', 'criminal_transfer')
      AND NEW.phase IN ('closed', 'fine_decided', 'criminal_transfer');
    INSERT INTO dashboard_unit_state (unit_id, metric, division_code, n)
    SELECT NEW.unit_id, 'hazards_open', u.division_code, 1
    FROM units u WHERE u.id = NEW.unit_id
      AND OLD.phase IN ('closed', 'fine_decided', 'criminal_transfer')
      AND NEW.phase NOT IN ('closed', 'fine_decided', 'criminal_transfer')
    ON CONFLICT (unit_id, metric) DO UPDATE SET n = n + 1;
    UPDATE dashboard_unit_state SET n = n - 1
    WHERE unit_id = NEW.unit_id AND metric = 'hazards_overdue' AND OLD.phase = 'overdue';
    INSERT INTO dashboard_unit_state (unit_id, metric, division_code, n)
    SELECT NEW.unit_id, 'hazards_overdue', u.division_code, 1
    FROM units u WHERE u.id = NEW.unit_id AND NEW.phase = 'overdue'
    ON CONFLICT (unit_id, metric) DO UPDATE SET n = n + 1;
END;

-- The counters of what is already there.
INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
SELECT a.unit_id, date(a.first_seen / 1000 + 28800, 'unixepoch') AS d, 'alerts_raised', '', u.division_code, COUNT(*)
FROM alerts a JOIN units u ON u.id = a.unit_id GROUP BY a.unit_id, d, u.division_code;
INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
SELECT a.unit_id, date(COALESCE(a.resolved_at, a.last_seen) / 1000 + 28800, 'unixepoch') AS d, 'false_positives', a.rule, u.division_code, COUNT(*)
FROM alerts a JOIN units u ON u.id = a.unit_id WHERE a.false_positive_reason IS NOT NULL GROUP BY a.unit_id, d, a.rule, u.division_code;
INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
SELECT h.unit_id, date(h.created_at / 1000 + 28800, 'unixepoch') AS d, 'hazards_opened', '', u.division_code, COUNT(*)
FROM hazards h JOIN units u ON u.id = h.unit_id GROUP BY h.unit_id, d, u.division_code;
INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
SELECT h.unit_id, date(h.updated_at / 1000 + 28800, 'unixepoch') AS d, 'hazards_closed', '', u.division_code, COUNT(*)
FROM hazards h JOIN units u ON u.id = h.unit_id WHERE h.phase = 'closed' GROUP BY h.unit_id, d, u.division_code;
INSERT INTO dashboard_unit_state (unit_id, metric, division_code, n)
SELECT h.unit_id, 'hazards_open', u.division_code, COUNT(*)
FROM hazards h JOIN units u ON u.id = h.unit_id WHERE h.phase NOT IN ('closed', 'fine_decided', 'criminal_transfer') GROUP BY h.unit_id, u.division_code;
INSERT INTO dashboard_unit_state (unit_id, metric, division_code, n)
SELECT h.unit_id, 'hazards_overdue', u.division_code, COUNT(*)
FROM hazards h JOIN units u ON u.id = h.unit_id WHERE h.phase = 'overdue' GROUP BY h.unit_id, u.division_code;

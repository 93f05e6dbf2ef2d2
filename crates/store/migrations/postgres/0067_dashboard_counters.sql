-- Dashboard aggregates (issue 14, docs/DASHBOARDS.md): counters maintained on write by triggers, so
-- the dashboard of a province reads a few thousand counter rows instead of scanning alerts and
-- hazards. Days are China Standard Time (UTC+8) calendar days, 'YYYY-MM-DD'. Same tables and
-- meaning as the SQLite migration of the same number.
CREATE TABLE dashboard_daily (
    unit_id       TEXT NOT NULL,
    day           TEXT NOT NULL,
    metric        TEXT NOT NULL,
    dim           TEXT NOT NULL DEFAULT '',
    division_code TEXT NOT NULL,
    n             BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, day, metric, dim)
);
CREATE INDEX dashboard_daily_division ON dashboard_daily(division_code text_pattern_ops, day);
CREATE INDEX dashboard_daily_day ON dashboard_daily(day, metric);

CREATE TABLE dashboard_unit_state (
    unit_id       TEXT NOT NULL,
    metric        TEXT NOT NULL,
    division_code TEXT NOT NULL,
    n             BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, metric)
);
CREATE INDEX dashboard_unit_state_metric ON dashboard_unit_state(metric, n);

CREATE FUNCTION dashboard_day(ms BIGINT) RETURNS TEXT AS $$
    SELECT to_char(to_timestamp(ms / 1000 + 28800) AT TIME ZONE 'UTC', 'YYYY-MM-DD')
$$ LANGUAGE SQL IMMUTABLE;

CREATE FUNCTION dashboard_count(p_unit TEXT, p_day TEXT, p_metric TEXT, p_dim TEXT) RETURNS VOID AS $$
    INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
    SELECT p_unit, p_day, p_metric, p_dim, u.division_code, 1 FROM units u WHERE u.id = p_unit
    ON CONFLICT (unit_id, day, metric, dim) DO UPDATE SET n = dashboard_daily.n + 1
$$ LANGUAGE SQL;

CREATE FUNCTION dashboard_state(p_unit TEXT, p_metric TEXT, p_delta BIGINT) RETURNS VOID AS $$
    INSERT INTO dashboard_unit_state (unit_id, metric, division_code, n)
    SELECT p_unit, p_metric, u.division_code, p_delta FROM units u WHERE u.id = p_unit
    ON CONFLICT (unit_id, metric) DO UPDATE SET n = dashboard_unit_state.n + p_delta
$$ LANGUAGE SQL;

CREATE FUNCTION dashboard_alert_trigger() RETURNS TRIGGER AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM dashboard_count(NEW.unit_id, dashboard_day(NEW.first_seen), 'alerts_raised', '');
    ELSIF OLD.false_positive_reason IS NULL AND NEW.false_positive_reason IS NOT NULL THEN
        PERFORM dashboard_count(NEW.unit_id, dashboard_day(COALESCE(NEW.resolved_at, NEW.last_seen)), 'false_positives', NEW.rule);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER dashboard_alert_raised AFTER INSERT ON alerts
    FOR EACH ROW EXECUTE FUNCTION dashboard_alert_trigger();
CREATE TRIGGER dashboard_alert_false_positive AFTER UPDATE OF false_positive_reason ON alerts
    FOR EACH ROW EXECUTE FUNCTION dashboard_alert_trigger();

CREATE FUNCTION dashboard_hazard_trigger() RETURNS TRIGGER AS $$
DECLARE
    ended TEXT[] := ARRAY['closed', 'fine_decided', 'criminal_transfer'];
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM dashboard_count(NEW.unit_id, dashboard_day(NEW.created_at), 'hazards_opened', '');
        IF NEW.phase = 'closed' THEN
            PERFORM dashboard_count(NEW.unit_id, dashboard_day(NEW.created_at), 'hazards_closed', '');
        END IF;
        IF NOT (NEW.phase = ANY(ended)) THEN
            PERFORM dashboard_state(NEW.unit_id, 'hazards_open', 1);
        END IF;
        IF NEW.phase = 'overdue' THEN
            PERFORM dashboard_state(NEW.unit_id, 'hazards_overdue', 1);
        END IF;
    ELSIF OLD.phase <> NEW.phase THEN
        IF NEW.phase = 'closed' THEN
            PERFORM dashboard_count(NEW.unit_id, dashboard_day(NEW.updated_at), 'hazards_closed', '');
        END IF;
        IF NOT (OLD.phase = ANY(ended)) AND NEW.phase = ANY(ended) THEN
            PERFORM dashboard_state(NEW.unit_id, 'hazards_open', -1);
        ELSIF OLD.phase = ANY(ended) AND NOT (NEW.phase = ANY(ended)) THEN
            PERFORM dashboard_state(NEW.unit_id, 'hazards_open', 1);
        END IF;
        IF OLD.phase = 'overdue' THEN
            PERFORM dashboard_state(NEW.unit_id, 'hazards_overdue', -1);
        END IF;
        IF NEW.phase = 'overdue' THEN
            PERFORM dashboard_state(NEW.unit_id, 'hazards_overdue', 1);
        END IF;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER dashboard_hazard_opened AFTER INSERT ON hazards
    FOR EACH ROW EXECUTE FUNCTION dashboard_hazard_trigger();
CREATE TRIGGER dashboard_hazard_phase AFTER UPDATE OF phase ON hazards
    FOR EACH ROW EXECUTE FUNCTION dashboard_hazard_trigger();

-- The counters of what is already there.
INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
SELECT a.unit_id, dashboard_day(a.first_seen) AS d, 'alerts_raised', '', u.division_code, COUNT(*)
FROM alerts a JOIN units u ON u.id = a.unit_id GROUP BY a.unit_id, d, u.division_code;
INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
SELECT a.unit_id, dashboard_day(COALESCE(a.resolved_at, a.last_seen)) AS d, 'false_positives', a.rule, u.division_code, COUNT(*)
FROM alerts a JOIN units u ON u.id = a.unit_id WHERE a.false_positive_reason IS NOT NULL GROUP BY a.unit_id, d, a.rule, u.division_code;
INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
SELECT h.unit_id, dashboard_day(h.created_at) AS d, 'hazards_opened', '', u.division_code, COUNT(*)
FROM hazards h JOIN units u ON u.id = h.unit_id GROUP BY h.unit_id, d, u.division_code;
INSERT INTO dashboard_daily (unit_id, day, metric, dim, division_code, n)
SELECT h.unit_id, dashboard_day(h.updated_at) AS d, 'hazards_closed', '', u.division_code, COUNT(*)
FROM hazards h JOIN units u ON u.id = h.unit_id WHERE h.phase = 'closed' GROUP BY h.unit_id, d, u.division_code;
INSERT INTO dashboard_unit_state (unit_id, metric, division_code, n)
SELECT h.unit_id, 'hazards_open', u.division_code, COUNT(*)
FROM hazards h JOIN units u ON u.id = h.unit_id WHERE h.phase NOT IN ('closed', 'fine_decided', 'criminal_transfer') GROUP BY h.unit_id, u.division_code;
INSERT INTO dashboard_unit_state (unit_id, metric, division_code, n)
SELECT h.unit_id, 'hazards_overdue', u.division_code, COUNT(*)
FROM hazards h JOIN units u ON u.id = h.unit_id WHERE h.phase = 'overdue' GROUP BY h.unit_id, u.division_code;

-- Indexes for the list pages and the dashboard at province scale (100 000 units, 1 000 000 devices,
-- 10 000 000 events): lists walk these in order and stop after a page.
CREATE INDEX units_division_name ON units(division_code, name);
CREATE INDEX devices_unit_seen ON devices(unit_id, last_seen_at);
CREATE INDEX alerts_last ON alerts(last_seen DESC, id DESC);
CREATE INDEX alerts_status_last_id ON alerts(status, last_seen DESC, id DESC);
-- Prefix searches (division_code LIKE '3301%') use this whatever the database collation.
CREATE INDEX units_division_pattern ON units(division_code text_pattern_ops);

-- Alerts resolved as false positives (误报) keep the reason, for per-rule statistics.
ALTER TABLE alerts ADD COLUMN false_positive_reason TEXT;
CREATE INDEX alerts_rule_first_seen ON alerts(rule, first_seen);

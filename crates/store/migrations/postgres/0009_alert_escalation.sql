-- The escalation chain of unacknowledged alerts: how far up the police tree an alert went.
ALTER TABLE alerts ADD COLUMN escalation_level BIGINT NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN escalated_to TEXT;
ALTER TABLE alerts ADD COLUMN escalated_at BIGINT;

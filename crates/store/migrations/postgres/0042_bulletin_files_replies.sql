-- Bulletins (docs/BULLETINS.md) get files and the police's reply to a unit's report upward.
--
-- 1. A downward bulletin's files belong to the police who issued it, not to one unit: an
--    attachment's `unit_id` may now be NULL (such files are read only through the capability
--    that owns them, after it has checked the owner is visible; the unit-scoped reads of the
--    attachments kernel never return them).
ALTER TABLE attachments ALTER COLUMN unit_id DROP NOT NULL;

-- 2. The police's reply to a unit's report (direction 'up'): its text (at most 1000 characters),
--    who replied (account id and name) and when (milliseconds since the epoch). One reply each.
ALTER TABLE bulletins ADD COLUMN police_reply TEXT;
ALTER TABLE bulletins ADD COLUMN police_reply_by TEXT;
ALTER TABLE bulletins ADD COLUMN police_reply_by_name TEXT;
ALTER TABLE bulletins ADD COLUMN police_reply_at BIGINT;

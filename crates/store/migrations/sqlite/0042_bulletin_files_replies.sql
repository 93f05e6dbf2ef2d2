-- Bulletins (docs/BULLETINS.md) get files and the police's reply to a unit's report upward.
--
-- 1. A downward bulletin's files belong to the police who issued it, not to one unit: an
--    attachment's `unit_id` may now be NULL (such files are read only through the capability
--    that owns them, after it has checked the owner is visible; the unit-scoped reads of the
--    attachments kernel never return them). SQLite cannot drop NOT NULL: the table is rebuilt
--    with the same columns, rows and index.
CREATE TABLE attachments_new (
    id             TEXT PRIMARY KEY,
    unit_id        TEXT REFERENCES units(id),
    owner_kind     TEXT NOT NULL,
    owner_id       TEXT NOT NULL,
    name           TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           BIGINT NOT NULL,
    data           BLOB NOT NULL,
    uploaded_by    TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    name_sealed    TEXT,
    data_encrypted INTEGER NOT NULL DEFAULT 0
);
INSERT INTO attachments_new (id, unit_id, owner_kind, owner_id, name, content_type, size, data, uploaded_by,
                             created_at, name_sealed, data_encrypted)
    SELECT id, unit_id, owner_kind, owner_id, name, content_type, size, data, uploaded_by, created_at,
           name_sealed, data_encrypted FROM attachments;
DROP TABLE attachments;
ALTER TABLE attachments_new RENAME TO attachments;
CREATE INDEX attachments_owner ON attachments(owner_kind, owner_id);

-- 2. The police's reply to a unit's report (direction 'up'): its text (at most 1000 characters),
--    who replied (account id and name) and when (milliseconds since the epoch). One reply each.
ALTER TABLE bulletins ADD COLUMN police_reply TEXT;
ALTER TABLE bulletins ADD COLUMN police_reply_by TEXT;
ALTER TABLE bulletins ADD COLUMN police_reply_by_name TEXT;
ALTER TABLE bulletins ADD COLUMN police_reply_at BIGINT;

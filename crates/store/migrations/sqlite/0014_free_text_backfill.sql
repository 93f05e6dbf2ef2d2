-- Personal data in free text, continued, and an audit index (docs/SECURITY.md, "Personal data in free text"):
-- campaign titles and descriptions and attachment file names get the same masked column plus
-- encrypted <column>_sealed side column as 0012/0013; and the back-fill of rows written before
-- a field went through the mechanism: one row per FREE_TEXT_FIELDS entry whose old rows have
-- all been sealed (the server back-fills the entries missing here at start).
ALTER TABLE campaigns ADD COLUMN title_sealed TEXT;
ALTER TABLE campaigns ADD COLUMN description_sealed TEXT;
ALTER TABLE attachments ADD COLUMN name_sealed TEXT;
CREATE TABLE free_text_backfill (
    table_name  TEXT NOT NULL,
    column_name TEXT NOT NULL,
    rows_sealed BIGINT NOT NULL,
    done_at     BIGINT NOT NULL,
    PRIMARY KEY (table_name, column_name)
);
-- Scoped audit reading (docs/SECURITY.md, "Audit log") finds the rows written by users bound to
-- units in a jurisdiction and a user's own rows by actor.
CREATE INDEX audit_log_actor ON audit_log(actor_id, seq);

-- Receipts of events that arrived through the event bus (multi-node mode): one row per
-- (message id, event index). Recording the same key again is a no-op, so a message that JetStream
-- delivers twice is stored once, and its rules run once.
CREATE TABLE bus_receipts (
    source_key     TEXT PRIMARY KEY,
    event_id       TEXT NOT NULL,
    new_occurrence INTEGER NOT NULL,
    evaluated      INTEGER NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX bus_receipts_created ON bus_receipts(created_at);

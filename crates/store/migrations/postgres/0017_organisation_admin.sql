-- Organisation tree administration (docs/ORGANISATIONS.md): each organisation gets an optimistic
-- version (edits carry the version the user saw; a stale one is refused), a state (open or closed),
-- the organisation a closed one was merged into and when it was closed. Closed organisations stay
-- (units, accounts and records keep pointing at their history) but leave the pickers.
ALTER TABLE organisations ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE organisations ADD COLUMN status TEXT NOT NULL DEFAULT 'open';
ALTER TABLE organisations ADD COLUMN merged_into TEXT;
ALTER TABLE organisations ADD COLUMN closed_at BIGINT;
CREATE INDEX organisations_status ON organisations(status);

-- The history of each organisation: who did what when, the node before and after (JSON), and the
-- change as a zh-CN sentence. Written in the same transaction as the change and its audit row.
CREATE TABLE organisation_history (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL,
    action      TEXT NOT NULL,
    actor_id    TEXT,
    actor_name  TEXT NOT NULL,
    at          BIGINT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    sentence    TEXT NOT NULL
);
CREATE INDEX organisation_history_org ON organisation_history(org_id, at);

-- The registry's lifecycle (docs/REGISTRY.md): units, key areas and devices get an optimistic
-- version (each change carries the version the user saw; a stale one is refused) and a state
-- (active 在用 / deactivated 停用 / closed 注销). Closed records stay readable; nothing is deleted.
ALTER TABLE units ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE units ADD COLUMN state TEXT NOT NULL DEFAULT 'active';
ALTER TABLE units ADD COLUMN closed_at BIGINT;
CREATE INDEX units_state ON units(state);
ALTER TABLE key_areas ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE key_areas ADD COLUMN state TEXT NOT NULL DEFAULT 'active';
ALTER TABLE devices ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE devices ADD COLUMN state TEXT NOT NULL DEFAULT 'active';

-- The change history of a unit and of its key areas, responsible persons and devices (变更记录):
-- who, when, what (a zh-CN sentence), the object's version after the change. Written in the same
-- transaction as the change and its audit row.
CREATE TABLE registry_history (
    id          TEXT PRIMARY KEY,
    unit_id     TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    action      TEXT NOT NULL,
    actor_id    TEXT,
    actor_name  TEXT NOT NULL,
    at          BIGINT NOT NULL,
    version     BIGINT NOT NULL,
    sentence    TEXT NOT NULL
);
CREATE INDEX registry_history_unit ON registry_history(unit_id, at);

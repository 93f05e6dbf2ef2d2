-- Responsible persons get their own lifecycle (docs/REGISTRY.md, "Responsible persons"): an
-- optimistic version (each edit carries the version the user saw; a stale one is refused), so a
-- person is added, edited and removed on its own, with its history rows in registry_history.
ALTER TABLE responsible_persons ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
CREATE INDEX responsible_persons_unit_bidx ON responsible_persons(unit_id, citizen_id_bidx);

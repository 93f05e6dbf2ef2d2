-- Evidence files encrypted at rest (docs/SECURITY.md): `data` holds the AES-256-GCM ciphertext
-- (associated data "attachments.data") when `data_encrypted` = 1. Files stored before keep 0
-- and are read as stored until `neibao keys rotate` encrypts them
-- (crates/store/src/privacy/rotate.rs).
ALTER TABLE attachments ADD COLUMN data_encrypted INTEGER NOT NULL DEFAULT 0;

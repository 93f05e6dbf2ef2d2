-- Personal data in free text (docs/SECURITY.md, "Personal data in free text"): the column keeps
-- the masked text; the plaintext, when something was masked, is encrypted in <column>_sealed.
ALTER TABLE events ADD COLUMN vendor_type_sealed TEXT;
ALTER TABLE events ADD COLUMN region_sealed TEXT;
ALTER TABLE events ADD COLUMN target_sealed TEXT;
ALTER TABLE events ADD COLUMN description_sealed TEXT;
ALTER TABLE alerts ADD COLUMN acknowledge_comment_sealed TEXT;
ALTER TABLE alerts ADD COLUMN resolve_comment_sealed TEXT;
ALTER TABLE hazards ADD COLUMN title_sealed TEXT;
ALTER TABLE hazards ADD COLUMN description_sealed TEXT;

-- More personal data in free text (docs/SECURITY.md, "Personal data in free text"): the same
-- mechanism as 0012_free_text_sealed.sql for further user-typed fields: the column keeps the
-- masked text; the plaintext, when something was masked, is encrypted in <column>_sealed.
ALTER TABLE hazard_steps ADD COLUMN reason_sealed TEXT;
ALTER TABLE inspections ADD COLUMN record_sealed TEXT;
ALTER TABLE inspections ADD COLUMN results_sealed TEXT;
ALTER TABLE suppression_windows ADD COLUMN note_sealed TEXT;
ALTER TABLE legal_holds ADD COLUMN reason_sealed TEXT;
ALTER TABLE key_areas ADD COLUMN description_sealed TEXT;
ALTER TABLE units ADD COLUMN address_sealed TEXT;

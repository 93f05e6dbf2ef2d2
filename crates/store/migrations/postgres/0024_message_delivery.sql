-- Delivery of documents and reminders besides alerts (issue 12, docs/SUPERVISION.md "Delivery and
-- receipts"): a channel may belong to a unit or an organisation (its own DingTalk/WeCom robot or
-- mailbox); outbox rows and inbox items may be about a message other than an alert, named by
-- subject_key (e.g. `document:<id>`, `reminder:<job id>`), and an inbox item carries its link.
ALTER TABLE notification_channels ADD COLUMN unit_id TEXT REFERENCES units(id);
ALTER TABLE notification_channels ADD COLUMN org_id TEXT REFERENCES organisations(id);
CREATE INDEX notification_channels_unit ON notification_channels(unit_id);
CREATE INDEX notification_channels_org ON notification_channels(org_id);

ALTER TABLE notification_outbox ALTER COLUMN alert_id DROP NOT NULL;
ALTER TABLE notification_outbox ADD COLUMN subject_key TEXT;
CREATE UNIQUE INDEX notification_outbox_subject ON notification_outbox(subject_key, channel_id);

ALTER TABLE inbox_items ALTER COLUMN alert_id DROP NOT NULL;
ALTER TABLE inbox_items ADD COLUMN subject_key TEXT;
ALTER TABLE inbox_items ADD COLUMN link TEXT NOT NULL DEFAULT '';
UPDATE inbox_items SET link = '/alerts/' || alert_id;
CREATE UNIQUE INDEX inbox_items_subject ON inbox_items(user_id, subject_key);

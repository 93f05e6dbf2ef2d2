-- Delivery of documents and reminders besides alerts (issue 12, docs/SUPERVISION.md "Delivery and
-- receipts"): a channel may belong to a unit or an organisation (its own DingTalk/WeCom robot or
-- mailbox); outbox rows and inbox items may be about a message other than an alert, named by
-- subject_key (e.g. `document:<id>`, `reminder:<job id>`), and an inbox item carries its link.
ALTER TABLE notification_channels ADD COLUMN unit_id TEXT REFERENCES units(id);
ALTER TABLE notification_channels ADD COLUMN org_id TEXT REFERENCES organisations(id);
CREATE INDEX notification_channels_unit ON notification_channels(unit_id);
CREATE INDEX notification_channels_org ON notification_channels(org_id);

CREATE TABLE notification_outbox_new (
    id              TEXT PRIMARY KEY,
    alert_id        TEXT REFERENCES alerts(id) ON DELETE CASCADE,
    subject_key     TEXT,
    channel_id      TEXT NOT NULL REFERENCES notification_channels(id) ON DELETE CASCADE,
    level           BIGINT NOT NULL DEFAULT 0,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_by      TEXT,
    claimed_at      BIGINT,
    delivered_at    BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL
);
INSERT INTO notification_outbox_new (id, alert_id, channel_id, level, payload, status, attempts, next_attempt_at,
    claimed_by, claimed_at, delivered_at, last_error, created_at)
SELECT id, alert_id, channel_id, level, payload, status, attempts, next_attempt_at, claimed_by, claimed_at,
    delivered_at, last_error, created_at FROM notification_outbox;
DROP TABLE notification_outbox;
ALTER TABLE notification_outbox_new RENAME TO notification_outbox;
CREATE UNIQUE INDEX notification_outbox_key ON notification_outbox(alert_id, channel_id, level);
CREATE UNIQUE INDEX notification_outbox_subject ON notification_outbox(subject_key, channel_id);
CREATE INDEX notification_outbox_due ON notification_outbox(next_attempt_at) WHERE status = 'pending';

CREATE TABLE inbox_items_new (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    alert_id    TEXT REFERENCES alerts(id) ON DELETE CASCADE,
    subject_key TEXT,
    link        TEXT NOT NULL DEFAULT '',
    level       BIGINT NOT NULL DEFAULT 0,
    title       TEXT NOT NULL,
    severity    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    read_at     BIGINT
);
INSERT INTO inbox_items_new (id, user_id, alert_id, link, level, title, severity, created_at, read_at)
SELECT id, user_id, alert_id, '/alerts/' || alert_id, level, title, severity, created_at, read_at FROM inbox_items;
DROP TABLE inbox_items;
ALTER TABLE inbox_items_new RENAME TO inbox_items;
CREATE UNIQUE INDEX inbox_items_key ON inbox_items(user_id, alert_id, level);
CREATE UNIQUE INDEX inbox_items_subject ON inbox_items(user_id, subject_key);
CREATE INDEX inbox_items_user ON inbox_items(user_id, created_at);

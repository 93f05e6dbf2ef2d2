-- Early warning (issue 4): rules as data, suppression windows, notification channels,
-- the notification outbox and the in-app inbox.

-- One row per version of a rule; the highest version of a code is the current one.
CREATE TABLE alert_rules (
    code        TEXT NOT NULL,
    version     BIGINT NOT NULL,
    spec        TEXT NOT NULL,
    enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (code, version)
);

CREATE TABLE suppression_windows (
    id          TEXT PRIMARY KEY,
    unit_id     TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    device_id   TEXT,
    rule        TEXT,
    starts_at   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL,
    reason      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX suppression_windows_unit ON suppression_windows(unit_id, ends_at);

-- config_enc: AEAD ciphertext of the channel JSON (secrets inside), AAD "notification_channels.config".
CREATE TABLE notification_channels (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    config_enc      TEXT NOT NULL,
    config_masked   TEXT NOT NULL,
    division_prefix TEXT NOT NULL DEFAULT '',
    min_severity    TEXT NOT NULL DEFAULT 'medium',
    enabled         BOOLEAN NOT NULL DEFAULT TRUE,
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

-- One notification of one alert (at one escalation level) to one channel: delivered once.
CREATE TABLE notification_outbox (
    id              TEXT PRIMARY KEY,
    alert_id        TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
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
CREATE UNIQUE INDEX notification_outbox_key ON notification_outbox(alert_id, channel_id, level);
CREATE INDEX notification_outbox_due ON notification_outbox(next_attempt_at) WHERE status = 'pending';

CREATE TABLE inbox_items (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    alert_id    TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    level       BIGINT NOT NULL DEFAULT 0,
    title       TEXT NOT NULL,
    severity    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    read_at     BIGINT
);
CREATE UNIQUE INDEX inbox_items_key ON inbox_items(user_id, alert_id, level);
CREATE INDEX inbox_items_user ON inbox_items(user_id, created_at);

-- Public-security video systems (docs/VIDEO.md; 《公共安全视频图像信息系统管理条例》, R49–R54):
-- a camera's location type and field-of-view note on the device register (nullable: devices
-- registered before keep working), the unit's video-system record, signage groups and their
-- checks, and the append-only footage retrieval log (no UPDATE or DELETE is ever issued on it).
-- Dates are Beijing calendar dates as text (YYYY-MM-DD); times are milliseconds since the epoch.
ALTER TABLE devices ADD COLUMN location_type TEXT;
ALTER TABLE devices ADD COLUMN view_note TEXT;

CREATE TABLE video_systems (
    unit_id         TEXT PRIMARY KEY REFERENCES units(id),
    commissioned_on TEXT,
    storage_days    BIGINT,
    version         BIGINT NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE video_signage_groups (
    id         TEXT PRIMARY KEY,
    unit_id    TEXT NOT NULL REFERENCES units(id),
    name       TEXT NOT NULL,
    camera_ids TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (unit_id, name)
);

CREATE TABLE video_signage_checks (
    id         TEXT PRIMARY KEY,
    group_id   TEXT NOT NULL REFERENCES video_signage_groups(id),
    checked_on TEXT NOT NULL,
    checked_by TEXT NOT NULL,
    present    BOOLEAN NOT NULL,
    note       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX video_signage_checks_group ON video_signage_checks(group_id);

CREATE TABLE video_retrievals (
    id             TEXT PRIMARY KEY,
    unit_id        TEXT NOT NULL REFERENCES units(id),
    action         TEXT NOT NULL CHECK (action IN ('view', 'export')),
    reason         TEXT NOT NULL,
    camera_ids     TEXT NOT NULL,
    footage_from   BIGINT NOT NULL,
    footage_to     BIGINT NOT NULL,
    requester_unit TEXT NOT NULL,
    requester_name TEXT NOT NULL,
    approver       TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    recorded_at    BIGINT NOT NULL
);
CREATE INDEX video_retrievals_unit ON video_retrievals(unit_id, recorded_at);

-- Universities as first-class units (docs/UNIVERSITIES.md; R39, R84–R88, issue 18).
-- Times are milliseconds since the epoch (UTC); dates are Beijing dates (YYYY-MM-DD).

-- The university's organisation (R84): party committee secretary and president (the persons
-- responsible), the security office (保卫处) and its head. One row per university unit.
CREATE TABLE university_profiles (
    unit_id              TEXT PRIMARY KEY REFERENCES units(id) ON DELETE CASCADE,
    party_secretary      TEXT NOT NULL DEFAULT '',
    president            TEXT NOT NULL DEFAULT '',
    security_office      TEXT NOT NULL DEFAULT '',
    security_office_head TEXT NOT NULL DEFAULT '',
    version              BIGINT NOT NULL,
    updated_by           TEXT NOT NULL,
    updated_at           BIGINT NOT NULL
);

-- Colleges and departments (院系) with their own responsible person (R84).
CREATE TABLE university_colleges (
    id              TEXT PRIMARY KEY,
    unit_id         TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    head            TEXT NOT NULL,
    safety_officer  TEXT NOT NULL DEFAULT '',
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    UNIQUE (unit_id, name)
);

-- Campuses (校区) with the police station covering them.
CREATE TABLE university_campuses (
    id                 TEXT PRIMARY KEY,
    unit_id            TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    address            TEXT NOT NULL DEFAULT '',
    police_station_id  TEXT REFERENCES organisations(id),
    created_by         TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    UNIQUE (unit_id, name)
);

-- A campus's key areas are the unit's registry key areas (重要部位, devices attach to them),
-- linked to the campus here.
CREATE TABLE university_campus_areas (
    key_area_id  TEXT PRIMARY KEY REFERENCES key_areas(id) ON DELETE CASCADE,
    campus_id    TEXT NOT NULL REFERENCES university_campuses(id) ON DELETE CASCADE,
    unit_id      TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE
);
CREATE INDEX university_campus_areas_campus ON university_campus_areas (campus_id);

-- Dormitory buildings (宿舍楼), each a registry key area too: a camera registered on it must
-- say where it is, and never inside a room (R85, S7 Art 8(2)).
CREATE TABLE university_dormitories (
    id           TEXT PRIMARY KEY,
    unit_id      TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    campus_id    TEXT NOT NULL REFERENCES university_campuses(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    rooms        BIGINT NOT NULL,
    key_area_id  TEXT NOT NULL REFERENCES key_areas(id) ON DELETE CASCADE,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    UNIQUE (campus_id, name)
);
CREATE INDEX university_dormitories_area ON university_dormitories (key_area_id);

-- Holiday duty rosters (假期值班, R86): who is on duty on which date.
CREATE TABLE university_duty (
    id          TEXT PRIMARY KEY,
    unit_id     TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    duty_date   TEXT NOT NULL,
    holiday     TEXT NOT NULL,
    person      TEXT NOT NULL,
    post        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX university_duty_unit ON university_duty (unit_id, duty_date);

-- The semester calendar of a city (R86, configurable per city): city_code is the city's
-- 6-digit division code (330100); holidays a JSON list of {name, from, to}.
CREATE TABLE university_semesters (
    id                TEXT PRIMARY KEY,
    city_code         TEXT NOT NULL,
    name              TEXT NOT NULL,
    starts_on         TEXT NOT NULL,
    ends_on           TEXT NOT NULL,
    safety_week_from  TEXT,
    holidays          TEXT NOT NULL DEFAULT '[]',
    created_by        TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    UNIQUE (city_code, name)
);

-- The semester's inspection rounds (at least two per semester, R86): the row is claimed before
-- the campaign is launched, so scheduling twice launches each round once.
CREATE TABLE university_semester_rounds (
    semester_id   TEXT NOT NULL REFERENCES university_semesters(id) ON DELETE CASCADE,
    round         BIGINT NOT NULL,
    due_on        TEXT NOT NULL,
    campaign_id   TEXT REFERENCES campaigns(id),
    scheduled_at  BIGINT NOT NULL,
    PRIMARY KEY (semester_id, round)
);

-- The key parts of GB/T 31068 join the university checklist: installations that already use
-- it get a new version (the newest one with the items appended) unless it has a U6 already;
-- new installations seed them with version 1 (supervision::checklist::seed_items).
INSERT INTO checklists (id, variant, version, title, items, created_by, created_at)
SELECT 'universities-gbt31068', c.variant, c.version + 1, c.title,
       substr(c.items, 1, length(c.items) - 1) || ',{"code":"U6","defence":"technical","title":"使用、储存危险化学品的实验室设置出入口控制、入侵报警和视频监控，危险化学品双人双锁管理","basis":"《普通高等学校安全技术防范系统要求》（GB/T 31068）重点部位：危险化学品实验室","weight":2.0,"critical":true,"evidence":"实地查看、领用台账","auto":false},{"code":"U7","defence":"technical","title":"病原微生物实验室及菌（毒）种保藏区域设置出入口控制和视频监控，专人管理","basis":"《普通高等学校安全技术防范系统要求》（GB/T 31068）重点部位：病原微生物实验室；《企业事业单位内部治安保卫条例》第十三条第一款第（九）项","weight":2.0,"critical":true,"evidence":"实地查看、管理制度","auto":false},{"code":"U8","defence":"physical","title":"档案馆（室）设置防盗门窗、入侵报警和视频监控","basis":"《普通高等学校安全技术防范系统要求》（GB/T 31068）重点部位：档案馆（室）","weight":2.0,"critical":false,"evidence":"实地查看","auto":false},{"code":"U9","defence":"technical","title":"数据中心（网络机房）设置出入口控制和视频监控，进出登记","basis":"《普通高等学校安全技术防范系统要求》（GB/T 31068）重点部位：数据中心","weight":2.0,"critical":false,"evidence":"实地查看、进出记录","auto":false},{"code":"U10","defence":"human","title":"学生宿舍楼出入口人员通行管理、值班和公共区域视频监控（宿舍房间内不得安装）","basis":"《普通高等学校安全技术防范系统要求》（GB/T 31068）重点部位：学生宿舍；《公共安全视频图像信息系统管理条例》第八条第二款","weight":2.0,"critical":false,"evidence":"实地查看、值班记录","auto":false},{"code":"U11","defence":"technical","title":"食堂操作间、原料库房设置出入口控制和视频监控","basis":"《普通高等学校安全技术防范系统要求》（GB/T 31068）重点部位：食堂","weight":2.0,"critical":false,"evidence":"实地查看","auto":false},{"code":"U12","defence":"human","title":"校门（人员、车辆出入口）有人值守，设置出入口控制和视频监控","basis":"《普通高等学校安全技术防范系统要求》（GB/T 31068）重点部位：校门","weight":2.0,"critical":false,"evidence":"实地查看、值守记录","auto":false}]',
       '系统预置（GB/T 31068）', c.created_at + 1
FROM checklists c
WHERE c.variant = 'universities'
  AND c.version = (SELECT MAX(m.version) FROM checklists m WHERE m.variant = 'universities')
  AND c.items NOT LIKE '%"U6"%';

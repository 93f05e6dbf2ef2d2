-- Personal-information compliance (docs/COMPLIANCE.md; R61, R62, R67, R69, R72, R73; PIPL; GB/T
-- 35273-2020). Each row has a keeper: a unit (owner_kind 'unit', unit_id), a police organ
-- ('org', org_id and its division_code) or the installation ('installation'). Times are
-- milliseconds since the epoch; dates are 'YYYY-MM-DD' (Beijing).

-- The record of processing activities (个人信息处理活动记录, PIPL Arts 54–56): categories are
-- comma-separated codes (domain::compliance::PiCategory).
CREATE TABLE pi_activities (
    id             TEXT PRIMARY KEY,
    owner_kind     TEXT NOT NULL,
    unit_id        TEXT REFERENCES units(id),
    org_id         TEXT,
    owner_name     TEXT NOT NULL,
    division_code  TEXT,
    purpose        TEXT NOT NULL,
    description    TEXT NOT NULL,
    legal_basis    TEXT NOT NULL,
    categories     TEXT NOT NULL,
    retention_days BIGINT NOT NULL,
    recipients     TEXT NOT NULL,
    pia_ref        TEXT NOT NULL,
    seeded         BOOLEAN NOT NULL,
    updated_by     TEXT NOT NULL,
    updated_at     BIGINT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX pi_activities_unit ON pi_activities(unit_id);
CREATE INDEX pi_activities_org ON pi_activities(org_id);

-- Data-subject requests (PIPL Arts 44–50): the contact is encrypted with the field cipher (AAD
-- pi_subject_requests.contact) and answered masked.
CREATE TABLE pi_subject_requests (
    id              TEXT PRIMARY KEY,
    owner_kind      TEXT NOT NULL,
    unit_id         TEXT REFERENCES units(id),
    org_id          TEXT,
    owner_name      TEXT NOT NULL,
    division_code   TEXT,
    kind            TEXT NOT NULL,
    subject_name    TEXT NOT NULL,
    contact_enc     TEXT,
    content         TEXT NOT NULL,
    received_on     TEXT NOT NULL,
    deadline        TEXT NOT NULL,
    state           TEXT NOT NULL,
    handler         TEXT NOT NULL,
    reply           TEXT NOT NULL,
    refusal_reasons TEXT NOT NULL,
    closed_at       BIGINT,
    closed_by       TEXT,
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX pi_subject_requests_unit ON pi_subject_requests(unit_id, received_on);
CREATE INDEX pi_subject_requests_state ON pi_subject_requests(state, deadline);

-- Data incidents (PIPL Art 57): the notification content, the notifications and closure.
CREATE TABLE pi_breaches (
    id                      TEXT PRIMARY KEY,
    owner_kind              TEXT NOT NULL,
    unit_id                 TEXT REFERENCES units(id),
    org_id                  TEXT,
    owner_name              TEXT NOT NULL,
    division_code           TEXT,
    title                   TEXT NOT NULL,
    occurred_at             BIGINT,
    discovered_at           BIGINT NOT NULL,
    description             TEXT NOT NULL,
    categories              TEXT NOT NULL,
    affected_count          BIGINT,
    cause                   TEXT NOT NULL,
    possible_harm           TEXT NOT NULL,
    remedial_measures       TEXT NOT NULL,
    individual_measures     TEXT NOT NULL,
    handler_contact         TEXT NOT NULL,
    state                   TEXT NOT NULL,
    authority_name          TEXT NOT NULL,
    authority_notified_at   BIGINT,
    authority_notified_by   TEXT,
    individuals_method      TEXT NOT NULL,
    individuals_notified_at BIGINT,
    individuals_notified_by TEXT,
    closed_at               BIGINT,
    closed_by               TEXT,
    closure_note            TEXT NOT NULL,
    created_by              TEXT NOT NULL,
    created_at              BIGINT NOT NULL
);
CREATE INDEX pi_breaches_unit ON pi_breaches(unit_id, discovered_at);

-- The defaults for what neibao itself processes, kept by the installation (administrators see
-- and edit them; units and police organs keep their own records).
INSERT INTO pi_activities (id, owner_kind, unit_id, org_id, owner_name, division_code, purpose, description, legal_basis,
    categories, retention_days, recipients, pia_ref, seeded, updated_by, updated_at, created_at) VALUES
('pi-default-visitor', 'installation', NULL, NULL, '本系统', NULL, 'visitor_registration',
 '访客预约、到访登记、核验证件和离开登记（《企业事业单位内部治安保卫条例》第十一条）', 'legal_duty',
 'identity,id_number,contact,plate,minor', 90, '被访单位；属地公安机关（依法调取时）', '', TRUE, '系统', 0, 0),
('pi-default-access', 'installation', NULL, NULL, '本系统', NULL, 'access_control',
 '出入口门禁通行记录和车辆道闸记录', 'legal_duty', 'identity,plate,trajectory,image', 90, '属地公安机关（依法调取时）', '', TRUE, '系统', 0, 0),
('pi-default-watchlist', 'installation', NULL, NULL, '本系统', NULL, 'watchlist',
 '对人脸、车牌抓拍事件进行布控比对，命中须人工核实', 'legal_duty', 'face,plate,trajectory,image', 30,
 '布控指定的公安机关', '', TRUE, '系统', 0, 0),
('pi-default-video', 'installation', NULL, NULL, '本系统', NULL, 'video',
 '视频监控图像和告警图片（《公共安全视频图像信息系统管理条例》）', 'legal_duty', 'image,face,plate', 30,
 '属地公安机关（依法调取时）', '', TRUE, '系统', 0, 0),
('pi-default-patrol', 'installation', NULL, NULL, '本系统', NULL, 'patrol',
 '保安员巡查签到记录', 'contract', 'identity,trajectory,work', 365, '', '', TRUE, '系统', 0, 0),
('pi-default-counselling', 'installation', NULL, NULL, '本系统', NULL, 'counselling',
 '心理疏导个案记录，仅个案指定的辅导人员可见', 'consent', 'identity,contact,health', 1095, '', '', TRUE, '系统', 0, 0),
('pi-default-staff', 'installation', NULL, NULL, '本系统', NULL, 'security_staff',
 '保卫机构、保卫人员和保安员名册及培训记录（《企业事业单位内部治安保卫条例》）', 'legal_duty',
 'identity,id_number,contact,work', 1095, '属地公安机关', '', TRUE, '系统', 0, 0),
('pi-default-persons', 'installation', NULL, NULL, '本系统', NULL, 'responsible_persons',
 '单位法定代表人、治安保卫负责人登记', 'legal_duty', 'identity,id_number,contact', 1095, '属地公安机关、主管部门', '', TRUE, '系统', 0, 0),
('pi-default-accounts', 'installation', NULL, NULL, '本系统', NULL, 'accounts',
 '系统账号和操作审计日志', 'legal_duty', 'identity,contact,account', 1095, '', '', TRUE, '系统', 0, 0);

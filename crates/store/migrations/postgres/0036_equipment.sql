-- Protective equipment (docs/EQUIPMENT.md; R35, the Zhejiang Opinions Part 4): a unit's posts
-- (岗位、警卫室), the items kept at each post with their history, the checks of the items, the
-- minimum sets (最低配备标准) per unit class and post kind, and the flags raised to the unit (one
-- row per open flag of a post: a new flag sends one notice, a flag no longer true is removed).
-- Times are milliseconds since the epoch; dates are TEXT YYYY-MM-DD.
CREATE TABLE equipment_posts (
    id          TEXT PRIMARY KEY,
    unit_id     TEXT NOT NULL REFERENCES units(id),
    name        TEXT NOT NULL,
    location    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    key_area_id TEXT,
    version     BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX equipment_posts_unit ON equipment_posts(unit_id);

CREATE TABLE equipment_items (
    id           TEXT PRIMARY KEY,
    post_id      TEXT NOT NULL REFERENCES equipment_posts(id),
    unit_id      TEXT NOT NULL REFERENCES units(id),
    item_type    TEXT NOT NULL,
    quantity     BIGINT NOT NULL,
    purchased_on TEXT NOT NULL,
    expires_on   TEXT,
    note         TEXT NOT NULL,
    version      BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX equipment_items_post ON equipment_items(post_id);
CREATE INDEX equipment_items_unit ON equipment_items(unit_id);

CREATE TABLE equipment_history (
    id         TEXT PRIMARY KEY,
    item_id    TEXT NOT NULL REFERENCES equipment_items(id),
    at         BIGINT NOT NULL,
    actor_name TEXT NOT NULL,
    action     TEXT NOT NULL,
    detail     TEXT NOT NULL
);
CREATE INDEX equipment_history_item ON equipment_history(item_id, at);

CREATE TABLE equipment_checks (
    id           TEXT PRIMARY KEY,
    item_id      TEXT NOT NULL REFERENCES equipment_items(id),
    unit_id      TEXT NOT NULL REFERENCES units(id),
    checked_on   TEXT NOT NULL,
    checked_at   BIGINT NOT NULL,
    checker_name TEXT NOT NULL,
    result       TEXT NOT NULL,
    note         TEXT NOT NULL
);
CREATE INDEX equipment_checks_item ON equipment_checks(item_id, checked_at);

CREATE TABLE equipment_standards (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    applies_to TEXT NOT NULL,
    post_kind  TEXT,
    items      TEXT NOT NULL,
    source     TEXT NOT NULL,
    version    BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE equipment_flags (
    id        TEXT PRIMARY KEY,
    post_id   TEXT NOT NULL REFERENCES equipment_posts(id),
    unit_id   TEXT NOT NULL REFERENCES units(id),
    code      TEXT NOT NULL,
    detail    TEXT NOT NULL,
    raised_at BIGINT NOT NULL,
    UNIQUE (post_id, code)
);

-- The default minimum sets (docs/EQUIPMENT.md "Default minimum sets": this project's choice,
-- modelled on the gate-post lists of the school security standards; adjust them locally).
INSERT INTO equipment_standards (id, name, applies_to, post_kind, items, source, version, updated_at) VALUES
('default-school-gate', '学校门卫室', 'university', 'gate',
 '[{"item_type":"riot_fork","quantity":1},{"item_type":"shield","quantity":1},{"item_type":"steel_fork","quantity":1},{"item_type":"stab_vest","quantity":2},{"item_type":"helmet","quantity":2},{"item_type":"baton","quantity":2}]',
 '参照公安部、教育部《中小学幼儿园安全防范工作规范（试行）》（门卫配备必要的防护器械）和 GB/T 29315《中小学、幼儿园安全技术防范系统要求》；数量为本系统默认值，可按本地要求调整', 1, 0),
('default-key-unit-gate', '重点单位门卫室', 'key_unit', 'gate',
 '[{"item_type":"riot_fork","quantity":1},{"item_type":"shield","quantity":1},{"item_type":"stab_vest","quantity":1},{"item_type":"helmet","quantity":1},{"item_type":"baton","quantity":1},{"item_type":"extinguisher","quantity":1}]',
 '《关于进一步加强单位治安保卫工作的意见》（浙政办发〔2019〕24号）第四部分：单位配备防护器械；数量为本系统默认值，可按本地要求调整', 1, 0);

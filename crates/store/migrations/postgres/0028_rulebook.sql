-- The unit's written security rules (docs/RULEBOOK.md; Decree 421 Art 8 and 12, R9 and R13):
-- versions per unit and subject (never changed or deleted; the highest number is current), the
-- subjects a unit marked 不适用 (only subject 8), and each account's acknowledgement of a version.
-- Dates are Beijing calendar dates as text (YYYY-MM-DD), which sort as dates.
CREATE TABLE rulebook_versions (
    id           TEXT PRIMARY KEY,
    unit_id      TEXT NOT NULL REFERENCES units(id),
    subject      BIGINT NOT NULL CHECK (subject BETWEEN 1 AND 9),
    version      BIGINT NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    approved_on  TEXT NOT NULL,
    published_on TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    UNIQUE (unit_id, subject, version)
);

CREATE TABLE rulebook_not_applicable (
    unit_id TEXT NOT NULL REFERENCES units(id),
    subject BIGINT NOT NULL,
    reason  TEXT NOT NULL,
    set_by  TEXT NOT NULL,
    set_at  BIGINT NOT NULL,
    PRIMARY KEY (unit_id, subject)
);

CREATE TABLE rulebook_acknowledgements (
    version_id      TEXT NOT NULL REFERENCES rulebook_versions(id),
    user_id         TEXT NOT NULL REFERENCES users(id),
    signed_name     TEXT NOT NULL,
    acknowledged_at BIGINT NOT NULL,
    PRIMARY KEY (version_id, user_id)
);

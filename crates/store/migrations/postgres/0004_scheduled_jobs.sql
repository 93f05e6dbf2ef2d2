-- Durable scheduled work (deadlines, reminders, escalations): rows claimed by one node at a time
-- with a lease, completed once. The unique key makes scheduling the same deadline twice a no-op.
CREATE TABLE scheduled_jobs (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    subject_id  TEXT NOT NULL,
    due_at      BIGINT NOT NULL,
    payload     TEXT NOT NULL DEFAULT '{}',
    claimed_by  TEXT,
    claimed_at  BIGINT,
    done_at     BIGINT,
    attempts    BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX scheduled_jobs_key ON scheduled_jobs(kind, subject_id, due_at);
CREATE INDEX scheduled_jobs_due ON scheduled_jobs(due_at) WHERE done_at IS NULL;

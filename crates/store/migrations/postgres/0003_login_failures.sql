-- Failed logins per user name, shared by every node: the login rate limit (see web/api/session.rs).
CREATE TABLE login_failures (
    username TEXT NOT NULL,
    at       BIGINT NOT NULL
);
CREATE INDEX login_failures_user_at ON login_failures(username, at);

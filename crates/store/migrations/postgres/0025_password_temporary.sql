-- A password made by the system (a new account's initial password, an administrator's reset)
-- must be replaced by its owner at the next sign-in (docs/SECURITY.md "Account administration").
ALTER TABLE users ADD COLUMN password_temporary BOOLEAN NOT NULL DEFAULT FALSE;

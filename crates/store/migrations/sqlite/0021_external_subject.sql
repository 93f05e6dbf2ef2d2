-- An account's subject in an external directory (统一身份认证, LDAP, OIDC `sub`), for a later
-- sign-in through it (docs/SECURITY.md "Account administration"); unique where set.
ALTER TABLE users ADD COLUMN external_subject TEXT;
CREATE UNIQUE INDEX users_external_subject ON users(external_subject);

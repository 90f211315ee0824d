-- Accounts signed in through an OpenID Connect provider: one row per
-- (issuer, subject), the provider's stable id of the person.
CREATE TABLE oidc_identities (
	issuer     TEXT NOT NULL,
	subject    TEXT NOT NULL,
	user_name  TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (issuer, subject)
);
CREATE INDEX oidc_identities_user ON oidc_identities (user_name);

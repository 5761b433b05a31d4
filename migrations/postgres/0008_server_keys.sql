-- Secrets the server keeps for itself, made the first time they are needed: the key that
-- signs unsubscribe links (issue 16), so a link works without signing in and cannot be
-- forged for another member or another kind of email.
CREATE TABLE server_keys (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Rate limits (issue 17): each attempt under a limit ("at most N sign-ins an hour from one
-- address", posts, comments, messages, uploads) is a row, so every node of an installation
-- counts the same attempts: the database decides, and a restart forgets nothing. Rows older
-- than any window are deleted by the background round.
CREATE TABLE rate_events (
    key TEXT NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX rate_events_key_at ON rate_events (key, at);
CREATE INDEX rate_events_at ON rate_events (at);

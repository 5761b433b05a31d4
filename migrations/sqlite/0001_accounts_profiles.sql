-- Accounts, sessions, tokens, profiles and the directory's indexes.
-- Times are UTC milliseconds since the epoch; ids are 64-bit.

CREATE TABLE members (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    handle        TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL DEFAULT 'member',
    active        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL
);
CREATE INDEX members_name_key ON members (name_key, id);

CREATE TABLE profiles (
    member_id          BIGINT PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    headline           TEXT,
    about              TEXT,
    location           TEXT,
    location_key       TEXT,
    photo_key          TEXT,
    visibility         TEXT NOT NULL DEFAULT 'public',
    contact_visibility TEXT NOT NULL DEFAULT 'connections',
    contact_email      TEXT,
    phone              TEXT,
    website            TEXT,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX profiles_location_key ON profiles (location_key);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_member ON sessions (member_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id    BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX api_tokens_member ON api_tokens (member_id, id);

CREATE TABLE email_tokens (
    token_hash TEXT PRIMARY KEY,
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX email_tokens_member ON email_tokens (member_id);

CREATE TABLE signup_invites (
    token_hash TEXT PRIMARY KEY,
    created_by BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_by    BIGINT REFERENCES members (id) ON DELETE SET NULL
);

CREATE TABLE positions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id   BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    company     TEXT NOT NULL,
    company_key TEXT NOT NULL,
    title       TEXT NOT NULL,
    description TEXT,
    location    TEXT,
    start_month INTEGER NOT NULL,
    end_month   INTEGER
);
CREATE INDEX positions_member ON positions (member_id);
CREATE INDEX positions_company_key ON positions (company_key, member_id);

CREATE TABLE education (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    school     TEXT NOT NULL,
    school_key TEXT NOT NULL,
    degree     TEXT,
    field      TEXT,
    start_year INTEGER,
    end_year   INTEGER
);
CREATE INDEX education_member ON education (member_id);
CREATE INDEX education_school_key ON education (school_key, member_id);

CREATE TABLE skills (
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    name_key  TEXT NOT NULL,
    PRIMARY KEY (member_id, name_key)
);
CREATE INDEX skills_name_key ON skills (name_key, member_id);

CREATE TABLE featured_links (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    title     TEXT NOT NULL,
    url       TEXT NOT NULL
);
CREATE INDEX featured_links_member ON featured_links (member_id);

CREATE TABLE profile_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    detail     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX profile_events_member ON profile_events (member_id, id);

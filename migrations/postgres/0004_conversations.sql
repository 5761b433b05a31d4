-- Messaging: conversations and each participant's place in them (state, what they may see,
-- read and emailed marks, archive and mute), messages with their attachments, reports,
-- messaging settings, and away periods with the senders already answered automatically.
-- Message ids grow with time, so a participant's visible range and read marks are ids.

CREATE TABLE conversations (
    id              BIGSERIAL PRIMARY KEY,
    is_group        BOOLEAN NOT NULL,
    title           TEXT,
    created_by      BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at      BIGINT NOT NULL,
    -- The newest delivered (not held) message; 0 until there is one.
    last_message_id BIGINT NOT NULL DEFAULT 0,
    last_message_at BIGINT NOT NULL
);
CREATE INDEX conversations_started ON conversations (created_by, created_at);

CREATE TABLE conversation_members (
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    member_id       BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    -- active | request | ignored | left
    state           TEXT NOT NULL,
    joined_after    BIGINT NOT NULL DEFAULT 0,
    left_through    BIGINT,
    cleared_through BIGINT NOT NULL DEFAULT 0,
    last_read       BIGINT NOT NULL DEFAULT 0,
    emailed_through BIGINT NOT NULL DEFAULT 0,
    archived        BOOLEAN NOT NULL DEFAULT FALSE,
    muted           BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (conversation_id, member_id)
);
CREATE INDEX conversation_members_member ON conversation_members (member_id, state, conversation_id);

CREATE TABLE message_attachments (
    id           BIGSERIAL PRIMARY KEY,
    owner_id     BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    storage_key  TEXT NOT NULL,
    is_image     BOOLEAN NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE TABLE messages (
    id              BIGSERIAL PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    sender_id       BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    body            TEXT NOT NULL,
    -- The body in lower case, folded in Rust (SQLite's LOWER() knows only ASCII): search.
    body_folded     TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    automatic       BOOLEAN NOT NULL DEFAULT FALSE,
    held            BOOLEAN NOT NULL DEFAULT FALSE,
    -- Sent to a member who was not a connection then (the spam rule counts these).
    to_stranger     BOOLEAN NOT NULL DEFAULT FALSE,
    attachment_id   BIGINT REFERENCES message_attachments (id) ON DELETE SET NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);
CREATE INDEX messages_sender ON messages (sender_id, created_at);
CREATE INDEX messages_held ON messages (id) WHERE held;
CREATE INDEX messages_attachment ON messages (attachment_id) WHERE attachment_id IS NOT NULL;

CREATE TABLE message_reports (
    id              BIGSERIAL PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    reporter_id     BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    message_id      BIGINT REFERENCES messages (id) ON DELETE SET NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX message_reports_recent ON message_reports (created_at);

CREATE TABLE message_settings (
    member_id           BIGINT PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    -- everyone | second_degree | connections
    who_can_message     TEXT NOT NULL,
    read_receipts       BOOLEAN NOT NULL,
    email_after_minutes BIGINT NOT NULL
);

CREATE TABLE away_periods (
    id                 BIGSERIAL PRIMARY KEY,
    member_id          BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    starts_at          BIGINT NOT NULL,
    ends_at            BIGINT NOT NULL,
    message            TEXT NOT NULL,
    message_for_others TEXT,
    contact_id         BIGINT REFERENCES members (id) ON DELETE SET NULL,
    created_at         BIGINT NOT NULL,
    summarized_at      BIGINT
);
CREATE INDEX away_periods_member ON away_periods (member_id, ends_at);
CREATE INDEX away_periods_unsummarized ON away_periods (ends_at) WHERE summarized_at IS NULL;

CREATE TABLE away_replies (
    away_id   BIGINT NOT NULL REFERENCES away_periods (id) ON DELETE CASCADE,
    sender_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (away_id, sender_id)
);

-- The change stream (issue 17): every committed change that an in-memory index or a live
-- stream cares about is appended to `changes` by a trigger, in the same transaction as the
-- change itself, so no write path can forget it. Each node reads the table from its own
-- position (`stream_nodes`) and applies what other nodes changed; entries every live node has
-- read are pruned, and `stream_horizon` says how far. `leases` lets one node at a time run a
-- piece of background work (the five-minute round).
-- A change names its row by up to three ids (a, b, c: see core's `stream::ChangeKind`);
-- `origin` is the node whose connection wrote it (PostgreSQL: the session setting
-- `guild.node`; SQLite serves one node, so NULL), `at` the time in UTC milliseconds.

CREATE TABLE changes (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    -- One writer at a time: ids are already in commit order, so tx is always 0 here.
    tx     INTEGER NOT NULL DEFAULT 0,
    kind   TEXT NOT NULL,
    op     TEXT NOT NULL,
    a      INTEGER,
    b      INTEGER,
    c      INTEGER,
    origin TEXT,
    at     INTEGER NOT NULL
);
CREATE INDEX changes_order ON changes (tx, id);

CREATE TABLE stream_nodes (
    node       TEXT PRIMARY KEY,
    tx         INTEGER NOT NULL,
    change_id  INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    seen_at    INTEGER NOT NULL
);

CREATE TABLE stream_horizon (
    one       BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    tx        INTEGER NOT NULL,
    change_id INTEGER NOT NULL
);
INSERT INTO stream_horizon (one, tx, change_id) VALUES (TRUE, 0, 0);

CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TRIGGER members_changes_i AFTER INSERT ON members
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('member', 'I', NEW.id, NULL, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER members_changes_u AFTER UPDATE OF name, active, role, invite_policy ON members
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('member', 'U', NEW.id, NULL, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER members_changes_d AFTER DELETE ON members
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('member', 'D', OLD.id, NULL, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER profiles_changes_i AFTER INSERT ON profiles
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('profile', 'I', NEW.member_id, NULL, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER profiles_changes_u AFTER UPDATE ON profiles
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('profile', 'U', NEW.member_id, NULL, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER profiles_changes_d AFTER DELETE ON profiles
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('profile', 'D', OLD.member_id, NULL, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER connections_changes_i AFTER INSERT ON connections
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('connection', 'I', NEW.member_id, NEW.other_id, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER connections_changes_d AFTER DELETE ON connections
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('connection', 'D', OLD.member_id, OLD.other_id, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER follows_changes_i AFTER INSERT ON follows
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('follow', 'I', NEW.follower_id, NEW.followee_id, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER follows_changes_d AFTER DELETE ON follows
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('follow', 'D', OLD.follower_id, OLD.followee_id, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER blocks_changes_i AFTER INSERT ON blocks
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('block', 'I', NEW.blocker_id, NEW.blocked_id, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER blocks_changes_d AFTER DELETE ON blocks
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('block', 'D', OLD.blocker_id, OLD.blocked_id, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER invitations_changes_i AFTER INSERT ON invitations
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('invitation', 'I', NEW.from_id, NEW.to_id, NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER invitations_changes_u AFTER UPDATE OF state ON invitations
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('invitation', 'U', NEW.from_id, NEW.to_id, NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER invitations_changes_d AFTER DELETE ON invitations
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('invitation', 'D', OLD.from_id, OLD.to_id, OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER posts_changes_i AFTER INSERT ON posts
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('post', 'I', NEW.id, NEW.author_id, NEW.repost_of, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER posts_changes_u AFTER UPDATE OF title, body_html, visibility, repost_deleted, images, cover, hashtags, edited_at ON posts
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('post', 'U', NEW.id, NEW.author_id, NEW.repost_of, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER posts_changes_d AFTER DELETE ON posts
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('post', 'D', OLD.id, OLD.author_id, OLD.repost_of, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER reactions_changes_i AFTER INSERT ON reactions
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('reaction', 'I', NEW.post_id, NEW.member_id, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER reactions_changes_d AFTER DELETE ON reactions
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('reaction', 'D', OLD.post_id, OLD.member_id, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER comments_changes_i AFTER INSERT ON comments
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('comment', 'I', NEW.post_id, NEW.author_id, NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER comments_changes_d AFTER DELETE ON comments
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('comment', 'D', OLD.post_id, OLD.author_id, OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER post_impressions_changes_i AFTER INSERT ON post_impressions
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('impression', 'I', NEW.post_id, NEW.viewer_id, NEW.day, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER hashtag_follows_changes_i AFTER INSERT ON hashtag_follows
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('hashtag_follow', 'I', NEW.member_id, NULL, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER hashtag_follows_changes_d AFTER DELETE ON hashtag_follows
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('hashtag_follow', 'D', OLD.member_id, NULL, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER notifications_changes_i AFTER INSERT ON notifications
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('notification', 'I', NEW.member_id, NEW.id, NEW.read_at, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER notifications_changes_u AFTER UPDATE OF count, read_at ON notifications
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('notification', 'U', NEW.member_id, NEW.id, NEW.read_at, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER notifications_changes_d AFTER DELETE ON notifications
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('notification', 'D', OLD.member_id, OLD.id, OLD.read_at, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER messages_changes_i AFTER INSERT ON messages
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('message', 'I', NEW.conversation_id, NEW.sender_id, NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER messages_changes_u AFTER UPDATE OF held ON messages
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('message', 'U', NEW.conversation_id, NEW.sender_id, NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER messages_changes_d AFTER DELETE ON messages
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('message', 'D', OLD.conversation_id, OLD.sender_id, OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER conversation_members_changes_i AFTER INSERT ON conversation_members
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('participant', 'I', NEW.conversation_id, NEW.member_id, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER conversation_members_changes_u AFTER UPDATE ON conversation_members
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('participant', 'U', NEW.conversation_id, NEW.member_id, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER conversation_members_changes_d AFTER DELETE ON conversation_members
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('participant', 'D', OLD.conversation_id, OLD.member_id, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER message_settings_changes_i AFTER INSERT ON message_settings
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('message_settings', 'I', NEW.member_id, NULL, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER message_settings_changes_u AFTER UPDATE ON message_settings
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('message_settings', 'U', NEW.member_id, NULL, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER message_settings_changes_d AFTER DELETE ON message_settings
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('message_settings', 'D', OLD.member_id, NULL, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER away_periods_changes_i AFTER INSERT ON away_periods
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('away', 'I', NEW.member_id, NEW.id, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER away_periods_changes_u AFTER UPDATE ON away_periods
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('away', 'U', NEW.member_id, NEW.id, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER away_periods_changes_d AFTER DELETE ON away_periods
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('away', 'D', OLD.member_id, OLD.id, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

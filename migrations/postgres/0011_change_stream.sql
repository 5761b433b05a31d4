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
    id     BIGSERIAL PRIMARY KEY,
    -- The writing transaction: readers take only transactions older than every one still
    -- running in this database, so an entry never appears behind a reader's position.
    tx     XID8 NOT NULL DEFAULT pg_current_xact_id(),
    kind   TEXT NOT NULL,
    op     TEXT NOT NULL,
    a      BIGINT,
    b      BIGINT,
    c      BIGINT,
    origin TEXT,
    at     BIGINT NOT NULL
);
CREATE INDEX changes_order ON changes (tx, id);

CREATE TABLE stream_nodes (
    node       TEXT PRIMARY KEY,
    tx         BIGINT NOT NULL,
    change_id  BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    seen_at    BIGINT NOT NULL
);

CREATE TABLE stream_horizon (
    one       BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    tx        BIGINT NOT NULL,
    change_id BIGINT NOT NULL
);
INSERT INTO stream_horizon (one, tx, change_id) VALUES (TRUE, 0, 0);

CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE FUNCTION guild_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r jsonb;
BEGIN
    IF TG_OP = 'DELETE' THEN
        r := to_jsonb(OLD);
    ELSE
        r := to_jsonb(NEW);
    END IF;
    INSERT INTO changes (kind, op, a, b, c, origin, at)
    VALUES (TG_ARGV[0], left(TG_OP, 1),
            (r ->> TG_ARGV[1])::bigint, (r ->> TG_ARGV[2])::bigint, (r ->> TG_ARGV[3])::bigint,
            current_setting('guild.node', true),
            (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
    -- Identical notifications of one transaction are delivered once, at commit.
    PERFORM pg_notify('guild_changes', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER members_changes AFTER INSERT OR DELETE OR UPDATE OF name, active, role, invite_policy ON members
    FOR EACH ROW EXECUTE FUNCTION guild_change('member', 'id', '', '');

CREATE TRIGGER profiles_changes AFTER INSERT OR DELETE OR UPDATE ON profiles
    FOR EACH ROW EXECUTE FUNCTION guild_change('profile', 'member_id', '', '');

CREATE TRIGGER connections_changes AFTER INSERT OR DELETE ON connections
    FOR EACH ROW EXECUTE FUNCTION guild_change('connection', 'member_id', 'other_id', '');

CREATE TRIGGER follows_changes AFTER INSERT OR DELETE ON follows
    FOR EACH ROW EXECUTE FUNCTION guild_change('follow', 'follower_id', 'followee_id', '');

CREATE TRIGGER blocks_changes AFTER INSERT OR DELETE ON blocks
    FOR EACH ROW EXECUTE FUNCTION guild_change('block', 'blocker_id', 'blocked_id', '');

CREATE TRIGGER invitations_changes AFTER INSERT OR DELETE OR UPDATE OF state ON invitations
    FOR EACH ROW EXECUTE FUNCTION guild_change('invitation', 'from_id', 'to_id', 'id');

CREATE TRIGGER posts_changes AFTER INSERT OR DELETE OR UPDATE OF title, body_html, visibility, repost_deleted, images, cover, hashtags, edited_at ON posts
    FOR EACH ROW EXECUTE FUNCTION guild_change('post', 'id', 'author_id', 'repost_of');

CREATE TRIGGER reactions_changes AFTER INSERT OR DELETE ON reactions
    FOR EACH ROW EXECUTE FUNCTION guild_change('reaction', 'post_id', 'member_id', '');

CREATE TRIGGER comments_changes AFTER INSERT OR DELETE ON comments
    FOR EACH ROW EXECUTE FUNCTION guild_change('comment', 'post_id', 'author_id', 'id');

CREATE TRIGGER post_impressions_changes AFTER INSERT ON post_impressions
    FOR EACH ROW EXECUTE FUNCTION guild_change('impression', 'post_id', 'viewer_id', 'day');

CREATE TRIGGER hashtag_follows_changes AFTER INSERT OR DELETE ON hashtag_follows
    FOR EACH ROW EXECUTE FUNCTION guild_change('hashtag_follow', 'member_id', '', '');

CREATE TRIGGER notifications_changes AFTER INSERT OR DELETE OR UPDATE OF count, read_at ON notifications
    FOR EACH ROW EXECUTE FUNCTION guild_change('notification', 'member_id', 'id', 'read_at');

CREATE TRIGGER messages_changes AFTER INSERT OR DELETE OR UPDATE OF held ON messages
    FOR EACH ROW EXECUTE FUNCTION guild_change('message', 'conversation_id', 'sender_id', 'id');

CREATE TRIGGER conversation_members_changes AFTER INSERT OR DELETE OR UPDATE ON conversation_members
    FOR EACH ROW EXECUTE FUNCTION guild_change('participant', 'conversation_id', 'member_id', '');

CREATE TRIGGER message_settings_changes AFTER INSERT OR DELETE OR UPDATE ON message_settings
    FOR EACH ROW EXECUTE FUNCTION guild_change('message_settings', 'member_id', '', '');

CREATE TRIGGER away_periods_changes AFTER INSERT OR DELETE OR UPDATE ON away_periods
    FOR EACH ROW EXECUTE FUNCTION guild_change('away', 'member_id', 'id', '');

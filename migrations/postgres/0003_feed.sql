-- The feed: posts and articles with their hashtags and mentions, reactions, comments,
-- impressions, followed hashtags, notifications and their settings, and each member's feed
-- order and digest choice. Counters on `posts` and `comments` change in the same transaction
-- as the rows they count. Lists of media keys and hashtags are kept comma-separated on the
-- post for reading ('' for none); `post_hashtags` is the index by tag. Indexes serve the reads
-- and the cascades of deleting a post or a comment; members are never deleted, so the
-- member-side cascades are left unindexed.

ALTER TABLE members ADD COLUMN feed_sort TEXT NOT NULL DEFAULT 'relevant';
-- daily | weekly | off
ALTER TABLE members ADD COLUMN digest TEXT NOT NULL DEFAULT 'weekly';
-- 0: never sent (the account's created_at counts instead).
ALTER TABLE members ADD COLUMN digest_sent_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX members_digest ON members (digest, digest_sent_at);

CREATE TABLE posts (
    id               BIGSERIAL PRIMARY KEY,
    author_id        BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    -- post | article | update
    kind             TEXT NOT NULL,
    title            TEXT,
    body             TEXT NOT NULL,
    body_html        TEXT NOT NULL,
    -- anyone | connections
    visibility       TEXT NOT NULL,
    repost_of        BIGINT REFERENCES posts (id) ON DELETE SET NULL,
    -- Set (before the delete) when the reposted original goes.
    repost_deleted   BOOLEAN NOT NULL DEFAULT FALSE,
    images           TEXT NOT NULL DEFAULT '',
    cover            TEXT,
    hashtags         TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    edited_at        BIGINT,
    reaction_count   BIGINT NOT NULL DEFAULT 0,
    comment_count    BIGINT NOT NULL DEFAULT 0,
    repost_count     BIGINT NOT NULL DEFAULT 0,
    impression_count BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX posts_author ON posts (author_id, created_at, id);
CREATE INDEX posts_repost_of ON posts (repost_of);
CREATE INDEX posts_reposts_recent ON posts (created_at) WHERE repost_of IS NOT NULL;

CREATE TABLE post_hashtags (
    tag        TEXT NOT NULL,
    post_id    BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tag, post_id)
);
CREATE INDEX post_hashtags_recent ON post_hashtags (tag, created_at, post_id);
CREATE INDEX post_hashtags_post ON post_hashtags (post_id);

CREATE TABLE post_mentions (
    post_id   BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, member_id)
);

CREATE TABLE reactions (
    post_id    BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    -- like | celebrate | support | insightful | curious
    kind       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (post_id, member_id)
);
CREATE INDEX reactions_post_recent ON reactions (post_id, created_at, member_id);
CREATE INDEX reactions_recent ON reactions (created_at);

CREATE TABLE comments (
    id             BIGSERIAL PRIMARY KEY,
    post_id        BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    -- The top-level comment this one replies to (one level of replies).
    parent_id      BIGINT REFERENCES comments (id) ON DELETE CASCADE,
    author_id      BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    body           TEXT NOT NULL,
    body_html      TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    edited_at      BIGINT,
    reaction_count BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX comments_post ON comments (post_id, id);
CREATE INDEX comments_parent ON comments (parent_id);
CREATE INDEX comments_recent ON comments (created_at);

CREATE TABLE comment_mentions (
    comment_id BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (comment_id, member_id)
);

CREATE TABLE comment_reactions (
    comment_id BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (comment_id, member_id)
);

-- One row per viewer per post per day (days since the epoch, UTC).
CREATE TABLE post_impressions (
    post_id   BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    viewer_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    day       BIGINT NOT NULL,
    first_at  BIGINT NOT NULL,
    PRIMARY KEY (post_id, viewer_id, day)
);
CREATE INDEX post_impressions_day ON post_impressions (day);

CREATE TABLE hashtag_follows (
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    tag        TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (member_id, tag)
);

-- One row per (member, group_key): a repeated reaction key adds to `count` and makes the row
-- unread again; any other repeated key is ignored.
CREATE TABLE notifications (
    id            BIGSERIAL PRIMARY KEY,
    member_id     BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    actor_id      BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    count         BIGINT NOT NULL DEFAULT 1,
    post_id       BIGINT REFERENCES posts (id) ON DELETE CASCADE,
    comment_id    BIGINT REFERENCES comments (id) ON DELETE CASCADE,
    invitation_id BIGINT REFERENCES invitations (id) ON DELETE CASCADE,
    group_key     TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    read_at       BIGINT,
    UNIQUE (member_id, group_key)
);
CREATE INDEX notifications_recent ON notifications (member_id, created_at, id);
CREATE INDEX notifications_after ON notifications (member_id, id);
CREATE INDEX notifications_unread ON notifications (member_id, created_at) WHERE read_at IS NULL;
CREATE INDEX notifications_post ON notifications (post_id);
CREATE INDEX notifications_comment ON notifications (comment_id);

-- Only the kinds a member changed; the rest are on for both.
CREATE TABLE notification_settings (
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    in_app    BOOLEAN NOT NULL,
    email     BOOLEAN NOT NULL,
    PRIMARY KEY (member_id, kind)
);

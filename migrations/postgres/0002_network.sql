-- The network: invitations, connections, follows, blocks, dismissed suggestions, and who may
-- invite a member. Connections and follows are stored one row per direction so that "my
-- connections" and "my followers" are each one index range.

ALTER TABLE members ADD COLUMN invite_policy TEXT NOT NULL DEFAULT 'everyone';

CREATE TABLE invitations (
    id           BIGSERIAL PRIMARY KEY,
    from_id      BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    to_id        BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    note         TEXT,
    -- pending | accepted | ignored | withdrawn | dont_know | spam | closed
    state        TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    responded_at BIGINT,
    ignored_at   BIGINT,
    withdrawn_at BIGINT
);
-- At most one open invitation per ordered pair ("ignored" still looks pending to its sender).
CREATE UNIQUE INDEX invitations_open_pair ON invitations (from_id, to_id) WHERE state IN ('pending', 'ignored');
CREATE INDEX invitations_pair ON invitations (from_id, to_id, id);
CREATE INDEX invitations_received ON invitations (to_id, state, created_at, id);
CREATE INDEX invitations_sent ON invitations (from_id, state, created_at, id);
CREATE INDEX invitations_sender_answers ON invitations (from_id, responded_at);

CREATE TABLE connections (
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    other_id   BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (member_id, other_id)
);
CREATE INDEX connections_recent ON connections (member_id, created_at, other_id);

CREATE TABLE follows (
    follower_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    followee_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (follower_id, followee_id)
);
CREATE INDEX follows_following ON follows (follower_id, created_at, followee_id);
CREATE INDEX follows_followers ON follows (followee_id, created_at, follower_id);

CREATE TABLE blocks (
    blocker_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    blocked_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX blocks_blocked ON blocks (blocked_id);

CREATE TABLE pymk_dismissals (
    member_id  BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    other_id   BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (member_id, other_id)
);

-- Every uploaded file Guild keeps (profile photos, post images, message attachments): who
-- uploaded it, for what, how large, and when a profile, post or message first used it. An
-- upload nothing used within a day is deleted with its files; the partial index finds them.
CREATE TABLE media (
    key        TEXT PRIMARY KEY,
    owner_id   BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    bytes      BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX media_unused ON media (created_at) WHERE used_at IS NULL;

-- Files kept before this table: a profile's photo is in use; an attachment is in use once a
-- message carries it. (Post images of that time are not listed, so they are never swept.)
INSERT INTO media (key, owner_id, purpose, bytes, created_at, used_at)
    SELECT photo_key, member_id, 'photo', 0, updated_at, updated_at
    FROM profiles WHERE photo_key IS NOT NULL;
INSERT INTO media (key, owner_id, purpose, bytes, created_at, used_at)
    SELECT a.storage_key, a.owner_id, 'attachment', a.size, a.created_at,
           (SELECT MIN(m.created_at) FROM messages m WHERE m.attachment_id = a.id)
    FROM message_attachments a;

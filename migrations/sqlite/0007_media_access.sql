-- Which post shows a post image, so the file is served only to those who may read that post
-- (a connections-only post's image is as private as its text). A profile photo's reader is
-- decided by its owner's profile visibility, so needs no column.
ALTER TABLE media ADD COLUMN post_id BIGINT REFERENCES posts (id) ON DELETE SET NULL;

-- Post images made before this: every key a post lists (images, comma-separated, and the
-- cover) is recorded as that post's, including those made before the media table.
WITH RECURSIVE split (post_id, author_id, created_at, key, rest) AS (
    SELECT id, author_id, created_at, '', images || ',' FROM posts WHERE images <> ''
    UNION ALL
    SELECT post_id, author_id, created_at,
           substr(rest, 1, instr(rest, ',') - 1), substr(rest, instr(rest, ',') + 1)
    FROM split WHERE rest <> ''
)
INSERT INTO media (key, owner_id, purpose, bytes, created_at, used_at, post_id)
    SELECT key, author_id, 'post_image', 0, created_at, created_at, post_id
    FROM split WHERE key <> ''
    UNION ALL
    SELECT cover, author_id, 'post_image', 0, created_at, created_at, id
    FROM posts WHERE cover IS NOT NULL AND cover <> ''
    ON CONFLICT (key) DO UPDATE SET post_id = excluded.post_id;

-- Which post shows a post image, so the file is served only to those who may read that post
-- (a connections-only post's image is as private as its text). A profile photo's reader is
-- decided by its owner's profile visibility, so needs no column.
ALTER TABLE media ADD COLUMN post_id BIGINT REFERENCES posts (id) ON DELETE SET NULL;

-- Post images made before this: every key a post lists (images, comma-separated, and the
-- cover) is recorded as that post's, including those made before the media table.
INSERT INTO media (key, owner_id, purpose, bytes, created_at, used_at, post_id)
    SELECT DISTINCT ON (key) key, author_id, 'post_image', 0, created_at, created_at, id
    FROM (
        SELECT unnest(string_to_array(images, ',')) AS key, author_id, created_at, id
        FROM posts WHERE images <> ''
        UNION ALL
        SELECT cover, author_id, created_at, id FROM posts WHERE cover IS NOT NULL AND cover <> ''
    ) listed
    WHERE key <> ''
    ORDER BY key, id DESC
ON CONFLICT (key) DO UPDATE SET post_id = excluded.post_id;

-- Who opened whose profile, once a day per viewer (issue 16: the count on the home page's
-- member card). The viewers' names, the daily series and the browsing modes that hide a
-- viewer come with "who viewed me" (issue 22) and read this same table.
CREATE TABLE profile_views (
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    viewer_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    day       BIGINT NOT NULL,
    viewed_at BIGINT NOT NULL,
    PRIMARY KEY (member_id, day, viewer_id)
);
CREATE INDEX profile_views_by_viewer ON profile_views (viewer_id);

-- The picker finds members by the prefix of any word of their name, case and accents
-- folded: `search_name` is core's `domain::search_key(name)` (" zoe angstrom"), written
-- with the name. Rows older than this column are filled by the store right after the
-- migrations run (SQL cannot fold accents the way core does), so NULL means "not yet".
ALTER TABLE members ADD COLUMN search_name TEXT;

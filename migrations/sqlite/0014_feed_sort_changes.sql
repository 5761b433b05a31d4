-- Each node keeps a member's feed order in memory beside whom they follow (issue 17,
-- `core/src/feed/sources.rs`), so choosing "relevant" or "recent" is announced like the
-- member's other settings: kind "member", a = the member.
DROP TRIGGER members_changes_u;

CREATE TRIGGER members_changes_u AFTER UPDATE OF name, active, role, invite_policy, feed_sort ON members
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('member', 'U', NEW.id, NULL, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

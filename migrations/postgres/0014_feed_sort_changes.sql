-- Each node keeps a member's feed order in memory beside whom they follow (issue 17,
-- `core/src/feed/sources.rs`), so choosing "relevant" or "recent" is announced like the
-- member's other settings: kind "member", a = the member.
DROP TRIGGER members_changes ON members;

CREATE TRIGGER members_changes AFTER INSERT OR DELETE OR UPDATE OF name, active, role, invite_policy, feed_sort ON members
    FOR EACH ROW EXECUTE FUNCTION guild_change('member', 'id', '', '');

-- People You May Know's affinity index (issue 17) keeps members' employers and schools in
-- memory on every node, so a change to positions or education is announced like a change to
-- the profile itself: kind "profile", a = the member, read again by the other nodes.
CREATE TRIGGER positions_changes AFTER INSERT OR DELETE OR UPDATE ON positions
    FOR EACH ROW EXECUTE FUNCTION guild_change('profile', 'member_id', '', '');

CREATE TRIGGER education_changes AFTER INSERT OR DELETE OR UPDATE ON education
    FOR EACH ROW EXECUTE FUNCTION guild_change('profile', 'member_id', '', '');

-- People You May Know's affinity index (issue 17) keeps members' employers and schools in
-- memory on every node, so a change to positions or education is announced like a change to
-- the profile itself: kind "profile", a = the member, read again by the other nodes. (SQLite
-- serves one node, which applies its own changes; the triggers keep the stream the same.)

CREATE TRIGGER positions_changes_i AFTER INSERT ON positions
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('profile', 'I', NEW.member_id, NULL, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER positions_changes_u AFTER UPDATE ON positions
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('profile', 'U', NEW.member_id, NULL, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER positions_changes_d AFTER DELETE ON positions
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('profile', 'D', OLD.member_id, NULL, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER education_changes_i AFTER INSERT ON education
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('profile', 'I', NEW.member_id, NULL, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER education_changes_u AFTER UPDATE ON education
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('profile', 'U', NEW.member_id, NULL, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER education_changes_d AFTER DELETE ON education
BEGIN
    INSERT INTO changes (kind, op, a, b, c, at)
    VALUES ('profile', 'D', OLD.member_id, NULL, NULL, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

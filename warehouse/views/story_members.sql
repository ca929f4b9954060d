-- Which story each article belongs to, from the same-story stage (table article_stories): copies join
-- their original's story, rewrites and other outlets on the same event join the story they match.
-- Every report view reads stories through this view only.
CREATE OR REPLACE VIEW story_members AS
SELECT story_id, article_id FROM article_stories;

-- Each story's topics: a story carries a topic when any of its articles is tagged with it.
CREATE OR REPLACE VIEW story_topics AS
SELECT DISTINCT m.story_id, t.topic
FROM story_members m
JOIN current_tags t ON t.article_id = m.article_id;

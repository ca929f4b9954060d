-- Entities by how many stories mention them (each story once), with total mentions and first/last day.
CREATE OR REPLACE VIEW entity_top AS
SELECT e.entity, e.kind,
       count(DISTINCT m.story_id) AS stories,
       sum(e.mentions) AS mentions,
       min(s.story_date) AS first_day,
       max(s.story_date) AS last_day
FROM current_entities e
JOIN story_members m ON m.article_id = e.article_id
JOIN story_timelines s ON s.story_id = m.story_id
GROUP BY e.entity, e.kind;

-- Stories mentioning each entity per day: the series behind entity trend charts.
CREATE OR REPLACE VIEW entity_daily_counts AS
SELECT s.story_date AS day, e.entity, e.kind,
       count(DISTINCT m.story_id) AS stories,
       sum(e.mentions) AS mentions
FROM current_entities e
JOIN story_members m ON m.article_id = e.article_id
JOIN story_timelines s ON s.story_id = m.story_id
GROUP BY ALL;

-- One row per story: what reports count when each story should count once.
CREATE OR REPLACE VIEW stories AS
SELECT s.story_id,
       count(*) AS articles,
       count(*) FILTER (WHERE s.kind IN ('exact', 'title', 'near')) AS copies,
       count(DISTINCT a.source) AS sources,
       min(a.published) AS first_published,
       max(a.published) AS last_published,
       any_value(f.title) AS title,
       any_value(f.url) AS url
FROM article_stories s
JOIN articles a ON a.article_id = s.article_id
LEFT JOIN articles f ON f.article_id = s.story_id
GROUP BY s.story_id;

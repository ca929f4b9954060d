-- One row per story: what reports count when each story should count once. Headline and link come
-- from story_timelines (the outlet that filed the story is preferred over copies; seeds have no link).
-- copies: its articles that copy another (exact, title or near); the original and other outlets' own
-- reports of the same event are not copies. sources: outlets, the seed corpus left out.
CREATE OR REPLACE VIEW stories AS
SELECT s.story_id,
       count(*) AS articles,
       count(*) FILTER (WHERE s.kind IN ('exact', 'title', 'near')) AS copies,
       count(DISTINCT a.source) FILTER (WHERE NOT a.is_seed) AS sources,
       min(a.published) AS first_published,
       max(a.published) AS last_published,
       any_value(t.title) AS title,
       any_value(t.url) AS url
FROM article_stories s
JOIN articles a ON a.article_id = s.article_id
LEFT JOIN story_timelines t ON t.story_id = s.story_id
GROUP BY s.story_id;

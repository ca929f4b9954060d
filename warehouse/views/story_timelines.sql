-- One row per story: when it was first seen and published, which outlets carried it, when it last
-- changed, and its topics. The headline is the first non-empty one; the link is the first web
-- address (seed articles have none), else the first article's.
CREATE OR REPLACE VIEW story_timelines AS
WITH members AS (
    SELECT m.story_id, a.article_id, a.url, a.title, a.body, a.source, a.published, a.first_seen_at, a.is_seed
    FROM story_members m
    JOIN articles a ON a.article_id = m.article_id
),
topics AS (
    SELECT story_id, list(topic ORDER BY topic) AS topics FROM story_topics GROUP BY story_id
)
SELECT g.story_id,
       coalesce(
           arg_min(g.title, g.first_seen_at) FILTER (WHERE trim(coalesce(g.title, '')) <> ''),
           left(arg_min(g.body, g.first_seen_at), 120)
       ) AS title,
       coalesce(
           arg_min(g.url, g.first_seen_at) FILTER (WHERE g.url LIKE 'http%'),
           arg_min(g.url, g.first_seen_at)
       ) AS url,
       min(g.first_seen_at) AS first_seen_at,
       min(g.published) AS first_published,
       coalesce(min(g.published), CAST(min(g.first_seen_at) AS DATE)) AS story_date,
       max(g.first_seen_at) AS last_update_at,
       count(*) AS articles,
       count(DISTINCT g.source) AS outlets,
       list(DISTINCT g.source ORDER BY g.source) AS outlet_names,
       bool_or(g.is_seed) AS has_seed,
       coalesce(any_value(t.topics), []) AS topics
FROM members g
LEFT JOIN topics t ON t.story_id = g.story_id
GROUP BY g.story_id;

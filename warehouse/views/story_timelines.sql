-- One row per story: when it was first seen and published, which outlets carried it, when it last
-- changed, and its topics. Headline and link come from the first article seen; among articles seen
-- together, the original beats exact copies, which beat near copies, so a syndicated copy in another
-- outlet's page is not chosen over the outlet that filed the story. Seeds have no web address.
-- story_date is the earliest publication date, else the day newswatch first saw the story: date_source
-- says which ('published' or 'first seen'). The seed corpus is not an outlet: outlets and outlet_names
-- leave seeds out, and has_seed says whether the story is also in the seed corpus.
CREATE OR REPLACE VIEW story_timelines AS
WITH members AS (
    SELECT m.story_id, a.article_id, a.url, a.title, a.body, a.source, a.published, a.first_seen_at, a.is_seed,
           (a.first_seen_at,
            CASE d.kind WHEN 'exact' THEN 1 WHEN 'title' THEN 2 WHEN 'near' THEN 3 WHEN 'story' THEN 4 ELSE 0 END,
            -coalesce(d.score, 1.0),
            a.url) AS preference
    FROM story_members m
    JOIN articles a ON a.article_id = m.article_id
    LEFT JOIN duplicates d ON d.article_id = a.article_id
),
topics AS (
    SELECT story_id, list(topic ORDER BY topic) AS topics FROM story_topics GROUP BY story_id
)
SELECT g.story_id,
       -- Headline and link from one article: the preferred one with a web address, else the first.
       coalesce(
           nullif(trim(coalesce(arg_min(g.title, g.preference) FILTER (WHERE g.url LIKE 'http%'), '')), ''),
           arg_min(g.title, g.preference) FILTER (WHERE trim(coalesce(g.title, '')) <> ''),
           left(arg_min(g.body, g.preference), 120)
       ) AS title,
       coalesce(
           arg_min(g.url, g.preference) FILTER (WHERE g.url LIKE 'http%'),
           arg_min(g.url, g.preference)
       ) AS url,
       min(g.first_seen_at) AS first_seen_at,
       min(g.published) AS first_published,
       coalesce(min(g.published), CAST(min(g.first_seen_at) AS DATE)) AS story_date,
       CASE WHEN min(g.published) IS NULL THEN 'first seen' ELSE 'published' END AS date_source,
       max(g.first_seen_at) AS last_update_at,
       count(*) AS articles,
       count(DISTINCT g.source) FILTER (WHERE NOT g.is_seed) AS outlets,
       coalesce(list(DISTINCT g.source ORDER BY g.source) FILTER (WHERE NOT g.is_seed), []) AS outlet_names,
       bool_or(g.is_seed) AS has_seed,
       coalesce(any_value(t.topics), []) AS topics
FROM members g
LEFT JOIN topics t ON t.story_id = g.story_id
GROUP BY g.story_id;

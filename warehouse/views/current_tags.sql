-- Tags from the newest tagger version, corrected by analysts: the newest verdict in `tag_feedback` for an
-- (article, topic) removes the tagger's tag or adds one (tagger_version 'analyst', evidence 'analyst').
-- Older tagger versions stay in topic_tags for comparison.
CREATE OR REPLACE VIEW current_tags AS
WITH tagged AS (
    SELECT t.*
    FROM topic_tags t
    WHERE t.tagger_version = (SELECT max_by(tagger_version, tagged_at) FROM topic_tags)
),
verdicts AS (
    SELECT article_id, topic, arg_max(verdict, noted_at) AS verdict, max(noted_at) AS noted_at
    FROM tag_feedback
    GROUP BY article_id, topic
)
SELECT t.*
FROM tagged t
WHERE NOT EXISTS (
    SELECT 1 FROM verdicts v WHERE v.article_id = t.article_id AND v.topic = t.topic AND v.verdict = 'remove'
)
UNION ALL BY NAME
SELECT v.article_id, v.topic, 1.0 AS score, ['analyst'] AS evidence, 'analyst' AS tagger_version,
       v.noted_at AS tagged_at
FROM verdicts v
WHERE v.verdict = 'add'
  AND NOT EXISTS (SELECT 1 FROM tagged t WHERE t.article_id = v.article_id AND t.topic = v.topic);

-- Per source: how many of its articles were new and how many duplicated something stored earlier.
-- new_to_duplicate is NULL for a source with no duplicates (infinitely original, or too few articles).
-- seed_corpus marks the seed corpus's row: seeds are reference texts, not an outlet.
CREATE OR REPLACE VIEW source_dedup_ratio AS
SELECT a.source,
       bool_and(a.is_seed) AS seed_corpus,
       count(*) AS articles,
       count(*) FILTER (WHERE d.article_id IS NULL) AS new_articles,
       count(d.article_id) AS duplicates,
       count(*) FILTER (WHERE d.kind = 'exact') AS exact_duplicates,
       count(*) FILTER (WHERE d.kind = 'title') AS title_duplicates,
       count(*) FILTER (WHERE d.kind = 'near') AS near_duplicates,
       count(*) FILTER (WHERE d.kind = 'story') AS story_duplicates,
       round(count(*) FILTER (WHERE d.article_id IS NULL) / nullif(count(d.article_id), 0), 3) AS new_to_duplicate,
       round(count(d.article_id) / count(*), 3) AS duplicate_share
FROM articles a
LEFT JOIN duplicates d ON d.article_id = a.article_id
GROUP BY a.source;

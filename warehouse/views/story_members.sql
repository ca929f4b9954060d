-- Which story each article belongs to. Until same-story linking lands, a story is one non-duplicate
-- article plus every duplicate that points at it (followed through chains of duplicates).
-- Every report view reads stories through this view only: switching to a stored story_id
-- means replacing this body with `SELECT story_id, article_id FROM <article-to-story table>`.
CREATE OR REPLACE VIEW story_members AS
WITH RECURSIVE chain(article_id, story_id, depth) AS (
    SELECT article_id, article_id, 0 FROM unique_articles
    UNION ALL
    SELECT d.article_id, c.story_id, c.depth + 1
    FROM duplicates d
    JOIN chain c ON d.matched_article_id = c.article_id
    WHERE d.article_id <> c.article_id AND c.depth < 32
)
SELECT story_id, article_id FROM chain;

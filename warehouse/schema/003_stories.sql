-- Same-story linking: every article's story and why, the terms each article is indexed under,
-- and document frequencies for weighing them. Articles stored before this migration get a story
-- here: copies share their original's, the rest open their own (they are not indexed for matching).

CREATE TABLE IF NOT EXISTS article_stories (
    article_id         VARCHAR PRIMARY KEY,
    story_id           VARCHAR NOT NULL,
    kind               VARCHAR NOT NULL,   -- new | story | exact | title | near
    score              DOUBLE NOT NULL,
    matched_article_id VARCHAR,
    detail             VARCHAR,
    linked_at          TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE INDEX IF NOT EXISTS article_stories_story ON article_stories (story_id);

-- The top terms of each indexed article, with their field-weighted counts (idf is applied at match time).
CREATE TABLE IF NOT EXISTS story_terms (
    term       VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    count      DOUBLE NOT NULL,
    published  DATE,                   -- the article's, so the date window prunes before the join
    PRIMARY KEY (term, article_id)
);

-- In how many indexed articles each term occurs (all terms, not only the top ones).
-- The empty term counts the indexed articles themselves.
CREATE TABLE IF NOT EXISTS story_term_df (
    term VARCHAR PRIMARY KEY,
    df   BIGINT NOT NULL
);

INSERT INTO article_stories (article_id, story_id, kind, score, matched_article_id, detail)
SELECT a.article_id,
       coalesce(d.matched_article_id, a.article_id),
       coalesce(d.kind, 'new'),
       coalesce(d.score, 0.0),
       d.matched_article_id,
       'assigned by migration 003 (stored before story linking)'
FROM articles a
LEFT JOIN duplicates d USING (article_id)
WHERE NOT EXISTS (SELECT 1 FROM article_stories s WHERE s.article_id = a.article_id);

-- Tables that grow with the corpus lose their primary keys and indexes, and LSH band keys become BIGINT.
--
-- DuckDB keeps a key's index (ART) in memory once a write or look-up has touched it, and cannot evict it:
-- memory grew with the stored articles (docs/performance.md). The loaders already keep keys unique with anti-join inserts, as they must on
-- DuckLake, which has no keys (warehouse/bulk.py); look-ups scan, filtered by the batch's keys or dates.
-- DuckDB cannot drop a key, so each table is rebuilt with the same columns and its rows copied over.
-- The rebuild also runs on DuckLake (where there were no keys to drop) for the band key's new type.

DROP TABLE IF EXISTS articles_007;
CREATE TABLE articles_007 (
    article_id    VARCHAR NOT NULL,        -- sha256 of the canonical URL
    url           VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    title         VARCHAR,
    author        VARCHAR,
    published     DATE,
    language      VARCHAR,
    site          VARCHAR,
    body          VARCHAR NOT NULL,
    is_seed       BOOLEAN NOT NULL DEFAULT FALSE,
    run_id        VARCHAR,
    first_seen_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
INSERT INTO articles_007 BY NAME SELECT * FROM articles;
DROP TABLE articles;
ALTER TABLE articles_007 RENAME TO articles;

DROP TABLE IF EXISTS article_aliases_007;
CREATE TABLE article_aliases_007 (
    alias_url  VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL
);
INSERT INTO article_aliases_007 BY NAME SELECT * FROM article_aliases;
DROP TABLE article_aliases;
ALTER TABLE article_aliases_007 RENAME TO article_aliases;

DROP TABLE IF EXISTS raw_pages_007;
CREATE TABLE raw_pages_007 (
    article_id       VARCHAR NOT NULL,
    content_encoding VARCHAR NOT NULL,     -- 'zstd' or 'gzip'
    body             BLOB NOT NULL,
    fetched_at       TIMESTAMP NOT NULL DEFAULT current_timestamp
);
INSERT INTO raw_pages_007 BY NAME SELECT * FROM raw_pages;
DROP TABLE raw_pages;
ALTER TABLE raw_pages_007 RENAME TO raw_pages;

DROP TABLE IF EXISTS rejected_pages_007;
CREATE TABLE rejected_pages_007 (
    url         VARCHAR NOT NULL,
    source      VARCHAR,
    reason      VARCHAR NOT NULL,
    run_id      VARCHAR,
    rejected_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
INSERT INTO rejected_pages_007 BY NAME SELECT * FROM rejected_pages;
DROP TABLE rejected_pages;
ALTER TABLE rejected_pages_007 RENAME TO rejected_pages;

DROP TABLE IF EXISTS fingerprints_007;
CREATE TABLE fingerprints_007 (
    article_id VARCHAR NOT NULL,
    text_hash  VARCHAR NOT NULL,
    title_key  VARCHAR NOT NULL,
    minhash    BLOB NOT NULL              -- uint64 MinHash signature, little-endian
);
INSERT INTO fingerprints_007 BY NAME SELECT * FROM fingerprints;
DROP TABLE fingerprints;                -- and its index fingerprints_text_hash
ALTER TABLE fingerprints_007 RENAME TO fingerprints;

-- Band number in bits 58-62 over the top 58 bits of the band's 64-bit hash (extractors/dedup/fingerprints.py).
DROP TABLE IF EXISTS lsh_bands_007;
CREATE TABLE lsh_bands_007 (
    band_key   BIGINT NOT NULL,
    article_id VARCHAR NOT NULL
);
INSERT INTO lsh_bands_007
SELECT CASE WHEN typeof(band_key) = 'VARCHAR'
            THEN (CAST(substr(band_key::VARCHAR, 1, 2) AS BIGINT) << 58)
                 | CAST(CAST('0x' || substr(band_key::VARCHAR, 4) AS UBIGINT) >> 6 AS BIGINT)
            ELSE CAST(band_key AS BIGINT) END,
       article_id
FROM lsh_bands;
DROP TABLE lsh_bands;
ALTER TABLE lsh_bands_007 RENAME TO lsh_bands;

DROP TABLE IF EXISTS duplicates_007;
CREATE TABLE duplicates_007 (
    article_id         VARCHAR NOT NULL,
    kind               VARCHAR NOT NULL,   -- exact | title | near | story
    score              DOUBLE NOT NULL,
    matched_article_id VARCHAR NOT NULL,
    detail             VARCHAR,
    decided_at         TIMESTAMP NOT NULL DEFAULT current_timestamp
);
INSERT INTO duplicates_007 BY NAME SELECT * FROM duplicates;
DROP TABLE duplicates;
ALTER TABLE duplicates_007 RENAME TO duplicates;

DROP TABLE IF EXISTS topic_tags_007;
CREATE TABLE topic_tags_007 (
    article_id     VARCHAR NOT NULL,
    topic          VARCHAR NOT NULL,
    score          DOUBLE NOT NULL,
    evidence       VARCHAR[] NOT NULL,
    tagger_version VARCHAR NOT NULL,
    tagged_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);
INSERT INTO topic_tags_007 BY NAME SELECT * FROM topic_tags;
DROP TABLE topic_tags;
ALTER TABLE topic_tags_007 RENAME TO topic_tags;

DROP TABLE IF EXISTS skipped_entries_007;
CREATE TABLE skipped_entries_007 (
    url        VARCHAR NOT NULL,          -- canonical URL
    source     VARCHAR,
    title      VARCHAR,
    stage      VARCHAR NOT NULL,          -- entry (title + summary) | fulltext
    reason     VARCHAR NOT NULL,
    query      VARCHAR NOT NULL,
    run_id     VARCHAR,
    skipped_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
INSERT INTO skipped_entries_007 BY NAME SELECT * FROM skipped_entries;
DROP TABLE skipped_entries;
ALTER TABLE skipped_entries_007 RENAME TO skipped_entries;

DROP TABLE IF EXISTS article_stories_007;
CREATE TABLE article_stories_007 (
    article_id         VARCHAR NOT NULL,
    story_id           VARCHAR NOT NULL,
    kind               VARCHAR NOT NULL,   -- new | story | exact | title | near
    score              DOUBLE NOT NULL,
    matched_article_id VARCHAR,
    detail             VARCHAR,
    linked_at          TIMESTAMP NOT NULL DEFAULT current_timestamp
);
INSERT INTO article_stories_007 BY NAME SELECT * FROM article_stories;
DROP TABLE article_stories;             -- and its index article_stories_story
ALTER TABLE article_stories_007 RENAME TO article_stories;

DROP TABLE IF EXISTS story_terms_007;
CREATE TABLE story_terms_007 (
    term       VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    count      DOUBLE NOT NULL,
    published  DATE                    -- the article's, so the date window prunes before the join
);
INSERT INTO story_terms_007 BY NAME SELECT * FROM story_terms;
DROP TABLE story_terms;
ALTER TABLE story_terms_007 RENAME TO story_terms;

DROP TABLE IF EXISTS story_term_df_007;
CREATE TABLE story_term_df_007 (
    term VARCHAR NOT NULL,
    df   BIGINT NOT NULL
);
INSERT INTO story_term_df_007 BY NAME SELECT * FROM story_term_df;
DROP TABLE story_term_df;
ALTER TABLE story_term_df_007 RENAME TO story_term_df;

DROP TABLE IF EXISTS article_entities_007;
CREATE TABLE article_entities_007 (
    article_id        VARCHAR NOT NULL,
    entity            VARCHAR NOT NULL,
    kind              VARCHAR NOT NULL,     -- weapon | person | organisation | place
    mentions          INTEGER NOT NULL,
    in_title          BOOLEAN NOT NULL,
    aliases           VARCHAR[] NOT NULL,   -- the spellings that matched
    gazetteer_version VARCHAR NOT NULL,
    extracted_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);
INSERT INTO article_entities_007 BY NAME SELECT * FROM article_entities;
DROP TABLE article_entities;            -- and its index article_entities_entity
ALTER TABLE article_entities_007 RENAME TO article_entities;

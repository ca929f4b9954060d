-- Core tables: sources, feed state, fetch events, articles and aliases, raw pages,
-- fingerprints and LSH bands, duplicates, topic tags, runs.

CREATE TABLE IF NOT EXISTS sources (
    name        VARCHAR PRIMARY KEY,
    kind        VARCHAR NOT NULL,
    url         VARCHAR NOT NULL,
    enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS feed_state (
    source               VARCHAR PRIMARY KEY,
    last_fetch_at        TIMESTAMP,
    last_success_at      TIMESTAMP,
    last_status          INTEGER,
    last_error           VARCHAR,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    entries_last_fetch   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS fetch_events (
    run_id      VARCHAR,
    fetched_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    source      VARCHAR,
    target      VARCHAR NOT NULL,          -- 'feed' or 'page'
    url         VARCHAR NOT NULL,
    status      INTEGER,
    bytes       BIGINT,
    duration_ms INTEGER,
    error       VARCHAR
);

CREATE TABLE IF NOT EXISTS articles (
    article_id    VARCHAR PRIMARY KEY,     -- sha256 of the canonical URL
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

CREATE TABLE IF NOT EXISTS article_aliases (
    alias_url  VARCHAR PRIMARY KEY,
    article_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS raw_pages (
    article_id       VARCHAR PRIMARY KEY,
    content_encoding VARCHAR NOT NULL,     -- 'zstd' or 'gzip'
    body             BLOB NOT NULL,
    fetched_at       TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS rejected_pages (
    url        VARCHAR PRIMARY KEY,
    source     VARCHAR,
    reason     VARCHAR NOT NULL,
    run_id     VARCHAR,
    rejected_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS fingerprints (
    article_id VARCHAR PRIMARY KEY,
    text_hash  VARCHAR NOT NULL,
    title_key  VARCHAR NOT NULL,
    minhash    BLOB NOT NULL              -- uint64 MinHash signature, little-endian
);
CREATE INDEX IF NOT EXISTS fingerprints_text_hash ON fingerprints (text_hash);

CREATE TABLE IF NOT EXISTS lsh_bands (
    band_key   VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    PRIMARY KEY (band_key, article_id)
);

CREATE TABLE IF NOT EXISTS duplicates (
    article_id         VARCHAR PRIMARY KEY,
    kind               VARCHAR NOT NULL,   -- exact | title | near | story
    score              DOUBLE NOT NULL,
    matched_article_id VARCHAR NOT NULL,
    detail             VARCHAR,
    decided_at         TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS topic_tags (
    article_id     VARCHAR NOT NULL,
    topic          VARCHAR NOT NULL,
    score          DOUBLE NOT NULL,
    evidence       VARCHAR[] NOT NULL,
    tagger_version VARCHAR NOT NULL,
    tagged_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (article_id, topic, tagger_version)
);

CREATE TABLE IF NOT EXISTS runs (
    run_id      VARCHAR PRIMARY KEY,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    summary     JSON
);

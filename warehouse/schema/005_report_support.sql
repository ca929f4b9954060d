-- Report support: the entity counts the report reads, and the full-text index bookkeeping.
-- article_entities is filled by the entity tagger; it is created here only so that the report
-- views bind on a database where that tagger has not run yet.

CREATE TABLE IF NOT EXISTS article_entities (
    article_id VARCHAR NOT NULL,
    entity     VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,
    mentions   INTEGER NOT NULL
);

-- What the full-text index was built from, so `newswatch search` rebuilds it only when articles changed.
CREATE TABLE IF NOT EXISTS search_index_state (
    index_name   VARCHAR PRIMARY KEY,
    articles     BIGINT NOT NULL,
    newest_seen  TIMESTAMP,
    built_at     TIMESTAMP NOT NULL DEFAULT current_timestamp
);

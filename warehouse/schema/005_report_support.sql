-- Report support: full-text index bookkeeping.

-- What the full-text index was built from, so `newswatch search` rebuilds it only when articles changed.
CREATE TABLE IF NOT EXISTS search_index_state (
    index_name   VARCHAR PRIMARY KEY,
    articles     BIGINT NOT NULL,
    newest_seen  TIMESTAMP,
    built_at     TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Feed health and incremental fetching (issue 3): validators and body hash, weighted failure score,
-- automatic disable and revival probes, adaptive poll interval; one row per poll; skipped entries.

CREATE TABLE IF NOT EXISTS feed_health (
    source            VARCHAR PRIMARY KEY,
    etag              VARCHAR,
    last_modified     VARCHAR,
    body_hash         VARCHAR,
    failure_score     DOUBLE NOT NULL DEFAULT 0,
    disabled_at       TIMESTAMP,
    disabled_reason   VARCHAR,
    probe_interval_s  INTEGER,
    poll_interval_s   INTEGER NOT NULL,
    next_poll_at      TIMESTAMP,
    last_success_at   TIMESTAMP,
    updated_at        TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS feed_polls (
    run_id          VARCHAR,
    polled_at       TIMESTAMP NOT NULL,
    source          VARCHAR NOT NULL,
    outcome         VARCHAR NOT NULL,   -- parsed | not_modified | unchanged | failed
    status          INTEGER,
    entries         INTEGER NOT NULL,
    new_items       INTEGER NOT NULL,
    failure_weight  DOUBLE NOT NULL,
    error           VARCHAR
);

CREATE TABLE IF NOT EXISTS skipped_entries (
    url        VARCHAR PRIMARY KEY,       -- canonical URL
    source     VARCHAR,
    title      VARCHAR,
    stage      VARCHAR NOT NULL,          -- entry (title + summary) | fulltext
    reason     VARCHAR NOT NULL,
    query      VARCHAR NOT NULL,
    run_id     VARCHAR,
    skipped_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

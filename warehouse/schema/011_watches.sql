-- Saved searches ("watches"), their hits, and the topic spikes already announced (docs/alerts.md).

-- One row a watch: `newswatch watch add NAME "QUERY" [--topic T] [--lang L] [--source S]`.
CREATE TABLE IF NOT EXISTS watches (
    name         VARCHAR PRIMARY KEY,
    query        VARCHAR NOT NULL,
    topic        VARCHAR,              -- the story must carry this topic
    language     VARCHAR,              -- the matching article's language
    source       VARCHAR,              -- the matching article's source
    notify_block VARCHAR,              -- the Prefect block `watch notify` wired to it, for `watch list`
    created_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- One row per (watch, story), never one per copy. A story first matching a watch adds the row; when the
-- story later reaches outlets the row has not announced, those are added to `outlets` and `alerts` grows
-- by one. Each new row and each growth is one `newswatch.watch.hit` event.
CREATE TABLE IF NOT EXISTS watch_hits (
    watch        VARCHAR NOT NULL,
    story_id     VARCHAR NOT NULL,
    article_id   VARCHAR NOT NULL,     -- the story's best-matching article when it first matched
    outlets      VARCHAR[] NOT NULL,   -- the outlets announced so far (the seed corpus is not an outlet)
    alerts       INTEGER NOT NULL,     -- events sent for this row: the match, then each new-outlet growth
    first_hit_at TIMESTAMP NOT NULL,
    last_hit_at  TIMESTAMP NOT NULL,
    run_id       VARCHAR,              -- the run of the last alert
    PRIMARY KEY (watch, story_id)
);

-- A topic's spike is announced once a day: the row keeps a later run from sending it again.
CREATE TABLE IF NOT EXISTS topic_spikes (
    topic      VARCHAR NOT NULL,
    day        DATE NOT NULL,
    stories    INTEGER NOT NULL,       -- new stories of the topic that day, when announced
    baseline   DOUBLE NOT NULL,        -- mean new stories a day over the 14 days before
    emitted_at TIMESTAMP NOT NULL,
    run_id     VARCHAR,
    PRIMARY KEY (topic, day)
);

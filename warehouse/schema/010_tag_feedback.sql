-- Analysts' corrections of topic tags (`newswatch tag ARTICLE_ID --add TOPIC --remove TOPIC`). The newest
-- verdict per (article, topic) wins at once in `current_tags`, whatever the tagger says, and
-- `newswatch topics train --feedback` learns from them. Rows are never updated: a change of mind is a new row.
-- verdict is 'add' or 'remove', written only by warehouse/tag_feedback.py: no CHECK, which DuckLake refuses.
CREATE TABLE IF NOT EXISTS tag_feedback (
    article_id VARCHAR NOT NULL,
    topic      VARCHAR NOT NULL,
    verdict    VARCHAR NOT NULL,
    analyst    VARCHAR NOT NULL DEFAULT '',
    noted_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);

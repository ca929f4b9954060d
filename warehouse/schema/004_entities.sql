-- Entity mentions per article, from the gazetteer in seeds/entities.toml. Rows are kept per gazetteer
-- version, like topic_tags per tagger version, so a re-extraction after a gazetteer change adds rows.
CREATE TABLE IF NOT EXISTS article_entities (
    article_id        VARCHAR NOT NULL,
    entity            VARCHAR NOT NULL,
    kind              VARCHAR NOT NULL,     -- weapon | person | organisation | place
    mentions          INTEGER NOT NULL,
    in_title          BOOLEAN NOT NULL,
    aliases           VARCHAR[] NOT NULL,   -- the spellings that matched
    gazetteer_version VARCHAR NOT NULL,
    extracted_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (article_id, entity, gazetteer_version)
);
CREATE INDEX IF NOT EXISTS article_entities_entity ON article_entities (entity);

-- How far an unfinished re-tag got (flows/retag.py): articles are re-tagged in article_id order, and each
-- batch's tag rows and this row are written in one transaction, so a killed re-tag resumes after the last
-- article it wrote. The row is removed when the re-tag finishes and is recorded in tagging_versions.
CREATE TABLE IF NOT EXISTS retag_progress (
    tagger_version    VARCHAR NOT NULL,
    gazetteer_version VARCHAR NOT NULL,
    last_article_id   VARCHAR NOT NULL,
    articles          BIGINT NOT NULL,
    updated_at        TIMESTAMP NOT NULL DEFAULT current_timestamp
);

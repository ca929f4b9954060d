-- Which story-profile version (extractors/dedup/story_profile.py, with the gazetteer's version) the stored
-- story terms and their document frequencies were made with. A run whose version is not the last listed
-- profiles the stored articles again first (flows/story_reprofile.py), so old and new articles are compared
-- on the same terms.
CREATE TABLE IF NOT EXISTS story_profile_versions (
    profile_version   VARCHAR NOT NULL,
    articles          BIGINT NOT NULL,
    completed_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- The language of each indexed article, beside its terms: the same-story stage compares articles in two
-- languages by their entities, dates and numbers only, and reads the language with the terms.
ALTER TABLE story_terms ADD COLUMN IF NOT EXISTS language VARCHAR;

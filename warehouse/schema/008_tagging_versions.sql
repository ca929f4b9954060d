-- Which (taxonomy, gazetteer) versions every stored article has been tagged with. A run whose versions are
-- not listed re-tags the stored articles first, so `current_tags` (the newest version's rows) never hides
-- the articles stored before a taxonomy edit.
CREATE TABLE IF NOT EXISTS tagging_versions (
    tagger_version    VARCHAR NOT NULL,
    gazetteer_version VARCHAR NOT NULL,   -- '' when entities were not extracted
    completed_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);

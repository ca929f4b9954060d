-- Which version of each text feature (fingerprints: text hash, title key, MinHash and LSH bands; story
-- profiles: the story terms and their document frequencies) every stored article's rows were computed
-- with. A run whose version is not recorded recomputes them from the stored text first (flows/refresh_text.py),
-- so the articles stored before a change to word splitting compare with new ones on the same terms.
-- No row: computed before versions were recorded.
CREATE TABLE IF NOT EXISTS text_feature_versions (
    feature      VARCHAR PRIMARY KEY,   -- 'fingerprints' | 'story_profiles'
    version      VARCHAR NOT NULL,
    completed_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

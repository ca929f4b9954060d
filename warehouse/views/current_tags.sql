-- Tags from the newest tagger version only; older versions stay for comparison.
CREATE OR REPLACE VIEW current_tags AS
SELECT t.*
FROM topic_tags t
WHERE t.tagger_version = (SELECT max_by(tagger_version, tagged_at) FROM topic_tags);

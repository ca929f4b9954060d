-- Entity counts from the newest gazetteer version only; older versions stay for comparison.
CREATE OR REPLACE VIEW current_entities AS
SELECT e.*
FROM article_entities e
WHERE e.gazetteer_version = (SELECT max_by(gazetteer_version, extracted_at) FROM article_entities);

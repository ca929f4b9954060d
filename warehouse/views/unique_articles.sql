-- Articles that are not duplicates of anything stored earlier: what reports count.
CREATE OR REPLACE VIEW unique_articles AS
SELECT a.*
FROM articles a
WHERE NOT EXISTS (SELECT 1 FROM duplicates d WHERE d.article_id = a.article_id);

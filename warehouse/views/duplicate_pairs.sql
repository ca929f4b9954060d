-- Each duplicate with the title and URL of what it matched, for review.
CREATE OR REPLACE VIEW duplicate_pairs AS
SELECT d.kind, d.score, d.detail,
       a.url AS url, a.source AS source, a.title AS title,
       m.url AS matched_url, m.source AS matched_source, m.title AS matched_title, m.is_seed AS matched_is_seed
FROM duplicates d
JOIN articles a ON a.article_id = d.article_id
JOIN articles m ON m.article_id = d.matched_article_id;

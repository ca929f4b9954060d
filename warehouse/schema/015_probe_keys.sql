-- BIGINT probe keys beside the string keys the dedup stage looks up (warehouse/probe_keys.py).
--
-- The dedup look-ups find a batch's text hashes, the fingerprints of the articles its LSH bands hit, its
-- stored articles and the story verdicts of its candidates by scanning a key column (these tables have no
-- index: warehouse/schema/007). A 64-character hex key is stored FSST-compressed and a scan decompresses
-- every value; a BIGINT scans several times faster. A look-up scans the probe key, then checks the full
-- string on the few rows it found (and on rows without a probe key, so one missing costs time, not a match).
-- The expression must stay the one warehouse/probe_keys.py computes for new rows.
ALTER TABLE fingerprints ADD COLUMN IF NOT EXISTS text_key BIGINT;
ALTER TABLE fingerprints ADD COLUMN IF NOT EXISTS article_key BIGINT;
UPDATE fingerprints
SET text_key = CAST('0x' || md5(text_hash)[1:15] AS BIGINT),
    article_key = CAST('0x' || md5(article_id)[1:15] AS BIGINT)
WHERE text_key IS NULL OR article_key IS NULL;

ALTER TABLE articles ADD COLUMN IF NOT EXISTS article_key BIGINT;
UPDATE articles SET article_key = CAST('0x' || md5(article_id)[1:15] AS BIGINT) WHERE article_key IS NULL;

ALTER TABLE article_stories ADD COLUMN IF NOT EXISTS article_key BIGINT;
UPDATE article_stories SET article_key = CAST('0x' || md5(article_id)[1:15] AS BIGINT) WHERE article_key IS NULL;

-- BIGINT probe keys beside the fingerprints' string keys (warehouse/probe_keys.py).
--
-- The dedup look-ups find a batch's text hashes, and the fingerprints of the articles its LSH bands hit, by
-- scanning a key column (the table has no index: warehouse/schema/007). A 64-character hex key is stored
-- FSST-compressed, and a scan decompresses every value; a BIGINT scans several times faster. The look-up
-- scans the probe key, then checks the full string on the few rows it found.
-- The expression must stay the one warehouse/probe_keys.py computes for new rows.
ALTER TABLE fingerprints ADD COLUMN IF NOT EXISTS text_key BIGINT;
ALTER TABLE fingerprints ADD COLUMN IF NOT EXISTS article_key BIGINT;
UPDATE fingerprints
SET text_key = CAST('0x' || md5(text_hash)[1:15] AS BIGINT),
    article_key = CAST('0x' || md5(article_id)[1:15] AS BIGINT)
WHERE text_key IS NULL OR article_key IS NULL;

-- One row per source: last outcome, failures, what it produced.
CREATE OR REPLACE VIEW source_health AS
SELECT s.name, s.kind, s.url, s.enabled,
       f.last_fetch_at, f.last_success_at, f.last_status, f.last_error, f.consecutive_failures,
       (SELECT count(*) FROM articles a WHERE a.source = s.name) AS articles
FROM sources s
LEFT JOIN feed_state f ON f.source = s.name;

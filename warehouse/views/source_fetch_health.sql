-- Per enabled source, from the fetch log: feed fetches and failures in the last 7 days, the success
-- rate, the typical fetch time, and pages that failed. Complements source_health (last state only).
CREATE OR REPLACE VIEW source_fetch_health AS
WITH recent AS (
    SELECT * FROM fetch_events WHERE fetched_at >= current_timestamp - INTERVAL 7 DAY
)
SELECT s.name AS source, s.kind, s.url,
       count(*) FILTER (WHERE r.target = 'feed') AS feed_fetches_7d,
       count(*) FILTER (WHERE r.target = 'feed' AND r.error IS NOT NULL) AS feed_failures_7d,
       round(count(*) FILTER (WHERE r.target = 'feed' AND r.error IS NULL)
             / nullif(count(*) FILTER (WHERE r.target = 'feed'), 0), 3) AS feed_success_rate_7d,
       CAST(median(r.duration_ms) FILTER (WHERE r.target = 'feed') AS INTEGER) AS feed_median_ms,
       count(*) FILTER (WHERE r.target = 'page') AS pages_7d,
       count(*) FILTER (WHERE r.target = 'page' AND r.error IS NOT NULL) AS page_failures_7d,
       f.last_success_at, f.last_error, coalesce(f.consecutive_failures, 0) AS consecutive_failures
FROM sources s
LEFT JOIN recent r ON r.source = s.name
LEFT JOIN feed_state f ON f.source = s.name
WHERE s.enabled
GROUP BY s.name, s.kind, s.url, f.last_success_at, f.last_error, f.consecutive_failures;

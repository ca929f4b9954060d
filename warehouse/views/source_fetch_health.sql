-- Per enabled source, in the last 7 days: its polls (from feed_polls: one a source a run, whatever its
-- kind: one feed request, or a sitemap and its children, or a GDELT query's windows), failed polls and
-- their success rate, which count in the same unit as consecutive_failures (failed polls in a row);
-- and from the fetch log: requests of feed documents (target 'feed'), their failures, the typical fetch
-- time, and pages that failed. Complements source_health (last state only).
CREATE OR REPLACE VIEW source_fetch_health AS
WITH recent AS (
    SELECT * FROM fetch_events WHERE fetched_at >= current_timestamp - INTERVAL 7 DAY
),
recent_polls AS (
    SELECT source,
           count(*) AS polls_7d,
           count(*) FILTER (WHERE error IS NOT NULL) AS failed_polls_7d
    FROM feed_polls
    WHERE polled_at >= current_timestamp - INTERVAL 7 DAY
    GROUP BY source
)
SELECT s.name AS source, s.kind, s.url,
       count(*) FILTER (WHERE r.target = 'feed') AS feed_fetches_7d,
       count(*) FILTER (WHERE r.target = 'feed' AND r.error IS NOT NULL) AS feed_failures_7d,
       round(count(*) FILTER (WHERE r.target = 'feed' AND r.error IS NULL)
             / nullif(count(*) FILTER (WHERE r.target = 'feed'), 0), 3) AS feed_success_rate_7d,
       CAST(median(r.duration_ms) FILTER (WHERE r.target = 'feed') AS INTEGER) AS feed_median_ms,
       count(*) FILTER (WHERE r.target = 'page') AS pages_7d,
       count(*) FILTER (WHERE r.target = 'page' AND r.error IS NOT NULL) AS page_failures_7d,
       coalesce(p.polls_7d, 0) AS polls_7d,
       coalesce(p.failed_polls_7d, 0) AS failed_polls_7d,
       round((p.polls_7d - p.failed_polls_7d) / nullif(p.polls_7d, 0), 3) AS poll_success_rate_7d,
       f.last_success_at, f.last_error, coalesce(f.consecutive_failures, 0) AS consecutive_failures
FROM sources s
LEFT JOIN recent r ON r.source = s.name
LEFT JOIN recent_polls p ON p.source = s.name
LEFT JOIN feed_state f ON f.source = s.name
WHERE s.enabled
GROUP BY s.name, s.kind, s.url, p.polls_7d, p.failed_polls_7d, f.last_success_at, f.last_error, f.consecutive_failures;

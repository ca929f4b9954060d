-- Each entity's stories in the last 7 days against the 7 days before: new, rising, falling or steady.
CREATE OR REPLACE VIEW entity_trend AS
WITH windows AS (
    SELECT entity, kind,
           coalesce(sum(stories) FILTER (WHERE day > current_date - 7), 0) AS stories_last_7d,
           coalesce(sum(stories) FILTER (WHERE day <= current_date - 7), 0) AS stories_prev_7d
    FROM entity_daily_counts
    WHERE day > current_date - 14
    GROUP BY entity, kind
)
SELECT entity, kind, stories_last_7d, stories_prev_7d,
       stories_last_7d - stories_prev_7d AS change,
       CASE
         WHEN stories_prev_7d = 0 AND stories_last_7d > 0 THEN 'new'
         WHEN stories_last_7d > stories_prev_7d THEN 'rising'
         WHEN stories_last_7d < stories_prev_7d THEN 'falling'
         ELSE 'steady'
       END AS direction
FROM windows;

"""The report's queries over the report views, each parameterised by the report's period ($since, $until)
and, for comparisons, the period of the same length before it ($before, up to $since).

A story belongs to a period when newswatch first saw it, or a new copy of it, in the period. The seed
corpus is reference text, not an outlet: outlet counts leave it out (story_timelines) and so does the
outlet table."""

from __future__ import annotations


def in_window(start: str, end: str) -> str:
    """The story `t` (a story_timelines row) was first seen, or had a new article seen, between start and end."""
    return f"t.last_update_at >= {start} AND t.first_seen_at <= {end}"


IN_PERIOD = in_window("$since", "$until")

TOP_STORIES_SQL = f"""
SELECT t.story_id, st.topic, t.title, t.url, t.story_date, t.date_source, t.first_seen_at, t.last_update_at,
       t.outlets, t.outlet_names, t.has_seed, t.articles
FROM story_timelines t
JOIN story_topics st ON st.story_id = t.story_id
WHERE {IN_PERIOD}
QUALIFY row_number() OVER (
    PARTITION BY st.topic ORDER BY t.outlets DESC, t.articles DESC, t.last_update_at DESC, t.story_id
) <= $per_topic
ORDER BY st.topic, t.outlets DESC, t.articles DESC, t.last_update_at DESC, t.story_id
"""

DAILY_SQL = f"""
SELECT t.story_date, st.topic, count(*), count(*) FILTER (WHERE t.date_source = 'first seen'), sum(t.articles)
FROM story_timelines t
JOIN story_topics st ON st.story_id = t.story_id
WHERE {IN_PERIOD}
GROUP BY ALL ORDER BY 1, 2
"""

# The latest weeks with stories up to the period's end, never weeks after it.
WEEKLY_SQL = """
WITH upto AS (SELECT * FROM topic_weekly_counts WHERE week_start <= CAST($until AS DATE))
SELECT week_start, topic, stories, first_seen_dated, articles FROM upto
WHERE week_start > (SELECT max(week_start) FROM upto) - INTERVAL (7 * $weeks) DAY
ORDER BY 1, 2
"""

# Articles first seen in the period, in three parts that add up to them: from the seed corpus, new from
# outlets (a copy of nothing stored before), and duplicates from outlets; then sources polled without
# error in the last 7 days, and failing ones.
TOTALS_SQL = f"""
WITH seen AS (
    SELECT a.is_seed, d.article_id IS NOT NULL AS duplicate
    FROM articles a LEFT JOIN duplicates d USING (article_id)
    WHERE a.first_seen_at BETWEEN $since AND $until
)
SELECT (SELECT count(*) FROM story_timelines t WHERE {IN_PERIOD}),
       (SELECT count(*) FROM seen),
       (SELECT count(*) FROM seen WHERE NOT is_seed AND NOT duplicate),
       (SELECT count(*) FROM seen WHERE NOT is_seed AND duplicate),
       (SELECT count(*) FROM seen WHERE is_seed),
       (SELECT count(*) FROM source_fetch_health WHERE polls_7d > 0 AND last_error IS NULL),
       (SELECT count(*) FROM source_fetch_health WHERE last_error IS NOT NULL)
"""

SOURCE_RATIOS_SQL = """
SELECT source, articles, new_articles, duplicates, new_to_duplicate FROM source_dedup_ratio
WHERE NOT seed_corpus
ORDER BY articles DESC, source
"""

SEED_ARTICLES_SQL = "SELECT count(*) FROM articles WHERE is_seed"

# Polls, not requests: a GDELT query makes many requests a poll, a feed one; failing in a row counts polls.
SOURCE_HEALTH_SQL = """
SELECT source, kind, polls_7d, failed_polls_7d, poll_success_rate_7d, consecutive_failures, last_success_at,
       last_error
FROM source_fetch_health
ORDER BY consecutive_failures DESC, failed_polls_7d DESC, source
"""

# Each entity's stories in the period against the period before it: new, rising, falling or steady.
# Entities mentioned in neither are left out; all-time stories and mentions come from entity_top.
ENTITIES_SQL = f"""
WITH windows AS (
    SELECT t.story_id, ({IN_PERIOD}) AS in_period, ({in_window("$before", "$since")}) AS before_period
    FROM story_timelines t
),
counts AS (
    SELECT e.entity, e.kind,
           count(DISTINCT m.story_id) FILTER (WHERE w.in_period) AS in_period,
           count(DISTINCT m.story_id) FILTER (WHERE w.before_period) AS before_period
    FROM current_entities e
    JOIN story_members m ON m.article_id = e.article_id
    JOIN windows w ON w.story_id = m.story_id
    GROUP BY e.entity, e.kind
)
SELECT c.entity, c.kind, e.stories, e.mentions, c.in_period, c.before_period,
       CASE
         WHEN c.before_period = 0 AND c.in_period > 0 THEN 'new'
         WHEN c.in_period > c.before_period THEN 'rising'
         WHEN c.in_period < c.before_period THEN 'falling'
         ELSE 'steady'
       END AS direction
FROM counts c
JOIN entity_top e ON e.entity = c.entity AND e.kind = c.kind
WHERE c.in_period > 0 OR c.before_period > 0
ORDER BY c.in_period DESC, c.before_period DESC, e.stories DESC, e.mentions DESC, c.entity
LIMIT $limit
"""

ENTITY_COUNT_SQL = "SELECT count(*) FROM entity_top"

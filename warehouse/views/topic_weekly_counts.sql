-- Stories per topic per ISO week (weeks start on Monday), each story counted once.
CREATE OR REPLACE VIEW topic_weekly_counts AS
SELECT CAST(date_trunc('week', day) AS DATE) AS week_start, topic,
       sum(stories) AS stories,
       sum(first_seen_dated) AS first_seen_dated,
       sum(articles) AS articles
FROM topic_daily_counts
GROUP BY ALL;

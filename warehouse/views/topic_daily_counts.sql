-- Stories per topic per day, each story counted once on its own date (earliest publication date of
-- any of its articles, else the day it was first seen). `articles` counts every copy, for contrast;
-- `first_seen_dated` counts the stories with no publication date, dated by the day first seen.
CREATE OR REPLACE VIEW topic_daily_counts AS
SELECT s.story_date AS day, st.topic,
       count(*) AS stories,
       count(*) FILTER (WHERE s.date_source = 'first seen') AS first_seen_dated,
       sum(s.articles) AS articles
FROM story_topics st
JOIN story_timelines s ON s.story_id = st.story_id
GROUP BY ALL;

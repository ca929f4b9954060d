-- The entity_trend view compared the 7 days before current_date with the 7 before them, so a report of
-- any other period drew an empty entity chart. The report now compares its own period with the period
-- before it (warehouse/report_queries.py ENTITIES_SQL); the view goes, so nothing reads the old windows.
DROP VIEW IF EXISTS entity_trend;

-- Per day: the strays other dumps hold for it, how many of them were dropped as duplicates (the day's
-- own dump or an earlier-found stray holds the uuid), and how many were kept without a check because
-- they were filed outside the edge window ($edge_minutes) the edge uuids cover.
WITH strays AS (
  SELECT day, uuid, created_ts, rows, dump AS found_in FROM read_parquet($strays, hive_partitioning = true)
), edge AS (
  SELECT dump AS day, uuid FROM read_parquet($edges, hive_partitioning = true)
), marked AS (
  SELECT s.*, EXISTS (SELECT 1 FROM edge AS e WHERE e.day = s.day AND e.uuid = s.uuid) AS in_own,
         CASE WHEN s.uuid IS NULL THEN 1 ELSE row_number() OVER (PARTITION BY s.uuid ORDER BY s.found_in, s.created_ts) END AS nth
  FROM strays AS s
)
SELECT day,
       sum(rows)::BIGINT AS strays_for_day,
       sum(CASE WHEN in_own OR nth > 1 THEN rows ELSE 0 END)::BIGINT AS rows_deduplicated,
       sum(CASE WHEN NOT in_own AND nth = 1
                 AND created_ts >= day + to_minutes($edge_minutes)
                 AND created_ts < day + INTERVAL 1 DAY - to_minutes($edge_minutes) THEN rows ELSE 0 END)::BIGINT
         AS strays_unverified
FROM marked
GROUP BY day
ORDER BY day

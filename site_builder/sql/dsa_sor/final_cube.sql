-- The de-duplicated cube of every day whose own dump was read: one row per day and cube key with the
-- number of distinct statements. A day's statements are those of its own dump plus the strays other
-- dumps hold for it (rows of that day leaked across the ID-window cut), minus strays whose uuid the
-- day's own dump already holds (its edge uuids) and minus a stray already found in another dump.
-- $cubes, $strays, $edges: Parquet files of one slug and variant (hive key dump=YYYY-MM-DD); $days: the
-- days whose dump was read.
WITH own AS (
  SELECT * EXCLUDE (slug, variant, dump) FROM read_parquet($cubes, hive_partitioning = true, union_by_name = true)
), strays AS (
  SELECT * EXCLUDE (slug, variant, dump), dump AS found_in
  FROM read_parquet($strays, hive_partitioning = true, union_by_name = true)
), edge AS (
  SELECT dump AS day, uuid FROM read_parquet($edges, hive_partitioning = true)
), kept AS (
  SELECT s.* FROM strays AS s
  WHERE list_contains($days, s.day)
    AND NOT EXISTS (SELECT 1 FROM edge AS e WHERE e.day = s.day AND e.uuid = s.uuid)
  QUALIFY s.uuid IS NULL OR row_number() OVER (PARTITION BY s.uuid ORDER BY s.found_in, s.created_ts) = 1
)
SELECT day, schema_version, platform_name, category, category_addition, keywords, decision_visibility,
       decision_monetary, decision_provision, decision_account, decision_ground, automated_detection,
       automated_decision, source_type, content_type, content_delay, decision_lag, sum(rows)::BIGINT AS rows
FROM (
  SELECT * FROM own
  UNION ALL BY NAME
  SELECT * EXCLUDE (uuid, created_ts, found_in) FROM kept
)
GROUP BY ALL
ORDER BY ALL NULLS FIRST

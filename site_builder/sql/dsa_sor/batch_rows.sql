-- One row per statement of reasons read from a batch of CSV parts: the cube fields. Arrays stay as
-- written here (few distinct spellings: they are sorted and de-duplicated once per group, in
-- day_cube.sql); the day is the date of created_at (UTC), not the file's.
-- $files: the part files; $columns: their header, all VARCHAR; $escape: '"'.
SELECT
  uuid,
  created_ts,
  created_ts::DATE AS day,
  platform_name,
  category,
  category_addition,
  category_specification AS keywords,
  decision_visibility,
  nullif(decision_monetary, '') AS decision_monetary,
  nullif(decision_provision, '') AS decision_provision,
  nullif(decision_account, '') AS decision_account,
  nullif(decision_ground, '') AS decision_ground,
  nullif(automated_detection, '') AS automated_detection,
  nullif(automated_decision, '') AS automated_decision,
  nullif(source_type, '') AS source_type,
  content_type,
  sor_delay(content_ts, applied_ts, TIMESTAMP '2000-01-01', TIMESTAMP '2020-01-01', created_ts) AS content_delay,
  sor_delay(applied_ts, created_ts, TIMESTAMP '2020-01-01', TIMESTAMP '2020-01-01', created_ts) AS decision_lag
FROM (
  SELECT *, sor_ts(created_at) AS created_ts, sor_ts(content_date) AS content_ts, sor_ts(application_date) AS applied_ts
  FROM read_csv($files, header = true, auto_detect = false, columns = $columns, delim = ',', quote = '"',
              escape = $escape, store_rejects = true, rejects_table = 'sor_rejects',
              rejects_scan = 'sor_rejects_scan', max_line_size = 50000000, parallel = true)
)
-- Always true; it makes DuckDB decode (and so check the UTF-8 of) the two ground texts as well, which
-- every variant has: their invalid bytes reject the line, which is then re-read (reader.py).
WHERE (length(illegal_content_legal_ground) >= 0 OR illegal_content_legal_ground IS NULL)
  AND (length(incompatible_content_ground) >= 0 OR incompatible_content_ground IS NULL)

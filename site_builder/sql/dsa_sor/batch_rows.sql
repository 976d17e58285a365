-- One row per statement of reasons read from a batch of CSV parts: the cube fields, normalised.
-- Arrays are sorted and de-duplicated; the day is the date of created_at (UTC), not the file's.
-- $files: the part files; $columns: their header, all VARCHAR; $escape: '"' (first read) or '\'.
SELECT
  filename,
  uuid,
  sor_ts(created_at) AS created_ts,
  sor_ts(created_at)::DATE AS day,
  platform_name,
  category,
  sor_list(category_addition) AS category_addition,
  sor_list(category_specification) AS keywords,
  sor_list(decision_visibility) AS decision_visibility,
  nullif(decision_monetary, '') AS decision_monetary,
  nullif(decision_provision, '') AS decision_provision,
  nullif(decision_account, '') AS decision_account,
  nullif(decision_ground, '') AS decision_ground,
  nullif(automated_detection, '') AS automated_detection,
  nullif(automated_decision, '') AS automated_decision,
  nullif(source_type, '') AS source_type,
  sor_list(content_type) AS content_type,
  sor_delay(sor_ts(content_date), sor_ts(application_date), TIMESTAMP '2000-01-01', TIMESTAMP '2020-01-01',
            sor_ts(created_at)) AS content_delay,
  sor_delay(sor_ts(application_date), sor_ts(created_at), TIMESTAMP '2020-01-01', TIMESTAMP '2020-01-01',
            sor_ts(created_at)) AS decision_lag
FROM read_csv($files, header = true, auto_detect = false, columns = $columns, delim = ',', quote = '"',
              escape = $escape, store_rejects = true, rejects_table = 'sor_rejects',
              rejects_scan = 'sor_rejects_scan', filename = true, max_line_size = 50000000, parallel = true)

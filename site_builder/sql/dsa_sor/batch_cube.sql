-- One row per cube key of a batch, with the number of statements (rows). A statement is kept on its
-- own row, with its uuid, when it is a stray (created_at on another day than the dump's, $day) or
-- falls in the first or last minutes of its day ($edge_lo, $edge_hi): those uuids are what the
-- de-duplication across neighbouring days compares. Wraps batch_rows.sql as subquery r.
SELECT
  day, platform_name, category, category_addition, keywords, decision_visibility, decision_monetary,
  decision_provision, decision_account, decision_ground, automated_detection, automated_decision, source_type,
  content_type, content_delay, decision_lag,
  CASE WHEN day IS DISTINCT FROM $day OR created_ts < $edge_lo OR created_ts >= $edge_hi THEN uuid END AS uuid,
  CASE WHEN day IS DISTINCT FROM $day THEN created_ts END AS created_ts,
  count(*)::BIGINT AS rows
FROM ({rows}) AS r
GROUP BY ALL

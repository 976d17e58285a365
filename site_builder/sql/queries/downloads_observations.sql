-- Bulk download observations.csv / observations.parquet: one row per published number, the
-- whole record (fct_observations): every number read from every release, including those
-- published as N/A, superseded curated copies (superseded = true) and numbers not shown
-- because they name no document or are held back (traceable = false). Labels as published,
-- harmonised ids, typed value, status, unit, locator, release and row-level provenance.
-- Left out: the raw text copies of value/period (value_text, ...), which the data checks
-- guarantee equal the typed columns; value_as_published keeps the number as printed.
-- Deterministic order: by release, then where in the release the number was read.
SELECT * EXCLUDE (value_text, value_low_text, value_high_text, period_start_text, period_end_text)
FROM fct_observations
ORDER BY source_id, release_id, obs_file, locator, platform_label, policy_label, metric_label,
         period_start, period_end, geography, value_status, value_as_published

-- Figures where a curated copy and the raw file disagree (the raw value is published).
SELECT * FROM curated_vs_raw
WHERE raw_release_id IS NOT NULL AND NOT agrees
ORDER BY source_id, platform, policy_key, metric_key, period_start, period_end, geo_code

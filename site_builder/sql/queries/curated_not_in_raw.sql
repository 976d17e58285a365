-- Curated copies of a publisher's file whose figure the file does not publish under the
-- same platform, policy, metric, period and place (usually a label the copy got wrong).
SELECT * FROM curated_vs_raw
WHERE raw_release_id IS NULL
ORDER BY source_id, platform, policy_key, metric_key, period_start, period_end, geo_code

-- Numbers where a curated copy and the raw file of the same edition disagree.
SELECT * FROM curated_vs_raw
WHERE raw_release_id IS NOT NULL AND NOT agrees
ORDER BY platform_label, policy_label, metric_label, period_start

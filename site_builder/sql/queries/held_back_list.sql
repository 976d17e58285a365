-- Numbers kept in data/ but not shown (see mart held_back).
SELECT * FROM held_back ORDER BY source_id, platform_label, period_start, metric_label, period_end, policy_label, release_id, locator

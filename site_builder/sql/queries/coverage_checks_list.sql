-- Every row of data/coverage_checks.csv (staging coverage_checks) with the names a reader
-- sees: platform, source, metric ('every measure' for '*') and policy area ('every area').
SELECT
    k.*,
    p.name AS platform_name,
    s.short AS source_short,
    CASE WHEN k.metric_id = '*' THEN 'every measure' ELSE m.name END AS metric_name,
    CASE WHEN k.policy_area = '*' THEN 'every area' ELSE a.name END AS area_name
FROM coverage_checks AS k
JOIN platforms AS p USING (platform_id)
JOIN sources AS s USING (source_id)
LEFT JOIN metrics AS m ON m.metric_id = k.metric_id
LEFT JOIN policy_areas AS a ON a.policy_area = k.policy_area
ORDER BY p.name, k.period_start, k.line

-- Strays of a dump: one row per statement whose created_at falls on another day than the dump's
-- ($day), with its uuid (the same statement may also be in its own day's dump).
SELECT day, $schema_version AS schema_version, platform_name, category, sor_list(category_addition) AS category_addition,
       sor_list(keywords) AS keywords, sor_list(decision_visibility) AS decision_visibility, decision_monetary, decision_provision, decision_account, decision_ground,
       automated_detection, automated_decision, source_type, sor_list(content_type) AS content_type, content_delay, decision_lag,
       uuid, created_ts, sum(rows)::BIGINT AS rows
FROM sor_acc
WHERE day <> $day
GROUP BY ALL
ORDER BY ALL NULLS FIRST

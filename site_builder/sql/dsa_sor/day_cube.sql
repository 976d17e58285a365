-- The cube of a dump's own day: one row per cube key with the number of statements whose created_at
-- falls on the dump's day ($day), ordered by the full key so the Parquet file is reproducible.
SELECT day, $schema_version AS schema_version, platform_name, category, sor_list(category_addition) AS category_addition,
       sor_list(keywords) AS keywords, sor_list(decision_visibility) AS decision_visibility, decision_monetary, decision_provision, decision_account, decision_ground,
       automated_detection, automated_decision, source_type, sor_list(content_type) AS content_type, content_delay, decision_lag,
       sum(rows)::BIGINT AS rows
FROM sor_acc
WHERE day = $day
GROUP BY ALL
ORDER BY ALL NULLS FIRST

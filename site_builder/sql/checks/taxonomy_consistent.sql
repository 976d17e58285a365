-- The taxonomy maps point at ids that exist, and a harmonised metric's values have the
-- unit kind the metric is defined in (a proactive rate is a percentage, not a count).
SELECT 'data/taxonomy/platform_labels.csv' AS file, label AS locator,
       'platform id ''' || platform_id || ''' is not in platforms.csv' AS problem
FROM tax_platform_labels WHERE platform_id NOT IN (SELECT platform_id FROM tax_platforms)
UNION ALL
SELECT 'data/taxonomy/policy_labels.csv', source_id || ': ' || label,
       'policy area ''' || policy_area || ''' is not in policy_areas.csv'
FROM tax_policy_labels WHERE policy_area NOT IN (SELECT policy_area FROM tax_policy_areas)
UNION ALL
SELECT 'data/taxonomy/metric_labels.csv', source_id || ': ' || label,
       'metric id ''' || metric_id || ''' is not in metrics.csv'
FROM tax_metric_labels WHERE metric_id NOT IN (SELECT metric_id FROM tax_metrics)
UNION ALL
SELECT 'data/taxonomy/metric_labels.csv', source_id || ': ' || label,
       'qualifier ''' || qualifier || ''' is not one of approx, lower_bound, upper_bound'
FROM tax_metric_labels WHERE qualifier NOT IN ('', 'approx', 'lower_bound', 'upper_bound')
UNION ALL
SELECT o.obs_file, o.locator,
       'metric ''' || o.metric_id || ''' is a ' || m.unit_kind || ' but the value is in ''' || o.unit || ''' (' || o.unit_kind || ')'
FROM stg_observations AS o JOIN metrics AS m USING (metric_id)
WHERE m.unit_kind NOT IN ('other', 'mixed') AND o.unit_kind IS NOT NULL AND o.unit_kind <> m.unit_kind

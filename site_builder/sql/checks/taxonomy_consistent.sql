-- The taxonomy maps point at ids that exist, a published name maps to one platform only,
-- every per-source map belongs to a catalogued source, and a harmonised metric's values
-- have the unit kind the metric is defined in (a proactive rate is a percentage).
SELECT obs_file AS file, label AS locator,
       'platform id ''' || platform_id || ''' is not in platforms.csv' AS problem
FROM tax_platform_labels WHERE platform_id NOT IN (SELECT platform_id FROM tax_platforms)
UNION ALL
SELECT min(obs_file), label, 'label maps to several platforms: ' || string_agg(DISTINCT platform_id, ', ' ORDER BY platform_id)
FROM tax_platform_labels GROUP BY label HAVING count(DISTINCT platform_id) > 1
UNION ALL
SELECT min(obs_file), label, 'place maps to several codes: ' || string_agg(DISTINCT geo_code, ', ' ORDER BY geo_code)
FROM tax_geographies GROUP BY label HAVING count(DISTINCT (geo_code, kind)) > 1
UNION ALL
SELECT obs_file, label, 'geography kind ''' || kind || ''' is not global, country, region or language'
FROM tax_geographies WHERE kind NOT IN ('global', 'country', 'region', 'language')
UNION ALL
SELECT obs_file, label, 'policy area ''' || policy_area || ''' is not in policy_areas.csv'
FROM tax_policy_labels WHERE policy_area NOT IN (SELECT policy_area FROM tax_policy_areas)
UNION ALL
SELECT obs_file, label, 'metric id ''' || metric_id || ''' is not in metrics.csv'
FROM tax_metric_labels WHERE metric_id NOT IN (SELECT metric_id FROM tax_metrics)
UNION ALL
SELECT obs_file, label, 'qualifier ''' || qualifier || ''' is not one of approx, lower_bound, upper_bound'
FROM tax_metric_labels WHERE qualifier NOT IN ('', 'approx', 'lower_bound', 'upper_bound')
UNION ALL
SELECT obs_file, label, 'map for unknown source ''' || source_id || ''' (file name must be a source id)'
FROM (SELECT obs_file, label, source_id FROM tax_policy_labels UNION ALL SELECT obs_file, label, source_id FROM tax_metric_labels)
WHERE source_id NOT IN (SELECT source_id FROM sources)
UNION ALL
SELECT obs_file, metric_id || ' / ' || source_id, 'unknown metric or source in metric_definitions.csv'
FROM tax_metric_definitions
WHERE metric_id NOT IN (SELECT metric_id FROM tax_metrics) OR source_id NOT IN (SELECT source_id FROM sources)
UNION ALL
SELECT o.obs_file, o.locator,
       'metric ''' || o.metric_id || ''' is a ' || m.unit_kind || ' but the value is in ''' || o.unit || ''' (' || o.unit_kind || ')'
FROM stg_observations AS o JOIN metrics AS m USING (metric_id)
WHERE m.unit_kind NOT IN ('other', 'mixed') AND o.unit_kind IS NOT NULL AND o.unit_kind <> m.unit_kind

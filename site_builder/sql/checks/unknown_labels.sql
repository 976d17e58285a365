-- Every published label must be known to a taxonomy map (data/taxonomy/*.csv), except
-- provider names of sources that list hundreds of providers (kept as published, unmapped).
SELECT o.obs_file AS file, o.locator, 'unknown platform label ''' || o.platform_label
       || '''; add it to data/taxonomy/platform_labels/' || o.source_id || '.csv' AS problem
FROM stg_observations AS o
JOIN sources AS s USING (source_id)
WHERE o.platform_id IS NULL AND NOT s.unmapped_platforms_allowed
UNION ALL
SELECT obs_file, locator, 'unknown policy label ''' || policy_label || ''' for source '''
       || source_id || '''; add it to data/taxonomy/policy_labels/' || source_id || '.csv'
FROM stg_observations WHERE policy_key IS NULL
UNION ALL
SELECT obs_file, locator, 'unknown metric label ''' || metric_label || ''' for source '''
       || source_id || '''; add it to data/taxonomy/metric_labels/' || source_id || '.csv'
FROM stg_observations WHERE metric_id IS NULL
UNION ALL
SELECT obs_file, locator, 'unknown unit ''' || unit || '''; add it to data/taxonomy/units.csv'
FROM stg_observations WHERE unit_kind IS NULL
UNION ALL
SELECT obs_file, locator, 'unknown geography ''' || geography || '''; add it to data/taxonomy/geographies/'
       || source_id || '.csv'
FROM stg_observations WHERE geo_code IS NULL

-- One row per published number (as stg_observations), plus `superseded`: a curated row
-- whose number a raw file of the same source also publishes is superseded by it (the raw
-- file wins; the curated row is kept for comparison in curated_vs_raw, not shown). The
-- same number means the same source, platform, policy key, metric key, period and place.
-- Every row of a curated table that the catalog marks as a copy of a raw file
-- (copy_of_raw) is superseded: the publisher's file is the record.
WITH raw_keys AS (
    SELECT DISTINCT source_id, coalesce(platform_id, platform_label) AS platform, policy_key, metric_key,
                    period_start, period_end, geo_code
    FROM stg_observations
    WHERE release_kind = 'raw'
)
SELECT
    o.*,
    o.release_kind = 'curated' AND (k.source_id IS NOT NULL OR r.copy_of_raw) AS superseded
FROM stg_observations AS o
JOIN releases AS r USING (release_id)
LEFT JOIN raw_keys AS k
  ON k.source_id = o.source_id
 AND k.platform = coalesce(o.platform_id, o.platform_label)
 AND k.policy_key = o.policy_key
 AND k.metric_key = o.metric_key
 AND k.period_start = o.period_start
 AND k.period_end = o.period_end
 AND k.geo_code = o.geo_code

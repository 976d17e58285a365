-- One row per published number (as stg_observations), plus `superseded`: a curated row
-- whose number a raw file of the same source also publishes (same platform, policy key,
-- harmonised metric and bound, period and place) is superseded by it: the raw file wins, the curated row is kept for
-- comparison (mart curated_vs_raw) but not shown.
WITH raw_keys AS (
    SELECT DISTINCT source_id, coalesce(platform_id, platform_label) AS platform, policy_key, metric_id, qualifier,
                    period_start, period_end, geography
    FROM stg_observations
    WHERE release_kind = 'raw'
)
SELECT
    o.*,
    o.release_kind = 'curated' AND k.source_id IS NOT NULL AS superseded
FROM stg_observations AS o
LEFT JOIN raw_keys AS k
  ON k.source_id = o.source_id
 AND k.platform = coalesce(o.platform_id, o.platform_label)
 AND k.policy_key = o.policy_key
 AND k.metric_id = o.metric_id
 AND k.qualifier = o.qualifier
 AND k.period_start = o.period_start
 AND k.period_end = o.period_end
 AND k.geography = o.geography

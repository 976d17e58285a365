-- One row per figure whose published value changed between two releases paired in mart
-- edition_pairs: consecutive full snapshots of a source (Meta's quarterly CSVs each republish
-- the whole history), or consecutive releases of one DSA report (a re-issue). The key
-- is platform, policy key and metric key (so a relabelled policy or metric still matches,
-- see data/taxonomy), period and place (by code, so a renamed country still matches); a change is any difference in status (reported / range / N/A / not numeric),
-- value or range ends, or, between two values that are not numbers ('approximately 4%'), in
-- the text as published. Formatting alone ("9,400,000" vs "9400000") is not a change.
WITH paired AS (  -- the releases of mart edition_pairs: full snapshots, and releases of one report
    SELECT release_id FROM edition_pairs UNION SELECT prev_release_id FROM edition_pairs
),
obs AS (
    SELECT * FROM stg_observations
    WHERE release_kind = 'raw' AND (snapshot = 'full' OR release_id IN (SELECT release_id FROM paired))
)
SELECT
    cur.source_id,
    cur.platform_label,
    cur.platform_id,
    cur.policy_key,
    cur.policy_area,
    prev.policy_label AS prev_policy_label,
    cur.policy_label,
    cur.metric_label,
    cur.metric_key,
    cur.metric_id,
    cur.qualifier,
    cur.period_start,
    cur.period_end,
    cur.geography,
    cur.geo_code,
    cur.unit,
    cur.unit_kind,
    prev.release_id AS prev_release_id,
    prev.edition AS prev_edition,
    prev.value_status AS prev_value_status,
    prev.value AS prev_value,
    prev.value_as_published AS prev_value_as_published,
    prev.locator AS prev_locator,
    cur.release_id,
    cur.edition,
    cur.value_status,
    cur.value,
    cur.value_as_published,
    cur.locator,
    cur.value - prev.value AS change,
    (cur.value - prev.value) / nullif(prev.value, 0) AS change_ratio,
    CASE
        WHEN prev.value_status = 'not_numeric' OR cur.value_status = 'not_numeric' THEN 'changed (not a number as published)'
        WHEN prev.value_status = 'not_reported' THEN 'newly reported'
        -- the new edition prints fewer decimals and the old value rounds to the new one
        WHEN TRY_CAST(cur.value_as_published AS DOUBLE) IS NOT NULL
         AND TRY_CAST(prev.value_as_published AS DOUBLE) IS NOT NULL
         AND length(split_part(cur.value_as_published, '.', 2)) < length(split_part(prev.value_as_published, '.', 2))
         AND round(TRY_CAST(prev.value_as_published AS DOUBLE), CAST(length(split_part(cur.value_as_published, '.', 2)) AS INTEGER))
             = TRY_CAST(cur.value_as_published AS DOUBLE) THEN 'rounded'
        WHEN cur.value_status = 'not_reported' THEN 'withdrawn (now N/A)'
        WHEN prev.value_status = 'range' OR cur.value_status = 'range' THEN 'range changed'
        WHEN cur.value > prev.value THEN 'revised up'
        ELSE 'revised down'
    END AS change_kind
FROM edition_pairs AS fr
JOIN obs AS cur ON cur.release_id = fr.release_id
JOIN obs AS prev
  ON prev.release_id = fr.prev_release_id
 AND prev.platform_label = cur.platform_label
 AND prev.policy_key = cur.policy_key
 AND prev.metric_key = cur.metric_key
 AND prev.period_start = cur.period_start
 AND prev.period_end = cur.period_end
 AND prev.geo_code = cur.geo_code
WHERE prev.value_status IS DISTINCT FROM cur.value_status
   OR prev.value IS DISTINCT FROM cur.value
   OR prev.value_low IS DISTINCT FROM cur.value_low
   OR prev.value_high IS DISTINCT FROM cur.value_high
   OR (cur.value_status = 'not_numeric' AND prev.value_status = 'not_numeric'
       AND prev.value_as_published IS DISTINCT FROM cur.value_as_published)

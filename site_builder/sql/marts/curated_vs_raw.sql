-- One row per number in a curated copy whose raw file the project also reads (catalog:
-- superseded_by_raw), matched on platform, policy, metric and period with the raw release
-- of the same edition. The raw value is the one published; `agrees` says whether the
-- curated copy has the same number.
WITH curated AS (
    SELECT * FROM stg_observations WHERE superseded_by_raw
),
raw AS (
    SELECT * FROM stg_observations WHERE release_kind = 'raw'
)
SELECT
    c.source_id,
    c.release_id AS curated_release_id,
    r.release_id AS raw_release_id,
    c.platform_label, c.policy_label, c.metric_label, c.period_start, c.period_end,
    c.value AS curated_value, c.value_as_published AS curated_value_as_published, c.locator AS curated_locator,
    r.value_status AS raw_value_status, r.value AS raw_value, r.value_as_published AS raw_value_as_published,
    r.locator AS raw_locator,
    r.release_id IS NOT NULL AND r.value_status = 'reported' AND r.value = c.value AS agrees
FROM curated AS c
LEFT JOIN raw AS r
  ON r.source_id = c.source_id
 AND r.edition = split_part(c.edition, ' ', 1)
 AND r.platform_label = c.platform_label
 AND r.policy_label = c.policy_label
 AND r.metric_label = c.metric_label
 AND r.period_start = c.period_start
 AND r.period_end = c.period_end
 AND r.geography = c.geography

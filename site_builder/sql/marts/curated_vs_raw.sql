-- One row per superseded curated figure: the curated value(s) next to the raw file's
-- value(s) for the same source, platform, policy, harmonised metric and period (summed on each
-- side when a side has several lines, e.g. a company listed under two names). The raw
-- value is the one published; `agrees` says whether the curated copy has the same number.
WITH keyed AS (
    SELECT *, coalesce(platform_id, platform_label) AS platform FROM fct_observations
),
curated AS (
    SELECT source_id, platform, policy_key, metric_id, qualifier, period_start, period_end, geography,
           min(release_id) AS curated_release_id,
           sum(value) AS curated_value,
           string_agg(platform_label || ' / ' || policy_label || ' / ' || metric_label || ': ' || value_as_published,
                      '; ' ORDER BY locator) AS curated_lines,
           string_agg(locator, '; ' ORDER BY locator) AS curated_locator
    FROM keyed WHERE superseded
    GROUP BY ALL
),
raw AS (
    SELECT source_id, platform, policy_key, metric_id, qualifier, period_start, period_end, geography,
           min(release_id) AS raw_release_id,
           sum(value) AS raw_value,
           string_agg(platform_label || ' / ' || policy_label || ' / ' || metric_label || ': ' || value_as_published,
                      '; ' ORDER BY locator) AS raw_lines,
           string_agg(locator, '; ' ORDER BY locator) AS raw_locator
    FROM keyed
    WHERE release_kind = 'raw'
      AND (snapshot <> 'full' OR release_id IN (
          SELECT arg_max(release_id, edition_end) FROM releases WHERE snapshot = 'full' GROUP BY source_id))
    GROUP BY ALL
)
SELECT c.*, r.raw_release_id, r.raw_value, r.raw_lines, r.raw_locator,
       coalesce(abs(c.curated_value - r.raw_value) <= 1e-9 * greatest(abs(r.raw_value), 1), false) AS agrees
FROM curated AS c
LEFT JOIN raw AS r USING (source_id, platform, policy_key, metric_id, qualifier, period_start, period_end, geography)

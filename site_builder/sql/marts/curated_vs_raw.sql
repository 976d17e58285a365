-- One row per superseded curated figure: the curated value next to the raw file's value
-- for the same source, platform, policy key, metric key, period and place (summed on each
-- side when a side has several lines, e.g. a company listed under two names, unless the
-- curated lines repeat one figure under two labels; a published
-- range counts with its upper end, as '<0.0001%' transcribed as 0.0001). The raw value is
-- the one published; `agrees` says whether the curated copy has the same number; no raw
-- match means the raw files no longer publish it under that key.
WITH keyed AS (
    SELECT *, coalesce(platform_id, platform_label) AS platform, coalesce(value, value_high) AS v
    FROM fct_observations
),
curated AS (
    SELECT source_id, platform, policy_key, metric_key, period_start, period_end, geo_code,
           min(release_id) AS curated_release_id,
           -- a line that is not a number as published ('approximately 4%') is never summed
           CASE WHEN count(*) FILTER (WHERE value_status = 'not_numeric') = 0
                THEN sum(v ORDER BY locator, platform_label, policy_label, metric_label, v) END AS curated_value,
           min(v) AS curated_min,
           max(v) AS curated_max,
           string_agg(platform_label || ' / ' || policy_label || ' / ' || metric_label || ': ' || value_as_published,
                      '; ' ORDER BY locator, platform_label, policy_label, metric_label, value_as_published) AS curated_lines,
           string_agg(locator, '; ' ORDER BY locator, platform_label, policy_label, metric_label, value_as_published)
               AS curated_locator
    FROM keyed WHERE superseded
    GROUP BY ALL
),
raw AS (
    SELECT source_id, platform, policy_key, metric_key, period_start, period_end, geo_code,
           min(release_id) AS raw_release_id,
           CASE WHEN count(*) FILTER (WHERE value_status = 'not_numeric') = 0
                THEN sum(v ORDER BY locator, platform_label, policy_label, metric_label, v) END AS raw_value,
           string_agg(platform_label || ' / ' || policy_label || ' / ' || metric_label || ': ' || value_as_published,
                      '; ' ORDER BY locator, platform_label, policy_label, metric_label, value_as_published) AS raw_lines,
           string_agg(locator, '; ' ORDER BY locator, platform_label, policy_label, metric_label, value_as_published)
               AS raw_locator
    FROM keyed
    WHERE release_kind = 'raw'
      AND (snapshot <> 'full' OR release_id IN (
          SELECT arg_max(release_id, (edition_end, release_id)) FROM releases WHERE snapshot = 'full' AND kind = 'raw'
          GROUP BY source_id))
    GROUP BY ALL
)
SELECT c.*, r.raw_release_id, r.raw_value, r.raw_lines, r.raw_locator,
       coalesce(abs(c.curated_value - r.raw_value) <= 1e-6
                -- the same figure copied under two labels
                OR (abs(c.curated_max - c.curated_min) <= 1e-9
                    AND abs(c.curated_max - r.raw_value) <= 1e-6), false) AS agrees
FROM curated AS c
LEFT JOIN raw AS r USING (source_id, platform, policy_key, metric_key, period_start, period_end, geo_code)

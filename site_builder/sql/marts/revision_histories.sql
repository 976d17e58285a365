-- One row per revised figure (a key with at least one row in `revisions`): every value it
-- had, edition by edition, and whether it returned to a value it had before ("round
-- trip", like Facebook's 2020Q2 child nudity and sexual exploitation count).
WITH keys AS (
    SELECT DISTINCT source_id, platform_label, policy_key, metric_key, period_start, period_end, geo_code
    FROM revisions
),
history AS (
    SELECT o.source_id, o.platform_label, o.platform_id, o.policy_key, o.policy_label, o.policy_area,
           o.metric_label, o.metric_key, o.metric_id, o.period_start, o.period_end, o.geography, o.geo_code, o.edition, o.edition_end,
           o.release_id, o.value_status, o.value, o.value_as_published, o.locator,
           o.value_status || ':' || CASE WHEN o.value_status = 'not_numeric' THEN o.value_as_published
                                         ELSE coalesce(CAST(o.value AS VARCHAR), '') END AS vkey,
           -- the figure's editions in a total order (a full key breaks ties between editions
           -- with the same end date and between two lines of one file giving the same key)
           row_number() OVER (
               PARTITION BY o.source_id, o.platform_label, o.policy_key, o.metric_key, o.period_start, o.period_end,
                            o.geo_code
               ORDER BY o.edition_end, o.release_id, o.locator, o.policy_label, o.metric_label, o.geography,
                        o.value_as_published) AS step
    FROM stg_observations AS o
    JOIN keys USING (source_id, platform_label, policy_key, metric_key, period_start, period_end, geo_code)
    WHERE o.release_kind = 'raw'
      AND (o.snapshot = 'full'  -- or a release of a report paired with another (mart edition_pairs)
           OR o.release_id IN (SELECT release_id FROM edition_pairs UNION SELECT prev_release_id FROM edition_pairs))
),
marked AS (
    SELECT *, vkey IS DISTINCT FROM lag(vkey) OVER (
        PARTITION BY source_id, platform_label, policy_key, metric_key, period_start, period_end, geo_code
        ORDER BY step) AS starts_segment
    FROM history
)
SELECT
    source_id, platform_label, arg_max(platform_id, step) AS platform_id, policy_key,
    arg_max(policy_label, step) AS policy_label, arg_max(policy_area, step) AS policy_area,
    metric_key, arg_max(metric_label, step) AS metric_label, arg_max(metric_id, step) AS metric_id, period_start, period_end, geo_code, arg_max(geography, step) AS geography,
    list({'edition': edition, 'release_id': release_id, 'value': value, 'value_status': value_status,
          'value_as_published': value_as_published, 'locator': locator} ORDER BY step) AS steps,
    count(DISTINCT vkey) AS distinct_values,
    count(*) FILTER (WHERE starts_segment) AS segments,
    count(*) FILTER (WHERE starts_segment) > count(DISTINCT vkey) AS round_trip,
    arg_min(value_as_published, step) AS first_value_as_published,
    arg_max(value_as_published, step) AS last_value_as_published,
    max(value) AS max_value,
    min(value) AS min_value
FROM marked
GROUP BY source_id, platform_label, policy_key, metric_key, period_start, period_end, geo_code

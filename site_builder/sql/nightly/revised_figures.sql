-- One row per release a night added ($ids) that gives another value for figures an earlier
-- release of the same source had published: the same platform, policy, metric, period and
-- place (policy, metric and place matched through the taxonomy keys, as in mart revisions),
-- compared with the latest earlier raw release holding that figure: first one of the same edition
-- (a re-issue), then one read from the same address (the earlier bytes of a file overwritten in place). A row of data/changes.csv
-- of kind revised_figures; the figures themselves are in mart revisions.
WITH added AS (
    SELECT * FROM fct_observations WHERE list_contains($ids, release_id) AND release_kind = 'raw'
),
earlier AS (
    SELECT * FROM fct_observations WHERE NOT list_contains($ids, release_id) AND release_kind = 'raw'
),
pairs AS (
    SELECT a.source_id, a.release_id, a.edition, a.release_url, a.policy_area,
           a.value_status AS new_status, a.value AS new_value, a.value_low AS new_low, a.value_high AS new_high,
           e.value_status AS old_status, e.value AS old_value, e.value_low AS old_low, e.value_high AS old_high
    FROM added AS a
    JOIN earlier AS e
      ON e.source_id = a.source_id AND e.platform_label = a.platform_label AND e.policy_key = a.policy_key
     AND e.metric_key = a.metric_key AND e.period_start = a.period_start AND e.period_end = a.period_end
     AND e.geo_code = a.geo_code AND e.qualifier IS NOT DISTINCT FROM a.qualifier
    QUALIFY row_number() OVER (
        PARTITION BY a.release_id, a.platform_label, a.policy_key, a.metric_key, a.period_start, a.period_end,
                     a.geo_code, a.qualifier, a.locator
        ORDER BY (e.edition_end = a.edition_end) DESC, (e.release_url IS NOT DISTINCT FROM a.release_url) DESC,
                 e.edition_end DESC, e.release_id DESC,
                 e.locator) = 1
)
SELECT
    source_id,
    release_id,
    'revised_figures' AS kind,
    count(*) AS count,
    count(*) FILTER (WHERE list_contains($child, policy_area)) AS child_safety,
    'Release ' || edition || ' gives other values for figures already published' AS detail,
    coalesce(release_url, '') AS link
FROM pairs
WHERE new_status IS DISTINCT FROM old_status OR new_value IS DISTINCT FROM old_value
   OR new_low IS DISTINCT FROM old_low OR new_high IS DISTINCT FROM old_high
GROUP BY ALL
ORDER BY source_id, release_id

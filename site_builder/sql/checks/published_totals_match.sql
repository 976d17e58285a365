-- Where a publisher's file prints a total (a line whose provider or platform maps to the
-- 'aggregate' id, e.g. NCMEC's 'Totals'), the other lines of the same file with the same
-- policy, metric and period add up to it exactly. (A total one of whose lines is not a number
-- as published, such as 'approximately 4,000', cannot be checked and is not summed.)
WITH totals AS (
    SELECT release_id, obs_file, policy_key, metric_key, period_start, period_end, geography,
           value AS total, locator
    FROM stg_observations
    WHERE release_kind = 'raw' AND platform_id = 'aggregate' AND value IS NOT NULL
),
parts AS (
    SELECT release_id, policy_key, metric_key, period_start, period_end, geography,
           sum(value) AS summed, count(*) AS lines,
           count(*) FILTER (WHERE value_status = 'not_numeric') AS not_numbers
    FROM stg_observations
    WHERE release_kind = 'raw' AND platform_id IS DISTINCT FROM 'aggregate'
    GROUP BY ALL
)
SELECT t.obs_file AS file, t.locator,
       'printed total ' || CAST(t.total AS BIGINT) || ' but the ' || coalesce(p.lines, 0) || ' lines add up to '
       || CAST(coalesce(p.summed, 0) AS BIGINT) AS problem
FROM totals AS t
LEFT JOIN parts AS p USING (release_id, policy_key, metric_key, period_start, period_end, geography)
WHERE abs(coalesce(p.summed, 0) - t.total) > 0.5 AND coalesce(p.not_numbers, 0) = 0

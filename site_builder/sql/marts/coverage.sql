-- One row per series family: a platform (or provider), a harmonised metric, a source, a
-- granularity (global, country, region, language) and a cadence (calendar months,
-- quarters, half-years or years; anything else, such as a test's window, is 'irregular'):
-- the first and last period with a published number, how many periods have one, the
-- periods missing between the first and the last, the runs of consecutive periods and the
-- start of every period with a number (`period_starts`; mart coverage_gaps lists the others).
-- Built from the values that stand (mart series): a figure the publisher dropped from its
-- latest edition does not count as reported.
WITH pts AS (
    SELECT DISTINCT
        s.source_id,
        coalesce(s.platform_id, s.platform_label) AS platform,
        s.platform_id,
        s.metric_id,
        coalesce(g.kind, 'unknown') AS granularity,
        s.period_start,
        s.period_end,
        CASE WHEN day(s.period_start) = 1 AND s.period_end = last_day(s.period_end)
                  AND date_diff('month', s.period_start, s.period_end) + 1 IN (1, 3, 6, 12)
                  AND (month(s.period_start) - 1) % (date_diff('month', s.period_start, s.period_end) + 1) = 0
             THEN date_diff('month', s.period_start, s.period_end) + 1 ELSE 0 END AS months,
        -- a window a curator marks approximate on any row of the source (the same pattern as
        -- site_builder/fmt.py APPROXIMATE): shown to the month. Keyed by source and period, not
        -- by study as Ctx.points is, so that a point stays one row of `pts` (DISTINCT)
        bool_or(regexp_matches(coalesce(s.note, ''),
                               '\b(window|dates?|period|start date|end date)\s+(is\s+|are\s+)?approximate\b', 'i'))
            OVER (PARTITION BY s.source_id, s.period_start, s.period_end) AS approx
    FROM series AS s
    LEFT JOIN (SELECT DISTINCT label, kind FROM tax_geographies) AS g ON g.label = s.geography
    WHERE (s.value IS NOT NULL OR s.value_status = 'range') AND NOT s.conflict AND s.metric_id <> 'other'
),
numbered AS (
    SELECT *,
           -- consecutive periods share a run id: index in the cadence minus row number
           CASE WHEN months > 0
                THEN (year(period_start) * 12 + month(period_start)) // months
                     - row_number() OVER (PARTITION BY source_id, platform, metric_id, granularity, months
                                          ORDER BY period_start, period_end, platform_id)
                ELSE row_number() OVER (PARTITION BY source_id, platform, metric_id, granularity, months
                                        ORDER BY period_start, period_end, platform_id) END AS run
    FROM pts
),
runs AS (
    SELECT source_id, platform, metric_id, granularity, months,
           list({'start': min_start, 'end': max_end} ORDER BY min_start, max_end) AS runs
    FROM (SELECT source_id, platform, metric_id, granularity, months, run,
                 min(period_start) AS min_start, max(period_end) AS max_end
          FROM numbered GROUP BY ALL)
    GROUP BY ALL
)
SELECT
    n.source_id, n.platform, min(n.platform_id) AS platform_id, n.metric_id, n.granularity, n.months,
    CASE n.months WHEN 1 THEN 'monthly' WHEN 3 THEN 'quarterly' WHEN 6 THEN 'half-yearly' WHEN 12 THEN 'yearly'
         ELSE 'irregular' END AS cadence,
    min(n.period_start) AS first_start,
    arg_min(n.period_end, (n.period_start, n.period_end)) AS first_end,
    max(n.period_start) AS last_start,
    max(n.period_end) AS last_end,
    count(*) AS periods,
    CASE WHEN n.months > 0
         THEN CAST(date_diff('month', min(n.period_start), max(n.period_start)) / n.months AS INTEGER) + 1
         ELSE count(*) END AS expected_periods,
    r.runs,
    list(n.period_start ORDER BY n.period_start) AS period_starts,
    coalesce(list(n.period_start ORDER BY n.period_start) FILTER (WHERE n.approx), []) AS approximate_starts
FROM numbered AS n
JOIN runs AS r USING (source_id, platform, metric_id, granularity, months)
GROUP BY n.source_id, n.platform, n.metric_id, n.granularity, n.months, r.runs

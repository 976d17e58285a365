-- Series families (mart coverage) with platform, metric and source names, and the periods
-- missing between their first and last period with what is known about each (mart
-- coverage_gaps: `gaps`, one struct per missing period, in order).
WITH gaps AS (
    SELECT source_id, platform, metric_id, granularity, months,
           list({'period_start': period_start, 'period_end': period_end, 'state': state, 'check_line': check_line,
                 'where_url': where_url, 'where_title': where_title, 'checked_on': checked_on,
                 'checked_by': checked_by, 'note': note} ORDER BY period_start) AS gaps
    FROM coverage_gaps
    GROUP BY ALL
)
SELECT
    c.*,
    coalesce(g.gaps, []) AS gaps,
    coalesce(p.name, c.platform) AS platform_name,
    p.kind AS platform_kind,
    m.name AS metric_name,
    s.short AS source_short,
    s.kind AS source_kind
FROM coverage AS c
LEFT JOIN gaps AS g USING (source_id, platform, metric_id, granularity, months)
LEFT JOIN platforms AS p ON p.platform_id = c.platform_id
JOIN metrics AS m USING (metric_id)
JOIN sources AS s USING (source_id)
ORDER BY platform_name, m.name, c.source_id, c.granularity, c.months, c.platform, c.metric_id

-- Series families (mart coverage) with platform, metric and source names.
SELECT
    c.*,
    coalesce(p.name, c.platform) AS platform_name,
    p.kind AS platform_kind,
    m.name AS metric_name,
    s.short AS source_short,
    s.kind AS source_kind
FROM coverage AS c
LEFT JOIN platforms AS p ON p.platform_id = c.platform_id
JOIN metrics AS m USING (metric_id)
JOIN sources AS s USING (source_id)
ORDER BY platform_name, m.name, c.source_id, c.granularity, c.months, c.platform, c.metric_id

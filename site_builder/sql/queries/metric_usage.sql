-- Per harmonised metric: its definition and, per source, the published labels and units
-- mapped to it and how many numbers use them.
SELECT
    m.metric_id, m.name, m.unit_kind, m.definition,
    o.source_id,
    string_agg(DISTINCT o.metric_label, '; ' ORDER BY o.metric_label) AS labels,
    string_agg(DISTINCT o.unit, '; ' ORDER BY o.unit) AS units,
    count(*) AS observations
FROM metrics AS m
LEFT JOIN stg_observations AS o USING (metric_id)
GROUP BY ALL
ORDER BY m.metric_id, o.source_id

-- One row: the figures in this site about a clearinghouse's own totals (NCMEC's CyberTipline
-- as a whole, platform id `ncmec`, kind clearinghouse in data/taxonomy/platforms.csv): how
-- many, the first and last period, and the measures they give (by name).
SELECT count(*) AS n, min(s.period_start) AS first, max(s.period_end) AS last,
       string_agg(DISTINCT m.name, '; ' ORDER BY m.name) AS measures
FROM series AS s
JOIN platforms AS p USING (platform_id)
JOIN metrics AS m USING (metric_id)
WHERE p.kind = 'clearinghouse' AND NOT s.conflict
ORDER BY n

-- One row per platform or company with data (not an aggregate of several platforms, not a
-- clearinghouse: NCMEC is a source) and what the site holds for it: published figures (the
-- current values of mart `series`, conflicts left out, as on its page), the sources they
-- come from, the first and last period, statements recorded (audit findings are evidence,
-- not statements), the years NCMEC counted its reports, figures from independent tests
-- ($test_sources), and its figures that a later edition revised. `major`: data/taxonomy/platforms.csv.
WITH pts AS (
    SELECT * FROM series WHERE platform_id IS NOT NULL AND NOT conflict
),
figs AS (
    SELECT
        platform_id,
        count(*) AS figures,
        count(DISTINCT source_id) AS n_sources,
        list(DISTINCT source_id ORDER BY source_id) AS source_ids,
        min(period_start) AS first_start,
        arg_min(period_end, (period_start, period_end)) AS first_end,
        max(period_end) AS last_end,
        arg_max(period_start, (period_end, period_start)) AS last_start,
        count(*) FILTER (WHERE list_contains(CAST($test_sources AS VARCHAR[]), source_id)) AS test_figures
    FROM pts
    GROUP BY platform_id
),
said AS (
    SELECT cp.platform_id, count(DISTINCT c.claim_id) AS statements
    FROM stg_claims AS c CROSS JOIN unnest(c.platform_ids) AS cp(platform_id)
    WHERE c.kind <> 'audit_finding'
    GROUP BY cp.platform_id
),
ncmec AS (
    SELECT platform_id, count(*) AS ncmec_years, min(year(period_start)) AS ncmec_first, max(year(period_start)) AS ncmec_last
    FROM ncmec_platform_year
    GROUP BY platform_id
),
revised AS (
    SELECT platform_id, count(*) AS revisions,
           count(DISTINCT (source_id, platform_label, policy_key, metric_key, period_start, period_end, geo_code)) AS revised_figures
    FROM revisions WHERE platform_id IS NOT NULL
    GROUP BY platform_id
)
SELECT
    p.platform_id, p.name, p.kind, p.company, p.major,
    f.figures, f.n_sources, f.source_ids, f.first_start, f.first_end, f.last_start, f.last_end, f.test_figures,
    coalesce(s.statements, 0) AS statements,
    coalesce(n.ncmec_years, 0) AS ncmec_years, n.ncmec_first, n.ncmec_last,
    coalesce(v.revisions, 0) AS revisions, coalesce(v.revised_figures, 0) AS revised_figures
FROM platforms AS p
JOIN figs AS f USING (platform_id)
LEFT JOIN said AS s USING (platform_id)
LEFT JOIN ncmec AS n USING (platform_id)
LEFT JOIN revised AS v USING (platform_id)
WHERE p.kind IN ('platform', 'company')
ORDER BY p.platform_id

-- One row per series family of mart coverage with a regular cadence and per period between
-- its first and its last one for which this site holds no figure, with what is known about
-- it (data/coverage_checks.csv): `state` is
--   'published_not_collected'  the publisher published it, but this site did not collect or
--                              could not read it (`where_url` / `where_title`: where, when known);
--   'not_published'            checked and not published (`checked_on`, when recorded, and
--                              `checked_by`);
--   'not_collected'            no check covers it: not in this site, and whether it was
--                              published is not known.
-- A check applies when it names the family's platform and source, the family's metric or every
-- metric ('*'), and its periods contain the missing period; a 'published' check of any policy
-- area applies (a family counts figures of every area), a 'not_published' one only when it
-- speaks for every area ('*'). A check naming the metric wins over one for every metric.
WITH missing AS (
    SELECT c.source_id, c.platform, c.platform_id, c.metric_id, c.granularity, c.months, c.cadence,
           CAST(p AS DATE) AS period_start,
           CAST(p + to_months(c.months) - INTERVAL 1 DAY AS DATE) AS period_end
    FROM coverage AS c,
         unnest(generate_series(c.first_start, c.last_start, to_months(c.months))) AS g(p)
    WHERE c.months > 0 AND NOT list_contains(c.period_starts, CAST(p AS DATE))
)
SELECT
    m.*,
    CASE k.state WHEN 'published' THEN 'published_not_collected' WHEN 'not_published' THEN 'not_published'
                 ELSE 'not_collected' END AS state,
    k.line AS check_line,
    coalesce(k.where_url, '') AS where_url,
    coalesce(k.where_title, '') AS where_title,
    k.checked_on,
    coalesce(k.checked_by, '') AS checked_by,
    coalesce(k.evidence, '') AS evidence,
    coalesce(k.note, '') AS note
FROM missing AS m
LEFT JOIN coverage_checks AS k
  ON k.platform_id = m.platform_id AND k.source_id = m.source_id
 AND (k.policy_area = '*' OR k.state = 'published')
 AND (k.metric_id = '*' OR k.metric_id = m.metric_id)
 AND k.period_start <= m.period_start AND m.period_end <= k.period_end
QUALIFY row_number() OVER (PARTITION BY m.source_id, m.platform, m.metric_id, m.granularity, m.months, m.period_start
                           ORDER BY k.metric_id = '*', k.line) = 1

-- One row per published figure a case file names (stg_case_items kind 'figure'): the series
-- row whose source, platform, published policy, published metric and period are the ref's.
-- A ref that matches no row, or more than one, is reported by checks/cases_valid.sql.
SELECT i.case_id, i.line, i.section, i.why, s.*
FROM stg_case_items AS i
JOIN series AS s
  ON s.source_id = i.ref_parts[1] AND s.platform_id = i.ref_parts[2] AND s.policy_label = i.ref_parts[3]
 AND s.metric_label = i.ref_parts[4] AND s.period_start = TRY_CAST(i.ref_parts[5] AS DATE)
 AND s.period_end = TRY_CAST(i.ref_parts[6] AS DATE) AND s.geography = 'global' AND NOT s.conflict
WHERE i.kind = 'figure'

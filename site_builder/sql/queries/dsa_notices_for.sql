-- The table-4 rows (mart dsa_notice_rows) shown as "notices received versus actions taken":
-- of one platform ($platform_id, or every platform when NULL), for the rows whose policy area
-- is one of $areas (the TOTAL row when $with_total), with the area's name and rank. Each row
-- links to its file and line. Ordered by a full key: platform, period, publication date,
-- area rank, line.
SELECT
    n.*,
    pa.name AS policy_area_name,
    TRY_CAST(pa.rank AS INTEGER) AS area_rank,
    p.name AS platform_name,
    n.file || ' line ' || n.line AS row_locator,
    tpl.name AS code_name
FROM dsa_notice_rows AS n
JOIN policy_areas AS pa ON pa.policy_area = n.policy_area
LEFT JOIN platforms AS p ON p.platform_id = n.platform_id
LEFT JOIN tax_dsa_template AS tpl ON tpl.code = n.code
WHERE ($platform_id IS NULL OR n.platform_id = $platform_id)
  AND (list_contains($areas, n.policy_area) OR ($with_total AND n.row_kind = 'total'))
ORDER BY n.platform_id, n.period_start, n.published, n.release_id, TRY_CAST(pa.rank AS INTEGER), n.line

-- One row per platform or company with published figures (current values of mart `series`,
-- conflicts left out) and how many: what decides whether it has a page of its own or a
-- section on the shared page (pages/common.py platform_href). Aggregates and clearinghouses
-- (NCMEC is a source) have neither.
SELECT p.platform_id, count(*) AS figures
FROM series AS s
JOIN platforms AS p USING (platform_id)
WHERE NOT s.conflict AND p.kind IN ('platform', 'company')
GROUP BY p.platform_id
ORDER BY p.platform_id

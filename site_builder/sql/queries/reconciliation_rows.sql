-- Reconciliation rows (mart reconciliation) with platform names, for the given platform
-- ids (NULL = all).
SELECT r.*, p.name AS platform_name
FROM reconciliation AS r
JOIN platforms AS p USING (platform_id)
WHERE $platforms IS NULL OR list_contains(CAST($platforms AS VARCHAR[]), r.platform_id)
ORDER BY p.name, r.year, r.platform_id

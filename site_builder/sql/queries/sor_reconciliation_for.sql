-- The reconciliation rows (mart sor_reconciliation) of one platform ($platform_id, or every
-- platform when NULL) for the subjects $subjects, with the platform's name, oldest half-year
-- first, then by subject rank.
SELECT s.*, p.name AS platform_name
FROM sor_reconciliation AS s
LEFT JOIN platforms AS p ON p.platform_id = s.platform_id
WHERE ($platform_id IS NULL OR s.platform_id = $platform_id)
  AND list_contains(CAST($subjects AS VARCHAR[]), s.subject)
ORDER BY p.name, s.platform_id, s.period_start, s.subject_rank, s.release_id

-- The consistency findings (mart dsa_consistency) of the harmonised DSA reports of one
-- platform ($platform_id), report by report (period, then publication date, then release for
-- versions under one date), then by kind (rank), line, columns and sentence; the last keys
-- make the order total.
SELECT *
FROM dsa_consistency
WHERE platform_id = $platform_id
ORDER BY period_start, published, release_id, rank, line, columns, sentence, kind, value_a, value_b

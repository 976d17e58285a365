-- The rows of the platforms' own DSA reports (mart claim_dsa_evidence) that come with the
-- statements about the given platform ids, in a full order: statement, platform, newest
-- half-year first, then the report's line.
SELECT * FROM claim_dsa_evidence
WHERE list_contains(CAST($platforms AS VARCHAR[]), platform_id)
ORDER BY claim_id, platform_id, period_end DESC, period_start DESC, published DESC, release_id, line, code

-- The verdict of every statement about the given platform ids (mart claim_verdicts), with
-- the test that decides it.
SELECT * FROM claim_verdicts
WHERE list_contains(CAST($platforms AS VARCHAR[]), platform_id)
ORDER BY claim_id, platform_id

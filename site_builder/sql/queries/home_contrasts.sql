-- The say-versus-do contrasts the home page leads with: statements a test decides (mart
-- claim_verdicts, verdict not 'not_tested'), child sexual exploitation first (policy area
-- rank), then the most severe verdict and the largest share left up; quoted statements before
-- paraphrases and the earliest recorded statement of a platform and area first, so that each
-- platform's strongest contrast is the first of its rows.
SELECT v.*, c.quote, c.paraphrase, c.paraphrase_only, pa.rank AS area_rank, pa.name AS area_name
FROM claim_verdicts AS v
JOIN stg_claims AS c USING (claim_id)
JOIN policy_areas AS pa ON pa.policy_area = v.policy_area
WHERE v.verdict <> 'not_tested'
ORDER BY pa.rank, v.verdict_rank, v.share_left_up DESC, (c.quote IS NULL OR c.paraphrase_only), c.date, v.claim_id, v.platform_id

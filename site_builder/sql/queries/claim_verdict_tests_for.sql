-- Every independent test result that tests a statement about the given platform ids (mart
-- claim_verdict_tests), the largest share left up first.
SELECT * FROM claim_verdict_tests
WHERE list_contains(CAST($platforms AS VARCHAR[]), platform_id)
ORDER BY claim_id, platform_id, share_left_up DESC, period_end DESC, period_start DESC, test_id, source_id, release_id,
         policy_label, platform_label

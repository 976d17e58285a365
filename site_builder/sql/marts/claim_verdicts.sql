-- One row per statement (other than findings) and platform: its verdict
-- (data/taxonomy/verdicts.csv) and the test that decides it. When several independent test
-- results test the statement (mart claim_verdict_tests), the one that found the largest share
-- left up decides (ties: the latest, then by test, source, release and published policy), and
-- `n_tests` says how many there are; a statement no test tests is 'not_tested'.
WITH ranked AS (
    SELECT *, count(*) OVER (PARTITION BY claim_id, platform_id) AS n_tests,
           row_number() OVER (PARTITION BY claim_id, platform_id
                              ORDER BY share_left_up DESC, period_end DESC, period_start DESC, test_id, source_id,
                                       release_id, policy_label, platform_label) AS rn
    FROM claim_verdict_tests
)
SELECT c.claim_id, cp.platform_id, c.policy_area,
       coalesce(r.verdict, 'not_tested') AS verdict, v.name AS verdict_name, v.short AS verdict_short, CAST(v.rank AS INTEGER) AS verdict_rank,
       coalesce(r.n_tests, 0) AS n_tests,
       r.test_id, r.what_it_tests, r.result_template, r.result_short_template, r.source_id, r.release_id, r.source_title, r.platform_label AS test_platform_label,
       r.policy_label AS test_policy_label, r.period_start, r.period_end, r.unit,
       r.denominator, r.numerator, r.left_up, r.share_left_up, r.numerator_counts,
       r.denominator_label, r.numerator_label, r.denominator_locator, r.numerator_locator,
       r.denominator_doc_url, r.numerator_doc_url, r.doc_url, r.doc_label, r.doc_text
FROM stg_claims AS c
CROSS JOIN unnest(c.platform_ids) AS cp(platform_id)
LEFT JOIN ranked AS r ON r.claim_id = c.claim_id AND r.platform_id = cp.platform_id AND r.rn = 1
JOIN tax_verdicts AS v ON v.verdict = coalesce(r.verdict, 'not_tested')
WHERE c.kind <> 'audit_finding'

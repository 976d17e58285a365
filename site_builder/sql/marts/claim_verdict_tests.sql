-- One row per statement, platform and independent test result (mart test_results) that
-- tests it, by the rules of data/taxonomy/verdict_tests.csv: the statement is a kind the test
-- applies to (a rule or commitment), its text (quote or paraphrase) matches the test's
-- pattern (what it promises: 'zero tolerance', 'we do not allow' ...), the test concerns one
-- of the statement's evidence areas, and the statement's recorded date falls no later than the
-- month the test ended (statement dates are mostly the day a copy was recorded, days or weeks
-- after it came into force; a statement first recorded after the test is not tested by it).
-- A paraphrase-only statement whose wording no stored source holds (retrieved_from 'not read')
-- is not tested. The result's `verdict` is what its share left up decides (mart test_results).
SELECT c.claim_id, cp.platform_id, r.*
FROM stg_claims AS c
CROSS JOIN unnest(c.platform_ids) AS cp(platform_id)
JOIN test_results AS r ON r.platform_id = cp.platform_id AND list_contains(c.evidence_areas, r.policy_area)
JOIN tax_verdict_tests AS t ON t.test_id = r.test_id
WHERE list_contains(string_split(t.statement_kinds, ';'), c.kind)
  AND regexp_matches(coalesce(c.quote, '') || ' ' || coalesce(c.paraphrase, ''), t.statement_pattern, 'i')
  AND c.date IS NOT NULL
  -- a paraphrase whose wording was read in no source kept here ('not read ...') decides nothing
  AND NOT (c.paraphrase_only AND coalesce(c.retrieved_from, '') ILIKE 'not read%')
  AND c.date < date_trunc('month', r.period_end) + INTERVAL 1 MONTH

-- One row per statement, platform and topic of evidence that tests it: a topic of
-- data/taxonomy/claim_tests.csv whose pattern matches the statement's text (quote or
-- paraphrase); a statement that no pattern matches is tested by the catch-all topic
-- (the one with an empty pattern: what was removed or suspended, and what tests found).
-- Audit findings are evidence, not statements, and get no topic.
WITH cp AS (
    SELECT c.claim_id, unnest(c.platform_ids) AS platform_id,
           coalesce(c.quote, '') || ' ' || coalesce(c.paraphrase, '') AS text
    FROM stg_claims AS c
    WHERE c.kind <> 'audit_finding'
),
matched AS (
    SELECT cp.claim_id, cp.platform_id, t.topic, t.metrics, t.what_tests_it
    FROM cp
    JOIN tax_claim_tests AS t ON coalesce(t.pattern, '') <> '' AND regexp_matches(cp.text, t.pattern, 'i')
)
SELECT claim_id, platform_id, topic, string_split(metrics, ';') AS metrics, what_tests_it FROM matched
UNION ALL
SELECT cp.claim_id, cp.platform_id, t.topic, string_split(t.metrics, ';'), t.what_tests_it
FROM cp
JOIN tax_claim_tests AS t ON coalesce(t.pattern, '') = ''
WHERE NOT EXISTS (SELECT 1 FROM matched AS m WHERE m.claim_id = cp.claim_id AND m.platform_id = cp.platform_id)

-- Statements (not audit findings) about the given platform ids, by policy area rank, kind
-- and date, with the topics of evidence that test each and the measures a platform or
-- NCMEC could publish but no source here does for it ('not reported'; measures only
-- independent tests produce are covered by the independent result, not listed here).
WITH c AS (
    SELECT c.*, cp.platform_id, pa.rank AS area_rank, pa.name AS area_name
    FROM stg_claims AS c
    CROSS JOIN unnest(c.platform_ids) AS cp(platform_id)
    JOIN policy_areas AS pa ON pa.policy_area = c.policy_area
    WHERE c.kind <> 'audit_finding' AND list_contains(CAST($platforms AS VARCHAR[]), cp.platform_id)
),
wanted AS (
    SELECT t.claim_id, t.platform_id, unnest(t.metrics) AS metric_id FROM claim_topics AS t
    WHERE list_contains(CAST($platforms AS VARCHAR[]), t.platform_id)
),
missing AS (
    SELECT w.claim_id, w.platform_id, list(DISTINCT m.name ORDER BY m.name) AS not_reported
    FROM wanted AS w
    JOIN metrics AS m USING (metric_id)
    WHERE EXISTS (SELECT 1 FROM tax_metric_definitions AS d JOIN sources AS s USING (source_id)
                  WHERE d.metric_id = w.metric_id AND s.kind IN ('platform_report', 'clearinghouse'))
      AND NOT EXISTS (SELECT 1 FROM claim_evidence AS e
                      WHERE e.claim_id = w.claim_id AND e.platform_id = w.platform_id AND e.metric_id = w.metric_id)
    GROUP BY ALL
)
SELECT c.*, (SELECT list(DISTINCT t.what_tests_it ORDER BY t.what_tests_it) FROM claim_topics AS t
             WHERE t.claim_id = c.claim_id AND t.platform_id = c.platform_id) AS tested_by,
       coalesce(m.not_reported, []) AS not_reported
FROM c
LEFT JOIN missing AS m ON m.claim_id = c.claim_id AND m.platform_id = c.platform_id
ORDER BY c.platform_id, c.area_rank,
         CASE c.kind WHEN 'rule' THEN 1 WHEN 'commitment' THEN 2 WHEN 'policy_change' THEN 3 ELSE 4 END,
         c.date DESC NULLS LAST, c.claim_id

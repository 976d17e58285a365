-- Statements no platform section shows: those about every provider of a kind (regulatory
-- obligations, industry commitments, findings across all signatories: platform 'aggregate'),
-- and findings about a platform in a policy area where it has no statement for them to sit
-- under. One row per statement, by policy area rank, who it is about and date.
SELECT c.*, pa.rank AS area_rank, pa.name AS area_name
FROM stg_claims AS c
JOIN policy_areas AS pa ON pa.policy_area = c.policy_area
WHERE list_contains(c.platform_ids, 'aggregate')
   OR (c.kind = 'audit_finding'
       AND NOT EXISTS (SELECT 1 FROM stg_claims AS s
                       WHERE s.kind <> 'audit_finding' AND s.policy_area = c.policy_area
                         AND len(list_intersect(s.platform_ids, c.platform_ids)) > 0))
ORDER BY pa.rank, c.platform_label, c.date DESC NULLS LAST, c.claim_id

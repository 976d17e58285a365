-- Statements name known platforms and policy areas, a known kind, and either a verbatim
-- quote or a paraphrase; a paraphrase-only row has no quote.
SELECT obs_file AS file, locator, problem FROM (
    SELECT obs_file, locator, 'unknown platform id ''' || p || '''' AS problem
    FROM (SELECT obs_file, locator, unnest(platform_ids) AS p FROM stg_claims)
    WHERE p NOT IN (SELECT platform_id FROM platforms)
    UNION ALL
    SELECT obs_file, locator, 'unknown policy area ''' || policy_area || ''''
    FROM stg_claims WHERE policy_area NOT IN (SELECT policy_area FROM policy_areas)
    UNION ALL
    SELECT obs_file, locator, 'unknown kind ''' || kind || ''''
    FROM stg_claims WHERE kind NOT IN ('rule', 'commitment', 'policy_change', 'regulatory_obligation', 'audit_finding')
    UNION ALL
    SELECT obs_file, locator, 'neither quote nor paraphrase, or a quote on a paraphrase-only row'
    FROM stg_claims WHERE (quote IS NULL AND paraphrase IS NULL) OR (paraphrase_only AND quote IS NOT NULL)
    UNION ALL
    SELECT obs_file, locator, 'policy change without a date'
    FROM stg_claims WHERE kind = 'policy_change' AND date IS NULL
)

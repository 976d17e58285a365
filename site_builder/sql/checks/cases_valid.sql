-- Case files (data/cases.csv, data/case_items.csv) name known platforms, a date, known sections
-- and kinds, statements that exist, exactly one published worldwide figure per figure ref and at
-- least one test result per test ref; every piece belongs to a case and every case has a rule
-- and a finding.
SELECT obs_file AS file, 'line ' || line::VARCHAR AS locator, problem FROM (
    SELECT obs_file, line, 'unknown platform id ''' || p || '''' AS problem
    FROM (SELECT obs_file, line, unnest(platform_ids) AS p FROM stg_cases) WHERE p NOT IN (SELECT platform_id FROM platforms)
    UNION ALL
    SELECT obs_file, line, 'date ''' || coalesce(date_as_published, '') || ''' is not an ISO date'
    FROM stg_cases WHERE date IS NULL
    UNION ALL
    SELECT obs_file, line, 'date_precision ''' || coalesce(date_precision, '') || ''' (expected day, month or year)'
    FROM stg_cases WHERE coalesce(date_precision, '') NOT IN ('day', 'month', 'year')
    UNION ALL
    SELECT obs_file, line, 'case ' || case_id || ' has no rule and finding (sections rules and found)'
    FROM stg_cases AS c
    WHERE NOT EXISTS (SELECT 1 FROM stg_case_items AS i WHERE i.case_id = c.case_id AND i.section = 'rules')
       OR NOT EXISTS (SELECT 1 FROM stg_case_items AS i WHERE i.case_id = c.case_id AND i.section = 'found')
    UNION ALL
    SELECT obs_file, line, 'unknown case ''' || case_id || ''' (expected a case_id of data/cases.csv)'
    FROM stg_case_items WHERE case_id NOT IN (SELECT case_id FROM stg_cases)
    UNION ALL
    SELECT obs_file, line, 'unknown section ''' || section || ''' (expected rules, said, found, own_figures or since)'
    FROM stg_case_items WHERE section_rank IS NULL
    UNION ALL
    SELECT obs_file, line, 'unknown kind ''' || kind || ''' (expected claim, figure or test)'
    FROM stg_case_items WHERE kind NOT IN ('claim', 'figure', 'test')
    UNION ALL
    SELECT obs_file, line, 'no statement or finding with id ''' || ref || ''' in data/claims.csv'
    FROM stg_case_items WHERE kind = 'claim' AND ref NOT IN (SELECT claim_id FROM stg_claims)
    UNION ALL
    SELECT i.obs_file, i.line, 'figure ref ''' || i.ref || ''' matches ' || count(f.case_id)::VARCHAR
           || ' published worldwide figures (expected exactly 1: source|platform|policy|metric|start|end)'
    FROM stg_case_items AS i LEFT JOIN case_figures AS f ON f.case_id = i.case_id AND f.line = i.line
    WHERE i.kind = 'figure' GROUP BY i.obs_file, i.line, i.ref HAVING count(f.case_id) <> 1
    UNION ALL
    SELECT obs_file, line, 'test ref ''' || ref || ''' matches no test result (expected test id|platform|published policy)'
    FROM stg_case_items AS i
    WHERE kind = 'test' AND NOT EXISTS (SELECT 1 FROM test_results AS t WHERE t.test_id = i.ref_parts[1]
                                        AND t.platform_id = i.ref_parts[2] AND t.policy_label = i.ref_parts[3])
)

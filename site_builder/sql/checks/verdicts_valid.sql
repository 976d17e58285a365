-- The verdict vocabulary and its rules (data/taxonomy/verdicts.csv, verdict_rules.csv,
-- verdict_tests.csv) are complete and consistent: rules name known verdicts with numeric
-- bounds that cover every share from 0 to 1 exactly once; tests name a known evidence type,
-- what their numerator counts and statement kinds; and every label a test names is known to an
-- independent source's metric label map, which ingest holds every published label to (a
-- renamed label would silently leave statements untested).
WITH rules AS (
    SELECT obs_file, verdict, TRY_CAST(share_left_up_above AS DOUBLE) AS lo, TRY_CAST(share_left_up_at_most AS DOUBLE) AS hi,
           share_left_up_above, share_left_up_at_most
    FROM tax_verdict_rules
),
shares AS (SELECT unnest([0.0, 0.001, 0.25, 0.5, 0.5001, 0.999, 1.0]::DOUBLE[]) AS share),
published AS (  -- the metric labels an independent source's map knows (ingest refuses any other)
    SELECT DISTINCT m.label AS metric_label FROM tax_metric_labels AS m JOIN sources AS src USING (source_id)
    WHERE src.kind IN ('ngo_test', 'regulator')
),
labels AS (
    SELECT obs_file, test_id, unnest(string_split(denominator_label, '|')) AS label FROM tax_verdict_tests
    WHERE evidence = 'figures' AND coalesce(denominator_label, '') <> ''
    UNION ALL
    SELECT obs_file, test_id, unnest(string_split(numerator_label, '|')) FROM tax_verdict_tests WHERE evidence = 'figures'
)
SELECT obs_file AS file, 'verdict ' || verdict AS locator, problem FROM (
    SELECT obs_file, verdict, 'unknown verdict (expected one of data/taxonomy/verdicts.csv)' AS problem
    FROM rules WHERE verdict NOT IN (SELECT verdict FROM tax_verdicts)
    UNION ALL
    SELECT obs_file, verdict, 'bounds ''' || share_left_up_above || ''' / ''' || share_left_up_at_most
           || ''' are not numbers with above < at most'
    FROM rules WHERE lo IS NULL OR hi IS NULL OR lo >= hi
    UNION ALL
    SELECT v.obs_file, v.verdict, 'rank ''' || v.rank || ''' is not a whole number'
    FROM tax_verdicts AS v WHERE TRY_CAST(v.rank AS INTEGER) IS NULL
)
UNION ALL
SELECT 'data/taxonomy/verdict_rules.csv', 'share ' || share::VARCHAR,
       'the share left up ' || share::VARCHAR || ' falls under ' || count(r.verdict)::VARCHAR || ' rules (expected exactly 1)'
FROM shares LEFT JOIN rules AS r ON share > r.lo AND share <= r.hi
GROUP BY share HAVING count(r.verdict) <> 1
UNION ALL
SELECT obs_file, 'test ' || test_id, problem FROM (
    SELECT obs_file, test_id, 'evidence ''' || evidence || ''' (expected figures, finding or own_report)' AS problem
    FROM tax_verdict_tests WHERE evidence NOT IN ('figures', 'finding', 'own_report')
    UNION ALL
    SELECT obs_file, test_id, 'numerator_counts ''' || coalesce(numerator_counts, '') || ''' (expected acted_on, left_up or share_left_up)'
    FROM tax_verdict_tests WHERE evidence = 'figures' AND coalesce(numerator_counts, '') NOT IN ('acted_on', 'left_up', 'share_left_up')
    UNION ALL
    SELECT obs_file, test_id, 'statement kind ''' || k || ''' (expected rule, commitment, policy_change or regulatory_obligation)'
    FROM (SELECT obs_file, test_id, unnest(string_split(statement_kinds, ';')) AS k FROM tax_verdict_tests)
    WHERE k NOT IN ('rule', 'commitment', 'policy_change', 'regulatory_obligation')
    UNION ALL
    SELECT l.obs_file, l.test_id, 'no independent source''s metric label map knows ''' || l.label || ''' (renamed?)'
    FROM labels AS l
    WHERE label NOT IN (SELECT metric_label FROM published)
)

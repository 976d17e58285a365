-- One row per result of an independent test of one platform, as data/taxonomy/verdict_tests.csv
-- defines the tests: either two published counts from the same test (same source, release,
-- published policy, period and place) -- how many items the testers reported or identified
-- (`denominator`) and how many of them the platform acted on or left up (`numerator`) -- or a
-- share left up as the testers published it (`denominator` NULL). `left_up` is the number of
-- items the platform did not act on (NULL for a share), `share_left_up` that share (0 to 1).
-- Only independent sources (researchers' tests, regulators) and single platforms count.
-- `verdict` is what the share decides (data/taxonomy/verdict_rules.csv); `what_it_tests` and the
-- sentence templates `result_template` / `result_short_template` come from the test's row.
WITH t AS (
    SELECT * FROM tax_verdict_tests WHERE evidence = 'figures'
),
s AS (
    SELECT x.* FROM series AS x
    JOIN sources AS src USING (source_id)
    JOIN platforms AS p USING (platform_id)
    WHERE src.kind IN ('ngo_test', 'regulator') AND p.kind <> 'aggregate' AND x.value IS NOT NULL AND NOT x.conflict
),
pairs AS (
    SELECT t.test_id, t.numerator_counts, d.source_id, d.release_id, d.platform_id, d.platform_label, d.policy_label,
           d.policy_area, d.period_start, d.period_end, d.geography, d.unit,
           d.value AS denominator, n.value AS numerator,
           CASE t.numerator_counts WHEN 'acted_on' THEN d.value - n.value ELSE n.value END AS left_up,
           d.metric_label AS denominator_label, n.metric_label AS numerator_label,
           d.locator AS denominator_locator, n.locator AS numerator_locator,
           d.doc_number_url AS denominator_doc_url, n.doc_number_url AS numerator_doc_url,
           d.doc_url, d.doc_label, d.doc_text, d.source_title
    FROM t
    JOIN s AS d ON d.metric_label = t.denominator_label
    JOIN s AS n
      ON n.metric_label = t.numerator_label AND n.source_id = d.source_id AND n.release_id = d.release_id
     AND n.platform_id = d.platform_id AND n.platform_label = d.platform_label AND n.policy_label = d.policy_label
     AND n.period_start = d.period_start AND n.period_end = d.period_end AND n.geography = d.geography
    WHERE coalesce(t.denominator_label, '') <> '' AND d.value > 0
),
shares AS (
    SELECT t.test_id, t.numerator_counts, s.source_id, s.release_id, s.platform_id, s.platform_label, s.policy_label,
           s.policy_area, s.period_start, s.period_end, s.geography, s.unit,
           NULL::DOUBLE AS denominator, s.value AS numerator, NULL::DOUBLE AS left_up,
           NULL AS denominator_label, s.metric_label AS numerator_label,
           NULL AS denominator_locator, s.locator AS numerator_locator,
           NULL AS denominator_doc_url, s.doc_number_url AS numerator_doc_url,
           s.doc_url, s.doc_label, s.doc_text, s.source_title
    FROM t
    JOIN s ON list_contains(string_split(t.numerator_label, '|'), s.metric_label) AND s.unit = 'percent'
    WHERE coalesce(t.denominator_label, '') = ''
),
results AS (
    SELECT *, left_up / denominator AS share_left_up FROM pairs
    UNION ALL
    SELECT *, numerator / 100 AS share_left_up FROM shares
)
SELECT r.*, t.what_it_tests, t.result AS result_template, t.result_short AS result_short_template, v.verdict
FROM results AS r
JOIN t USING (test_id)
JOIN tax_verdict_rules AS v
  ON r.share_left_up > CAST(v.share_left_up_above AS DOUBLE) AND r.share_left_up <= CAST(v.share_left_up_at_most AS DOUBLE)

-- One row per piece of evidence about a statement on one platform:
-- * 'figure': the latest published value of every series (source, published policy and
--   metric, place) in the statement's evidence areas whose harmonised metric tests the
--   statement (mart claim_topics); worldwide figures, or country figures for sources that
--   publish no worldwide ones;
-- * 'finding': every audit finding (a regulator's or investigator's finding in
--   data/claims.csv) about the same platform and policy area that tests the statement by the
--   rule 'findings_without_counts' of data/taxonomy/verdict_tests.csv (a rule or commitment
--   whose text says what it does not allow, recorded no later than the month of the finding);
--   findings the platform published itself (self_reported) rank with its own figures, not as
--   independent. Test results with counts are in mart claim_verdict_tests, not here.
-- evidence_rank orders the evidence from the most independent: tests, regulator findings
-- and monitoring, then NCMEC's counts, the platform's own report and compilations.
WITH topics AS (
    SELECT claim_id, platform_id, topic, what_tests_it, unnest(metrics) AS metric_id FROM claim_topics
),
areas AS (
    SELECT claim_id, unnest(evidence_areas) AS area FROM stg_claims
),
global_sources AS (
    SELECT DISTINCT source_id, platform_id FROM series WHERE geography = 'global'
),
pts AS (
    SELECT s.*, src.kind AS source_kind, src.short AS source_short,
           row_number() OVER (PARTITION BY s.source_id, s.platform_label, s.policy_key, s.metric_label, s.geography
                              ORDER BY s.period_end DESC, s.period_start DESC) AS rn
    FROM series AS s
    JOIN sources AS src USING (source_id)
    LEFT JOIN global_sources AS g ON g.source_id = s.source_id AND g.platform_id = s.platform_id
    WHERE (s.value IS NOT NULL OR s.value_status = 'range') AND NOT s.conflict
      AND (s.geography = 'global' OR s.geography = 'EU' OR g.source_id IS NULL)
),
figures AS (
    SELECT
        t.claim_id, t.platform_id, t.topic, t.what_tests_it, 'figure' AS evidence_type,
        p.source_kind AS evidence_kind,
        CASE p.source_kind WHEN 'ngo_test' THEN 1 WHEN 'regulator' THEN 2 WHEN 'regulator_database' THEN 3
             WHEN 'clearinghouse' THEN 4 WHEN 'platform_report' THEN 5 ELSE 6 END AS evidence_rank,
        p.source_id, p.source_short, p.release_id, p.platform_label, p.policy_label, p.metric_id, p.metric_label,
        p.qualifier, p.qualifier_word, p.period_start, p.period_end, p.geography, p.value_status, p.value, p.value_low, p.value_high,
        p.value_as_published, p.unit, p.unit_kind, p.unit_display, p.locator, p.source_url, p.source_title, p.note,
        p.doc_number_url, p.doc_url AS doc_link, p.doc_kind, p.doc_label, p.doc_text, NULL AS date_precision,
        NULL AS finding_id, NULL AS finding_text, NULL AS finding_paraphrase_only, NULL::DATE AS finding_date,
        NULL AS finding_said_by
    FROM topics AS t
    JOIN areas AS a USING (claim_id)
    JOIN pts AS p ON p.platform_id = t.platform_id AND p.metric_id = t.metric_id AND p.policy_area = a.area AND p.rn = 1
    -- a compilation's copy of figures the platform's own report already gives adds nothing
    QUALIFY NOT (p.source_kind = 'compilation'
                 AND count(*) FILTER (WHERE p.source_kind = 'platform_report')
                     OVER (PARTITION BY t.claim_id, t.platform_id, t.metric_id) > 0)
),
findings AS (
    SELECT
        c.claim_id, cp.platform_id, 'finding' AS topic, 'Regulator or investigator finding' AS what_tests_it,
        'finding' AS evidence_type,
        CASE WHEN f.self_reported THEN 'self_reported_finding' ELSE 'audit_finding' END AS evidence_kind,
        CASE WHEN f.self_reported THEN 5 ELSE 2 END AS evidence_rank,
        NULL AS source_id, NULL AS source_short, NULL AS release_id, f.platform_label, f.policy_area_label AS policy_label,
        NULL AS metric_id, NULL AS metric_label, NULL AS qualifier, NULL AS qualifier_word, f.date AS period_start, f.date AS period_end,
        NULL AS geography, NULL AS value_status, NULL::DOUBLE AS value, NULL::DOUBLE AS value_low,
        NULL::DOUBLE AS value_high, NULL AS value_as_published, NULL AS unit, NULL AS unit_kind, NULL AS unit_display,
        f.locator, f.source_url, f.source_title, f.note,
        f.doc_number_url, f.doc_url AS doc_link, f.doc_kind, f.doc_label, f.doc_text, f.date_precision,
        f.claim_id AS finding_id, coalesce(f.quote, f.paraphrase) AS finding_text,
        f.paraphrase_only AS finding_paraphrase_only, f.date AS finding_date, f.said_by AS finding_said_by
    FROM stg_claims AS c
    CROSS JOIN unnest(c.platform_ids) AS cp(platform_id)
    JOIN stg_claims AS f
      ON f.kind = 'audit_finding' AND f.policy_area = c.policy_area AND list_contains(f.platform_ids, cp.platform_id)
    JOIN tax_verdict_tests AS t ON t.evidence = 'finding'
    WHERE c.kind <> 'audit_finding'
      AND list_contains(string_split(t.statement_kinds, ';'), c.kind)
      AND regexp_matches(coalesce(c.quote, '') || ' ' || coalesce(c.paraphrase, ''), t.statement_pattern, 'i')
      AND (f.date IS NULL OR c.date IS NULL OR c.date < date_trunc('month', f.date) + INTERVAL 1 MONTH)
)
SELECT * FROM figures
UNION ALL
SELECT * FROM findings

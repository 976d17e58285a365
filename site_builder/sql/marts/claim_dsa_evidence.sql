-- One row per statement, platform and row of table 4 (notices under Article 16) of the
-- platform's own harmonised DSA transparency report (mart dsa_notice_rows) that the test
-- 'dsa_notices_and_actions' of data/taxonomy/verdict_tests.csv (evidence 'own_report') applies
-- to: the statement is a kind the test applies to (a rule or commitment), its text (quote or
-- paraphrase) promises action on reports or notices (the test's pattern: 'review ...
-- notifications', 'made aware of', 'act on reports' ...), and the report's half-year ends no
-- earlier than the month of the statement's recorded date (the rule of claim_verdict_tests; an
-- undated statement, or a paraphrase whose wording no stored source holds, gets none).
-- The rows: for a statement about enforcement in general (all_policies) the report's TOTAL
-- row; otherwise the keyword rows whose policy area is one of the statement's evidence areas
-- (never the category rows, which contain their keywords); a row that gives none of its ten
-- figures is left out. Of several editions of one report (a re-issue) only the latest counts.
--
-- These are the platform's own figures: they decide no verdict (mart claim_verdicts keeps the
-- verdict of the independent tests). They can raise a flag, shown next to the verdict:
-- * 'notices_without_action': the row gives notices received (in total or from trusted
--   flaggers) and, as numbers, 0 actions on the basis of the law and 0 on the basis of the
--   terms and conditions, with no action on trusted flaggers' notices either;
-- * 'actions_not_given': the row gives notices received but none of its four action counts
--   (the cells are empty or N/A).
-- `number_url` is the line of the file (GitHub's '#L<line>' anchor on a github.com/.../blob/
-- address), NULL for any other address; `per_item` is "actions per item notified" (law plus
-- terms actions over items), NULL when a count is missing or items are 0.
-- `median_column_note` / `median_tf_column_note`: the provider's contextual note on the two
-- median-time columns as given on the report's TOTAL row (line 2 of the file, where the
-- providers explain their columns; the keyword rows' own notes describe the row), with the
-- line it is on (`column_note_line`), for the sentence to say what the median leaves out.
WITH t AS (
    SELECT * FROM tax_verdict_tests WHERE evidence = 'own_report'
),
latest AS (
    SELECT * FROM dsa_notice_rows
    QUALIFY dense_rank() OVER (PARTITION BY platform_id, period_start, period_end
                               ORDER BY published DESC NULLS LAST, release_id DESC) = 1
),
column_notes AS (
    SELECT release_id, file, min(line) AS column_note_line,
           arg_min(median_note, line) AS median_column_note,
           arg_min(median_tf_note, line) AS median_tf_column_note
    FROM latest
    WHERE row_kind = 'total'
    GROUP BY release_id, file
),
claims AS (
    SELECT c.claim_id, cp.platform_id, c.policy_area AS claim_policy_area, c.evidence_areas, c.date AS claim_date,
           t.test_id, t.what_it_tests
    FROM stg_claims AS c
    CROSS JOIN unnest(c.platform_ids) AS cp(platform_id)
    JOIN t ON list_contains(string_split(t.statement_kinds, ';'), c.kind)
    WHERE regexp_matches(coalesce(c.quote, '') || ' ' || coalesce(c.paraphrase, ''), t.statement_pattern, 'i')
      AND c.date IS NOT NULL
      AND NOT (c.paraphrase_only AND coalesce(c.retrieved_from, '') ILIKE 'not read%')
),
matched AS (
    SELECT c.*, n.* EXCLUDE (platform_id)
    FROM claims AS c
    JOIN latest AS n
      ON n.platform_id = c.platform_id
     AND CASE WHEN c.claim_policy_area = 'all_policies' THEN n.row_kind = 'total'
              ELSE n.row_kind = 'keyword' AND list_contains(c.evidence_areas, n.policy_area) END
    WHERE c.claim_date < date_trunc('month', n.period_end) + INTERVAL 1 MONTH
      AND NOT (n.notices IS NULL AND n.notices_tf IS NULL AND n.items IS NULL AND n.items_tf IS NULL
               AND n.law IS NULL AND n.law_tf IS NULL AND n.terms IS NULL AND n.terms_tf IS NULL
               AND n.median IS NULL AND n.median_tf IS NULL)
)
SELECT
    m.* EXCLUDE (evidence_areas),
    tpl.name AS code_name,
    p.name AS platform_name,
    cn.column_note_line,
    cn.median_column_note,
    cn.median_tf_column_note,
    m.file || ' line ' || m.line || ' (' || m.code || ')' AS row_locator,
    CASE WHEN regexp_matches(m.doc_url, '^https://github\.com/[^/]+/[^/]+/blob/')
         THEN m.doc_url || '#L' || m.line END AS number_url,
    CASE WHEN m.items > 0 AND m.law IS NOT NULL AND m.terms IS NOT NULL
         THEN (m.law + m.terms) / m.items END AS per_item,
    coalesce(m.notices, 0) > 0 OR coalesce(m.notices_tf, 0) > 0 AS notices_received,
    CASE
        WHEN NOT (coalesce(m.notices, 0) > 0 OR coalesce(m.notices_tf, 0) > 0) THEN NULL
        WHEN m.law = 0 AND m.terms = 0 AND coalesce(m.law_tf, 0) = 0 AND coalesce(m.terms_tf, 0) = 0
            THEN 'notices_without_action'
        WHEN m.law IS NULL AND m.terms IS NULL AND m.law_tf IS NULL AND m.terms_tf IS NULL
            THEN 'actions_not_given'
    END AS flag,
    CASE
        WHEN NOT (coalesce(m.notices, 0) > 0 OR coalesce(m.notices_tf, 0) > 0) THEN NULL
        WHEN m.law = 0 AND m.terms = 0 AND coalesce(m.law_tf, 0) = 0 AND coalesce(m.terms_tf, 0) = 0
            THEN 'the platform''s own report shows notices received without any action'
        WHEN m.law IS NULL AND m.terms IS NULL AND m.law_tf IS NULL AND m.terms_tf IS NULL
            THEN 'the platform''s own report gives notices received but no count of actions taken'
    END AS flag_text
FROM matched AS m
LEFT JOIN tax_dsa_template AS tpl ON tpl.code = m.code
LEFT JOIN platforms AS p ON p.platform_id = m.platform_id
LEFT JOIN column_notes AS cn ON cn.release_id = m.release_id AND cn.file = m.file

-- One row per consistency finding in a harmonised DSA report's table 4 (notices under
-- Article 16): something the report gives that does not hold together with what the
-- template defines. Findings never stop the build and never change a number: the site
-- publishes them as "Consistency of the reports". The kinds, their names, order (rank),
-- sentence templates and the basis in words are data/taxonomy/dsa_checks.csv (table
-- tax_dsa_checks); the sentence placeholders ({row}, {lines}, {a}, {b}, {a_words}, {b_words},
-- {unit}, {parts}, {difference}, {text}, {description}) are filled here with replace().
-- Values are quoted as published (value_as_published); a sum the site computes is written
-- with thousands separators. `line` is the first line concerned, `lines` all of them in
-- words ("92 and 93", "86 to 93"), `columns` the column headers as published, quoted.
--
-- The rules (decided on the eight reports held in 2026; see tests/test_dsa_consistency.py):
-- 1 trusted_flagger_above_all: a row where a trusted-flagger figure (notices, items, actions
--   on the basis of the law, of the terms) is greater than the same figure for all notices.
--   One finding per row and pair of columns (category and keyword rows both qualify).
-- 2 keywords_not_adding_up: a category row and a count column (notices, items, law, terms,
--   each all / trusted flaggers; not the medians) where the sum of its keyword rows differs
--   from the category: only if the category and every keyword cell of that column are given,
--   or, with empty keyword cells, if the cells given already add up to more than the
--   category. A keyword row set aside at ingest (kind 8) counts as empty cells. The
--   difference is given; so is the sum without repeated rows, where any.
-- 3 repeated_row: a keyword given again under the same category (dsa_notice_rows.repeat_of),
--   paired with its first row; the figures are those of the first column both rows fill.
-- 4 actions_above_items: a row where actions on the basis of the law or of the terms are
--   greater than the items of information of the same notifiers (all / trusted flaggers).
-- 5 median_time_without_notices: a median time given and other than 0 where the same row
--   gives 0 notices from the same notifiers.
-- 6 value_not_what_column_says: a median time of 100 or more equal to the same row's items
--   or notices of the same notifiers (a count in the time column).
-- 7 (none: a row under STATEMENT_CATEGORY_OTHER_VIOLATION_TC is not a finding; TikTok numbers it as
--   a category of its own, so the template may well define it)
-- 8 template_placeholder: a row of the report set aside at ingest for a template placeholder
--   (table quarantined, source_id 'dsa_reports').
-- 9 non_template_row: a row whose code is not in tax_dsa_template and that gives a figure
--   other than 0, with the figures it gives and the provider's "Other" description.
-- 10 non_template_rows_zero: once per report, the rows not in the template that give only 0
--   or empty cells (their number and codes).
WITH kinds AS (
    SELECT kind, name, TRY_CAST(rank AS INTEGER) AS rank, counted, sentence, basis FROM tax_dsa_checks
),
-- the ten figures of table 4 in the template's order, with what each counts in words
figure_words(figure, pos, words, is_time) AS (
    VALUES ('notices', 1, 'notices received', false),
           ('notices_tf', 2, 'notices from trusted flaggers', false),
           ('items', 3, 'items of information notified', false),
           ('items_tf', 4, 'items notified by trusted flaggers', false),
           ('median', 5, 'median time to take action', true),
           ('median_tf', 6, 'median time to take action on trusted flaggers'' notices', true),
           ('law', 7, 'actions on the basis of the law', false),
           ('law_tf', 8, 'actions on the basis of the law on trusted flaggers'' notices', false),
           ('terms', 9, 'actions on the basis of the terms and conditions', false),
           ('terms_tf', 10, 'actions on the basis of the terms and conditions on trusted flaggers'' notices', false)
),
-- the rows of table 4 with their name for a reader: the template's name in quotation marks
-- (the code as published where the template has none), a keyword with its category
named AS (
    SELECT n.*,
           CASE WHEN t.name IS NOT NULL THEN '“' || t.name || '”' ELSE n.code END
           || CASE WHEN n.row_kind = 'keyword'
                   THEN ' under “' || coalesce(tc.name, n.category_code) || '”' ELSE '' END AS row_words,
           CASE WHEN n.time_unit LIKE '%not stated%' THEN ' (no unit stated)'
                ELSE ' (in ' || n.time_unit || ')' END AS unit_words
    FROM dsa_notice_rows AS n
    LEFT JOIN tax_dsa_template AS t ON t.code = n.code
    LEFT JOIN tax_dsa_template AS tc ON tc.code = n.category_code
),
-- one row per table-4 row and figure (empty cells kept, value NULL)
cells AS (
    SELECT r.release_id, r.platform_id, r.period_start, r.period_end, r.published, r.file, r.line,
           r.policy_label, r.code, r.category_code, r.row_kind, r.repeat_of, r.in_template,
           r.row_words, r.unit_words, r.doc_url, r.cell.figure, r.cell.value, r.cell.published AS value_published,
           r.cell.header, r.cell.note, f.pos, f.words, f.is_time,
           CASE WHEN f.is_time THEN r.cell.published || ' as the ' || f.words || r.unit_words
                ELSE r.cell.published || ' ' || f.words END AS value_words
    FROM (SELECT *, unnest([
            {'figure': 'notices', 'value': notices, 'published': notices_published, 'header': notices_header, 'note': notices_note},
            {'figure': 'notices_tf', 'value': notices_tf, 'published': notices_tf_published, 'header': notices_tf_header, 'note': notices_tf_note},
            {'figure': 'items', 'value': items, 'published': items_published, 'header': items_header, 'note': items_note},
            {'figure': 'items_tf', 'value': items_tf, 'published': items_tf_published, 'header': items_tf_header, 'note': items_tf_note},
            {'figure': 'median', 'value': median, 'published': median_published, 'header': median_header, 'note': median_note},
            {'figure': 'median_tf', 'value': median_tf, 'published': median_tf_published, 'header': median_tf_header, 'note': median_tf_note},
            {'figure': 'law', 'value': law, 'published': law_published, 'header': law_header, 'note': law_note},
            {'figure': 'law_tf', 'value': law_tf, 'published': law_tf_published, 'header': law_tf_header, 'note': law_tf_note},
            {'figure': 'terms', 'value': terms, 'published': terms_published, 'header': terms_header, 'note': terms_note},
            {'figure': 'terms_tf', 'value': terms_tf, 'published': terms_tf_published, 'header': terms_tf_header, 'note': terms_tf_note}
          ]) AS cell FROM named) AS r
    JOIN figure_words AS f ON f.figure = r.cell.figure
),
-- kind 8 (and kind 2): rows set aside at ingest (locator 'file line N'; reason "template
-- placeholder 'X' in column 'Y', ... instead of a number"; content: the line as published),
-- with the category a keyword row sits under (the last category row above it)
placeholders AS (
    SELECT q.*, cat.code AS category_code
    FROM (SELECT q.release_id, regexp_extract(q.locator, '^(.*) line \d+$', 1) AS file,
                 TRY_CAST(regexp_extract(q.locator, ' line (\d+)$', 1) AS INTEGER) AS line,
                 regexp_extract(q.reason, '^template placeholder (.*) instead of a number$', 1) AS what,
                 regexp_extract(q.reason, '^template placeholder ''([^'']*)''', 1) AS first_placeholder,
                 regexp_extract_all(q.reason, ' in column (''[^'']*'')', 1) AS headers,
                 nullif(regexp_extract(q.content, '(TOTAL|STATEMENT_CATEGORY_[A-Z_]+|KEYWORD_[A-Z_]+)', 1), '') AS code
          FROM quarantined AS q
          WHERE q.source_id = 'dsa_reports') AS q
    LEFT JOIN LATERAL (SELECT n.code FROM dsa_notice_rows AS n
                       WHERE n.release_id = q.release_id AND n.row_kind = 'category' AND n.line < q.line
                         AND q.code LIKE 'KEYWORD_%'
                       ORDER BY n.line DESC, n.policy_label DESC LIMIT 1) AS cat ON true
),
-- kinds 1, 4, 5, 6: two cells of one row; a is the whole (or the notices, or the median)
pairs(kind, fig_a, fig_b) AS (
    VALUES ('trusted_flagger_above_all', 'notices', 'notices_tf'),
           ('trusted_flagger_above_all', 'items', 'items_tf'),
           ('trusted_flagger_above_all', 'law', 'law_tf'),
           ('trusted_flagger_above_all', 'terms', 'terms_tf'),
           ('actions_above_items', 'items', 'law'),
           ('actions_above_items', 'items', 'terms'),
           ('actions_above_items', 'items_tf', 'law_tf'),
           ('actions_above_items', 'items_tf', 'terms_tf'),
           ('median_time_without_notices', 'notices', 'median'),
           ('median_time_without_notices', 'notices_tf', 'median_tf'),
           ('value_not_what_column_says', 'median', 'items'),
           ('value_not_what_column_says', 'median', 'notices'),
           ('value_not_what_column_says', 'median_tf', 'items_tf'),
           ('value_not_what_column_says', 'median_tf', 'notices_tf')
),
pair_findings AS (
    SELECT p.kind, a.release_id, a.platform_id, a.period_start, a.period_end, a.published, a.file,
           a.line, CAST(a.line AS VARCHAR) AS lines, a.code AS row_label, a.doc_url,
           '''' || a.header || ''' and ''' || b.header || '''' AS columns,
           a.value_published AS value_a, b.value_published AS value_b, a.figure AS figure_a, b.figure AS figure_b,
           NULL::DOUBLE AS difference,
           a.row_words, 'line ' || a.line AS lines_words, a.words AS a_words, b.words AS b_words,
           a.unit_words, NULL AS parts, NULL AS difference_words, NULL AS text, NULL AS description
    FROM pairs AS p
    JOIN cells AS a ON a.figure = p.fig_a
    JOIN cells AS b ON b.release_id = a.release_id AND b.policy_label = a.policy_label AND b.figure = p.fig_b
    WHERE CASE p.kind
            WHEN 'trusted_flagger_above_all' THEN b.value > a.value
            WHEN 'actions_above_items' THEN b.value > a.value
            WHEN 'median_time_without_notices' THEN a.value = 0 AND b.value <> 0
            WHEN 'value_not_what_column_says' THEN a.value >= 100 AND a.value = b.value
          END
),
-- kind 2: per category row and count column, its keyword rows added up
keyword_sums AS (
    SELECT release_id, category_code, figure,
           count(*) AS n_rows, count(value) AS n_given, sum(value) AS total,
           sum(value) FILTER (WHERE repeat_of IS NULL) AS total_without_repeats,
           list(line ORDER BY line) FILTER (WHERE repeat_of IS NOT NULL) AS repeat_lines,
           min(line) AS first_line, max(line) AS last_line
    FROM cells
    WHERE row_kind = 'keyword' AND NOT is_time
    GROUP BY release_id, category_code, figure
),
keyword_findings AS (
    SELECT 'keywords_not_adding_up' AS kind, c.release_id, c.platform_id, c.period_start, c.period_end,
           c.published, c.file, c.line, c.line || ' to ' || k.last_line AS lines, c.code AS row_label,
           c.doc_url, '''' || c.header || '''' AS columns, c.value_published AS value_a,
           format('{:,}', CAST(k.total AS BIGINT)) AS value_b, c.figure AS figure_a, c.figure AS figure_b,
           k.total - c.value AS difference,
           c.row_words, 'line ' || c.line AS lines_words, c.words AS a_words, NULL AS b_words,
           c.unit_words,
           k.n_rows || ' keyword ' || CASE WHEN k.n_rows = 1 THEN 'row' ELSE 'rows' END
           || ' (' || CASE WHEN k.n_rows = 1 THEN 'line ' || k.first_line
                           ELSE 'lines ' || k.first_line || CASE WHEN k.last_line = k.first_line + 1 THEN ' and '
                                                                 ELSE ' to ' END || k.last_line END || ')' AS parts,
           format('{:,}', CAST(abs(k.total - c.value) AS BIGINT))
           || CASE WHEN k.total > c.value THEN ' more' ELSE ' fewer' END AS difference_words,
           CASE WHEN k.n_given < k.n_rows
                THEN ' ' || (k.n_rows - k.n_given) || ' of the ' || k.n_rows
                     || ' keyword rows ' || CASE WHEN k.n_rows - k.n_given = 1 THEN 'leaves' ELSE 'leave' END
                     || ' this column empty.' ELSE '' END
           || CASE WHEN q.lines IS NOT NULL
                   THEN ' This site leaves out ' || CASE WHEN len(q.lines) = 1 THEN 'the keyword row at line '
                                                         ELSE 'the keyword rows at lines ' END
                        || array_to_string(q.lines, ', ') || ' (a template placeholder instead of a number).'
                   ELSE '' END
           || CASE WHEN len(k.repeat_lines) > 0
                   THEN ' Without the repeated ' || CASE WHEN len(k.repeat_lines) = 1 THEN 'row' ELSE 'rows' END
                        || ' (' || CASE WHEN len(k.repeat_lines) = 1 THEN 'line ' ELSE 'lines ' END
                        || array_to_string(k.repeat_lines, ', ') || '), the keyword rows add up to '
                        || format('{:,}', CAST(coalesce(k.total_without_repeats, 0) AS BIGINT)) || '.'
                   ELSE '' END AS text,
           NULL AS description
    FROM cells AS c
    JOIN keyword_sums AS k ON k.release_id = c.release_id AND k.category_code = c.code AND k.figure = c.figure
    -- keyword rows set aside at ingest under this category: as if their cells were empty
    LEFT JOIN (SELECT release_id, category_code, list(line ORDER BY line) AS lines FROM placeholders
               GROUP BY release_id, category_code) AS q
      ON q.release_id = c.release_id AND q.category_code = c.code
    WHERE c.row_kind = 'category' AND c.value IS NOT NULL AND k.n_given > 0
      AND ((k.n_given = k.n_rows AND q.lines IS NULL AND k.total <> c.value) OR k.total > c.value)
),
-- kind 3: a repeated keyword row and its first row, on the first column both fill
repeat_pairs AS (
    SELECT r2.release_id, r2.policy_label, r1.line AS first_line,
           min(a.pos) FILTER (WHERE a.value IS NOT NULL AND b.value IS NOT NULL) AS pos
    FROM named AS r2
    JOIN named AS r1 ON r1.release_id = r2.release_id AND r1.policy_label = r2.repeat_of
    JOIN cells AS a ON a.release_id = r1.release_id AND a.policy_label = r1.policy_label
    JOIN cells AS b ON b.release_id = r2.release_id AND b.policy_label = r2.policy_label AND b.figure = a.figure
    WHERE r2.repeat_of IS NOT NULL
    GROUP BY r2.release_id, r2.policy_label, r1.line
),
repeat_findings AS (
    SELECT 'repeated_row' AS kind, b.release_id, b.platform_id, b.period_start, b.period_end, b.published,
           b.file, p.first_line AS line, p.first_line || ' and ' || b.line AS lines, b.code AS row_label,
           b.doc_url, '''Category of illegal content''' AS columns,
           a.value_published AS value_a, b.value_published AS value_b, a.figure AS figure_a, b.figure AS figure_b,
           NULL::DOUBLE AS difference,
           b.row_words, 'lines ' || p.first_line || ' and ' || b.line AS lines_words, a.words AS a_words,
           b.words AS b_words, b.unit_words, NULL AS parts, NULL AS difference_words, NULL AS text,
           NULL AS description
    FROM repeat_pairs AS p
    JOIN cells AS b ON b.release_id = p.release_id AND b.policy_label = p.policy_label
    JOIN cells AS a ON a.release_id = b.release_id AND a.line = p.first_line AND a.figure = b.figure
    WHERE b.pos = coalesce(p.pos, 1)
),
-- kinds 7 and 9: the cells other than 0 of a row, in the template's order
given AS (
    SELECT release_id, policy_label,
           list(value_words ORDER BY pos) AS words,
           list('''' || header || '''' ORDER BY pos) AS headers,
           min(pos) AS first_pos
    FROM cells
    WHERE value IS NOT NULL AND value <> 0
    GROUP BY release_id, policy_label
),
non_template_findings AS (
    SELECT 'non_template_row' AS kind, c.release_id, c.platform_id, c.period_start, c.period_end, c.published,
           c.file, c.line, CAST(c.line AS VARCHAR) AS lines, c.code AS row_label, c.doc_url,
           CASE WHEN len(g.headers) = 1 THEN g.headers[1]
                ELSE array_to_string(g.headers[1:len(g.headers) - 1], ', ') || ' and ' || g.headers[-1] END AS columns,
           c.value_published AS value_a, NULL AS value_b, c.figure AS figure_a, NULL AS figure_b,
           NULL::DOUBLE AS difference,
           c.row_words, 'line ' || c.line AS lines_words, c.words AS a_words, NULL AS b_words, c.unit_words,
           NULL AS parts, NULL AS difference_words,
           CASE WHEN len(g.words) = 1 THEN g.words[1]
                ELSE array_to_string(g.words[1:len(g.words) - 1], ', ') || ' and ' || g.words[-1] END AS text,
           CASE WHEN regexp_matches(coalesce(c.note, ''), 'Description of the sub-category "Other": ')
                THEN ' The report describes it: “'
                     || trim(regexp_extract(c.note, 'Description of the sub-category "Other": ([^\n]*)', 1)) || '”'
                ELSE '' END AS description
    FROM cells AS c
    JOIN given AS g ON g.release_id = c.release_id AND g.policy_label = c.policy_label AND g.first_pos = c.pos
    WHERE NOT c.in_template
),
zero_rows AS (
    SELECT n.release_id, list(n.line ORDER BY n.line) AS row_lines, list(n.code ORDER BY n.line) AS codes,
           min(n.line) AS first_line
    FROM named AS n
    WHERE NOT n.in_template
      AND NOT EXISTS (SELECT 1 FROM given AS g WHERE g.release_id = n.release_id AND g.policy_label = n.policy_label)
    GROUP BY n.release_id
),
zero_findings AS (
    SELECT 'non_template_rows_zero' AS kind, n.release_id, n.platform_id, n.period_start, n.period_end,
           n.published, n.file, z.first_line AS line,
           CASE WHEN len(z.row_lines) = 1 THEN CAST(z.row_lines[1] AS VARCHAR)
                ELSE array_to_string(z.row_lines[1:len(z.row_lines) - 1], ', ') || ' and ' || z.row_lines[-1] END AS lines,
           NULL AS row_label, n.doc_url, '''Category of illegal content''' AS columns,
           CAST(len(z.row_lines) AS VARCHAR) AS value_a, NULL AS value_b, NULL AS figure_a, NULL AS figure_b,
           NULL::DOUBLE AS difference,
           NULL AS row_words, NULL AS lines_words, NULL AS a_words, NULL AS b_words, NULL AS unit_words,
           len(z.row_lines) || CASE WHEN len(z.row_lines) = 1 THEN ' row' ELSE ' rows' END AS parts,
           NULL AS difference_words,
           CASE WHEN len(z.codes) = 1 THEN z.codes[1]
                ELSE array_to_string(z.codes[1:len(z.codes) - 1], ', ') || ' and ' || z.codes[-1] END AS text,
           NULL AS description
    FROM zero_rows AS z
    JOIN named AS n ON n.release_id = z.release_id AND n.line = z.first_line
),
placeholder_findings AS (
    SELECT 'template_placeholder' AS kind, p.release_id,
           (SELECT min(pl.platform_id) FROM tax_platform_labels AS pl WHERE pl.label = i.service) AS platform_id,
           TRY_CAST(i.period_start AS DATE) AS period_start, TRY_CAST(i.period_end AS DATE) AS period_end,
           TRY_CAST(i.published AS DATE) AS published, p.file, p.line, CAST(p.line AS VARCHAR) AS lines,
           p.code AS row_label,
           (SELECT n.doc_url FROM dsa_notice_rows AS n WHERE n.release_id = p.release_id
            ORDER BY n.line, n.policy_label LIMIT 1) AS doc_url,
           CASE WHEN len(p.headers) = 1 THEN p.headers[1]
                ELSE array_to_string(p.headers[1:len(p.headers) - 1], ', ') || ' and ' || p.headers[-1] END AS columns,
           p.first_placeholder AS value_a, NULL AS value_b, NULL AS figure_a, NULL AS figure_b,
           NULL::DOUBLE AS difference,
           coalesce('“' || t.name || '”', p.code, 'without a code')
           || CASE WHEN p.category_code IS NOT NULL
                   THEN ' under “' || coalesce(tc.name, p.category_code) || '”' ELSE '' END AS row_words,
           'line ' || p.line AS lines_words, NULL AS a_words, NULL AS b_words, NULL AS unit_words,
           NULL AS parts, NULL AS difference_words, p.what AS text, NULL AS description
    FROM placeholders AS p
    LEFT JOIN raw_report_identification AS i ON i.release_id = p.release_id
    LEFT JOIN tax_dsa_template AS t ON t.code = p.code
    LEFT JOIN tax_dsa_template AS tc ON tc.code = p.category_code
),
found AS (
    SELECT * FROM pair_findings
    UNION ALL BY NAME SELECT * FROM keyword_findings
    UNION ALL BY NAME SELECT * FROM repeat_findings
    UNION ALL BY NAME SELECT * FROM non_template_findings
    UNION ALL BY NAME SELECT * FROM zero_findings
    UNION ALL BY NAME SELECT * FROM placeholder_findings
)
SELECT f.release_id, f.platform_id, f.period_start, f.period_end, f.published, f.kind, k.rank, k.name, k.counted,
       f.file, f.line, f.lines, f.columns, f.row_label,
       replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(k.sentence,
           '{row}', coalesce(f.row_words, '')), '{lines}', coalesce(f.lines_words, '')),
           '{a_words}', coalesce(f.a_words, '')), '{b_words}', coalesce(f.b_words, '')),
           '{a}', coalesce(f.value_a, '')), '{b}', coalesce(f.value_b, '')),
           '{unit}', coalesce(f.unit_words, '')), '{parts}', coalesce(f.parts, '')),
           '{difference}', coalesce(f.difference_words, '')), '{text}', coalesce(f.text, '')),
           '{description}', coalesce(f.description, '')) AS sentence,
       k.basis, f.value_a, f.value_b, f.figure_a, f.figure_b, f.difference, f.doc_url
FROM found AS f
JOIN kinds AS k ON k.kind = f.kind

-- One row per row of table 4 (notices under Article 16 DSA) of one harmonised DSA report:
-- a report (release: service x half-year x publication date) and one of its TOTAL, category or
-- keyword rows, with the row's ten figures side by side. For each figure: the value (NULL when
-- the cell is empty or N/A), the cell as published, the column header as published and the
-- note (the row's contextual information for that column, and its "Other" description).
-- `row_kind` is total | category | keyword; `code` the row's own code and `category_code` the
-- category it sits under; `in_template`: the code is one of the template's (the DSA
-- Transparency Database's category and keyword codes, data/taxonomy/dsa_template.csv).
-- `repeat_of`: for a keyword given twice under one category, the label of its first row.
-- Published dates come from table 1 (raw_report_identification).
WITH cells AS (
    SELECT
        o.*,
        TRY_CAST(regexp_extract(o.locator, ' line (\d+) column ', 1) AS INTEGER) AS line,
        regexp_extract(o.locator, '^(.*) line \d+ column ', 1) AS file,
        regexp_extract(o.locator, ' column ''(.*)''$', 1) AS header
    FROM fct_observations AS o
    WHERE o.source_id = 'dsa_reports'
),
rows_ AS (
    SELECT
        release_id, platform_id, platform_label, period_start, period_end, edition, geo_code,
        policy_label, policy_key, policy_area, file, min(line) AS line,
        arg_min(doc_url, locator) AS doc_url,  -- one release, one document: the same for every cell
        arg_min(doc_kind, locator) AS doc_kind,
        arg_min(doc_label, locator) AS doc_label,
        max(value) FILTER (WHERE metric_key = 'dsa_notices') AS notices,
        max(value_as_published) FILTER (WHERE metric_key = 'dsa_notices') AS notices_published,
        max(header) FILTER (WHERE metric_key = 'dsa_notices') AS notices_header,
        max(note) FILTER (WHERE metric_key = 'dsa_notices') AS notices_note,
        max(value) FILTER (WHERE metric_key = 'dsa_notices_trusted_flaggers') AS notices_tf,
        max(value_as_published) FILTER (WHERE metric_key = 'dsa_notices_trusted_flaggers') AS notices_tf_published,
        max(header) FILTER (WHERE metric_key = 'dsa_notices_trusted_flaggers') AS notices_tf_header,
        max(note) FILTER (WHERE metric_key = 'dsa_notices_trusted_flaggers') AS notices_tf_note,
        max(value) FILTER (WHERE metric_key = 'dsa_notice_items') AS items,
        max(value_as_published) FILTER (WHERE metric_key = 'dsa_notice_items') AS items_published,
        max(header) FILTER (WHERE metric_key = 'dsa_notice_items') AS items_header,
        max(note) FILTER (WHERE metric_key = 'dsa_notice_items') AS items_note,
        max(value) FILTER (WHERE metric_key = 'dsa_notice_items_trusted_flaggers') AS items_tf,
        max(value_as_published) FILTER (WHERE metric_key = 'dsa_notice_items_trusted_flaggers') AS items_tf_published,
        max(header) FILTER (WHERE metric_key = 'dsa_notice_items_trusted_flaggers') AS items_tf_header,
        max(note) FILTER (WHERE metric_key = 'dsa_notice_items_trusted_flaggers') AS items_tf_note,
        max(value) FILTER (WHERE metric_key = 'dsa_median_time_to_action') AS median,
        max(value_as_published) FILTER (WHERE metric_key = 'dsa_median_time_to_action') AS median_published,
        max(header) FILTER (WHERE metric_key = 'dsa_median_time_to_action') AS median_header,
        max(note) FILTER (WHERE metric_key = 'dsa_median_time_to_action') AS median_note,
        max(value) FILTER (WHERE metric_key = 'dsa_median_time_to_action_trusted_flaggers') AS median_tf,
        max(value_as_published) FILTER (WHERE metric_key = 'dsa_median_time_to_action_trusted_flaggers') AS median_tf_published,
        max(header) FILTER (WHERE metric_key = 'dsa_median_time_to_action_trusted_flaggers') AS median_tf_header,
        max(note) FILTER (WHERE metric_key = 'dsa_median_time_to_action_trusted_flaggers') AS median_tf_note,
        max(value) FILTER (WHERE metric_key = 'dsa_actions_law') AS law,
        max(value_as_published) FILTER (WHERE metric_key = 'dsa_actions_law') AS law_published,
        max(header) FILTER (WHERE metric_key = 'dsa_actions_law') AS law_header,
        max(note) FILTER (WHERE metric_key = 'dsa_actions_law') AS law_note,
        max(value) FILTER (WHERE metric_key = 'dsa_actions_law_trusted_flaggers') AS law_tf,
        max(value_as_published) FILTER (WHERE metric_key = 'dsa_actions_law_trusted_flaggers') AS law_tf_published,
        max(header) FILTER (WHERE metric_key = 'dsa_actions_law_trusted_flaggers') AS law_tf_header,
        max(note) FILTER (WHERE metric_key = 'dsa_actions_law_trusted_flaggers') AS law_tf_note,
        max(value) FILTER (WHERE metric_key = 'dsa_actions_terms') AS terms,
        max(value_as_published) FILTER (WHERE metric_key = 'dsa_actions_terms') AS terms_published,
        max(header) FILTER (WHERE metric_key = 'dsa_actions_terms') AS terms_header,
        max(note) FILTER (WHERE metric_key = 'dsa_actions_terms') AS terms_note,
        max(value) FILTER (WHERE metric_key = 'dsa_actions_terms_trusted_flaggers') AS terms_tf,
        max(value_as_published) FILTER (WHERE metric_key = 'dsa_actions_terms_trusted_flaggers') AS terms_tf_published,
        max(header) FILTER (WHERE metric_key = 'dsa_actions_terms_trusted_flaggers') AS terms_tf_header,
        max(note) FILTER (WHERE metric_key = 'dsa_actions_terms_trusted_flaggers') AS terms_tf_note,
        max(unit) FILTER (WHERE metric_key = 'dsa_median_time_to_action') AS time_unit
    FROM cells
    GROUP BY ALL
)
SELECT
    r.*,
    CASE WHEN r.policy_label = 'TOTAL' THEN 'total'
         WHEN contains(r.policy_label, ' / ') THEN 'keyword' ELSE 'category' END AS row_kind,
    regexp_replace(regexp_replace(r.policy_label, '^.* / ', ''), ' \(row \d+\)$', '') AS code,
    CASE WHEN contains(r.policy_label, ' / ') THEN split_part(r.policy_label, ' / ', 1)
         WHEN r.policy_label <> 'TOTAL' THEN r.policy_label END AS category_code,
    t.code IS NOT NULL AS in_template,
    CASE WHEN regexp_matches(r.policy_label, ' \(row \d+\)$')
         THEN regexp_replace(r.policy_label, ' \(row \d+\)$', '') END AS repeat_of,
    TRY_CAST(i.published AS DATE) AS published,
    TRY_CAST(nullif(i.previous_published, '') AS DATE) AS previous_published,
    i.provider,
    i.service
FROM rows_ AS r
LEFT JOIN tax_dsa_template AS t
  ON t.code = regexp_replace(regexp_replace(r.policy_label, '^.* / ', ''), ' \(row \d+\)$', '')
LEFT JOIN raw_report_identification AS i ON i.release_id = r.release_id

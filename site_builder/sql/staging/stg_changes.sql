-- One row per change in data/changes.csv, as the nightly job recorded it: the night it was
-- found (`night`), the source, the release it concerns (NULL: none, as for a source that could
-- not be reached), its kind (data/taxonomy/change_kinds.csv, with the words readers see), how
-- many releases, figures or files it concerns (`n_items`) and how many of those figures concern
-- child safety (`child_safety`; an empty field counts as 0), a short sentence from the nightly
-- job (`detail`, untrusted text: templates escape it) and the document's address (`link`, ''
-- for none). A date or count that does not parse is NULL here and refused, with its text, by
-- checks/changes_valid.sql.
SELECT
    c.obs_file,
    c.line,
    CASE WHEN regexp_full_match(coalesce(c.date, ''), '\d{4}-\d{2}-\d{2}') THEN TRY_CAST(c.date AS DATE) END AS night,
    c.date AS date_text,
    c.source_id,
    nullif(trim(coalesce(c.release_id, '')), '') AS release_id,
    c.kind,
    k.name AS kind_name,
    k.unit AS kind_unit,
    k.units AS kind_units,
    k.one AS kind_one,
    k.many AS kind_many,
    k.sentence AS kind_sentence,
    TRY_CAST(k.rank AS INTEGER) AS kind_rank,
    CASE WHEN regexp_full_match(trim(coalesce(c.count, '')), '-?[0-9]+') THEN TRY_CAST(trim(c.count) AS BIGINT) END AS n_items,
    coalesce(c.count, '') AS count_text,
    CASE WHEN trim(coalesce(c.child_safety, '')) = '' THEN 0
         WHEN regexp_full_match(trim(c.child_safety), '-?[0-9]+') THEN TRY_CAST(trim(c.child_safety) AS BIGINT) END
        AS child_safety,
    coalesce(c.child_safety, '') AS child_safety_text,
    coalesce(c.detail, '') AS detail,
    trim(coalesce(c.link, '')) AS link
FROM raw_changes AS c
LEFT JOIN tax_change_kinds AS k ON k.kind = c.kind

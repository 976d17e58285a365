-- One row per dated event that breaks or qualifies a series: the events of
-- data/annotations.csv (policy changes, changes of method, data issues, reporting breaks)
-- and every policy change recorded on the say side (data/claims.csv), which is drawn on
-- the charts of its platforms and policy area. `sources`, `platforms` and `policy_areas`
-- are lists; ['*'] means all. A say-side policy change already written up in
-- annotations.csv (same date and platform) is not drawn twice. `date_precision` (day, month,
-- quarter, half, year) says how much of `date` is known: the site never writes more.
-- `source_url` is the address the event links to, empty where none may be linked
-- (doc_refs: a homepage, a truncated or inferred address); `source_text` says why.
SELECT
    TRY_CAST(date AS DATE) AS date,
    date_precision,
    string_split(sources, ';') AS sources,
    string_split(platforms, ';') AS platforms,
    string_split(policy_areas, ';') AS policy_areas,
    kind,
    label,
    text,
    source_url AS source_field,
    coalesce(d.doc_url, '') AS source_url,
    d.doc_label AS source_label,
    d.doc_text AS source_text,
    a.obs_file
FROM raw_annotations AS a
LEFT JOIN doc_refs AS d
  ON d.field = coalesce(a.source_url, '') AND d.title = coalesce(a.label, '') AND d.note = ''
 AND d.period_start = '' AND d.period_end = ''
UNION ALL
SELECT
    c.date,
    c.date_precision,
    ['*'],
    c.platform_ids,
    c.evidence_areas,
    'policy_change',
    -- the chart label: platform and the start of the paraphrase (the full statement is the text)
    c.platform_label || ': ' || CASE WHEN c.paraphrase IS NULL THEN 'policy change'
                                     WHEN length(c.paraphrase) > 60 THEN rtrim(left(c.paraphrase, 57)) || '…'
                                     ELSE c.paraphrase END,
    c.said_by || ': ' || CASE WHEN c.paraphrase_only OR c.quote IS NULL THEN 'paraphrase: ' || c.paraphrase
                              ELSE '“' || c.quote || '”' END,
    c.source_url,
    coalesce(c.doc_url, ''),
    c.doc_label,
    c.doc_text,
    c.obs_file
FROM stg_claims AS c
WHERE c.kind = 'policy_change' AND c.date IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM raw_annotations AS a
                  WHERE a.kind = 'policy_change' AND TRY_CAST(a.date AS DATE) = c.date
                    AND len(list_intersect(string_split(a.platforms, ';'), c.platform_ids)) > 0)

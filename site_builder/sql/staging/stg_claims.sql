-- One row per statement (data/claims.csv): a rule, commitment, policy change or regulatory
-- obligation a platform is held to, or an audit finding about it, with its harmonised
-- policy area, the areas whose figures can test it, its date and whether it is a
-- paraphrase only (never to be shown in quotation marks). `self_reported`: the statement's
-- author is the platform itself (data/taxonomy/self_reported_findings.csv). `date` is the
-- first day of what the date text names and `date_precision` (day, month, year) how much
-- of it is known: a month stays a month. `doc_*`: the address the statement links to
-- (table doc_refs), its kind, the label shown next to it and the text shown instead.
SELECT
    c.claim_id,
    c.platform_label,
    string_split(c.platform_ids, ';') AS platform_ids,
    c.policy_area_label,
    c.policy_area,
    string_split(a.evidence_areas, ';') AS evidence_areas,
    c.kind,
    nullif(c.quote, '') AS quote,
    nullif(c.paraphrase, '') AS paraphrase,
    c.paraphrase_only = 'True' AS paraphrase_only,
    TRY_CAST(nullif(c.date, '') AS DATE) AS date,
    nullif(c.date_precision, '') AS date_precision,
    c.date_as_published,
    c.said_by,
    EXISTS (SELECT 1 FROM tax_self_reported_findings AS f WHERE regexp_matches(c.said_by, f.pattern)) AS self_reported,
    nullif(c.source_url, '') AS source_url,
    c.source_title,
    c.retrieved_from,
    nullif(c.note, '') AS note,
    c.locator,
    c.obs_file,
    d.doc_url,
    d.doc_number_url,
    d.doc_kind,
    d.doc_label,
    d.doc_text
FROM raw_claims AS c
LEFT JOIN tax_claim_areas AS a ON a.label = c.policy_area_label
LEFT JOIN doc_refs AS d
  ON d.field = coalesce(c.source_url, '') AND d.title = coalesce(c.source_title, '') AND d.note = coalesce(c.note, '')
 AND d.period_start = '' AND d.period_end = ''

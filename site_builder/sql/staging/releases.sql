-- One row per release (a published file or edition) with its source and, for curated
-- transcriptions, the role the catalog gives the file. `doc_*`: what its address is
-- (table doc_refs, from data/taxonomy/link_rules.csv): the address the site may link
-- (empty for a homepage, truncated or inferred one), its kind, the label shown next to it
-- and the text shown instead of a link.
SELECT
    r.release_id,
    r.source_id,
    r.edition,
    TRY_CAST(r.edition_end AS DATE) AS edition_end,
    r.kind,
    TRY_CAST(r.precedence AS INTEGER) AS precedence,
    r.snapshot,
    r.title,
    r.url,
    r.file,
    r.sha256,
    TRY_CAST(r.bytes AS BIGINT) AS bytes,
    r.obtained_via,
    r.first_ingested,
    cf.hold_back_note,
    coalesce(cf.copy_of_raw, false) AS copy_of_raw,
    r.obs_file,
    d.doc_url,
    d.doc_number_url,
    d.doc_kind,
    d.doc_label,
    d.doc_text
FROM raw_releases AS r
LEFT JOIN curated_files AS cf ON cf.file = r.file
LEFT JOIN doc_refs AS d
  ON d.field = coalesce(r.url, '') AND d.title = coalesce(r.title, '') AND d.note = ''
 AND d.period_start = '' AND d.period_end = ''

-- One row per release (a published file or edition) with its source and, for curated
-- transcriptions, the role the catalog gives the file.
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
    r.obs_file
FROM raw_releases AS r
LEFT JOIN curated_files AS cf ON cf.file = r.file

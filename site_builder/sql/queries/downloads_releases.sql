-- Bulk download releases.csv: one row per release (one published file or edition) that
-- numbers were read from, as in data/catalog/releases.csv (sha256 and bytes pin the exact
-- file), plus the number of observations read from it.
SELECT
    r.release_id,
    r.source_id,
    r.edition,
    r.edition_end,
    r.kind,
    r.precedence,
    r.snapshot,
    r.title,
    r.url,
    r.file,
    r.sha256,
    r.bytes,
    r.obtained_via,
    r.first_ingested,
    (SELECT count(*) FROM fct_observations AS o WHERE o.release_id = r.release_id) AS observations
FROM releases AS r
ORDER BY r.source_id, r.kind, r.edition_end, r.release_id

-- One row per pair of releases of a source whose figures are compared for revisions:
-- * consecutive full snapshots (raw releases that republish the whole history);
-- * consecutive releases of one report of a multi-table source (the DSA template: one release
--   per service, reporting period and publication date, table 1 in raw_report_identification):
--   a re-issue with a later publication date, or the same date with other bytes (a release id
--   ending in '-retrieved-<date>', after the one read before it), follows the release before it.
SELECT *
FROM (
    SELECT
        source_id,
        lag(release_id) OVER (PARTITION BY source_id ORDER BY edition_end, release_id) AS prev_release_id,
        lag(edition) OVER (PARTITION BY source_id ORDER BY edition_end, release_id) AS prev_edition,
        release_id,
        edition
    FROM releases
    WHERE snapshot = 'full' AND kind = 'raw'
)
WHERE prev_release_id IS NOT NULL
UNION ALL
SELECT *
FROM (
    SELECT
        r.source_id,
        lag(r.release_id) OVER (PARTITION BY r.source_id, lower(trim(i.service)), i.period_start, i.period_end
                                ORDER BY TRY_CAST(i.published AS DATE), r.release_id) AS prev_release_id,
        lag(r.edition) OVER (PARTITION BY r.source_id, lower(trim(i.service)), i.period_start, i.period_end
                                ORDER BY TRY_CAST(i.published AS DATE), r.release_id) AS prev_edition,
        r.release_id,
        r.edition
    FROM releases AS r
    JOIN raw_report_identification AS i ON i.release_id = r.release_id
    WHERE r.snapshot <> 'full' AND r.kind = 'raw'
)
WHERE prev_release_id IS NOT NULL

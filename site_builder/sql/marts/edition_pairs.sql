-- One row per pair of consecutive full snapshots (raw releases that republish the whole
-- history) of a source: the units in which revisions are counted.
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

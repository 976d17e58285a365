-- Every change of data/changes.csv with what a reader is shown of it: the source's names, the
-- release's edition and document link (when the release is in the catalog), and whether that
-- night's dated bundle is in data/archive; newest night first, then by kind and source.
SELECT
    c.*,
    s.short AS source_short,
    s.publisher,
    s.title AS source_title,
    r.edition,
    r.kind AS release_kind,
    r.title AS release_title,
    r.doc_url AS release_doc_url,
    r.doc_label AS release_doc_label,
    r.release_id IS NOT NULL AS release_known,
    c.night IN (SELECT night FROM archive_files) AS archived
FROM stg_changes AS c
JOIN sources AS s USING (source_id)
LEFT JOIN releases AS r ON r.release_id = c.release_id
ORDER BY c.night DESC, c.kind_rank, s.short, r.edition_end NULLS LAST, c.release_id NULLS LAST, c.line

-- Changed figures per pair of consecutive editions of a source.
SELECT
    v.source_id,
    v.prev_release_id,
    v.prev_edition,
    v.release_id,
    v.edition,
    count(*) AS changed,
    count(*) FILTER (WHERE v.change_kind = 'revised up') AS revised_up,
    count(*) FILTER (WHERE v.change_kind = 'revised down') AS revised_down,
    count(*) FILTER (WHERE v.change_kind NOT IN ('revised up', 'revised down')) AS other_changes,
    any_value(r.url) AS doc_url,
    any_value(r.file) AS file,
    any_value(pr.file) AS prev_file
FROM revisions AS v
JOIN releases AS r ON r.release_id = v.release_id
JOIN releases AS pr ON pr.release_id = v.prev_release_id
WHERE v.source_id = $source_id
GROUP BY ALL
ORDER BY v.edition

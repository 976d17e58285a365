-- Changed figures per pair of consecutive editions of a source (pairs with no change
-- included).
SELECT
    e.source_id,
    e.prev_release_id,
    e.prev_edition,
    e.release_id,
    e.edition,
    count(v.release_id) AS changed,
    count(*) FILTER (WHERE v.change_kind = 'revised up') AS revised_up,
    count(*) FILTER (WHERE v.change_kind = 'revised down') AS revised_down,
    count(*) FILTER (WHERE v.change_kind = 'rounded') AS rounded,
    count(*) FILTER (WHERE v.change_kind NOT IN ('revised up', 'revised down', 'rounded')) AS other_changes,
    any_value(r.doc_number_url) AS doc_url, any_value(r.doc_label) AS doc_label,
    any_value(r.file) AS file,
    any_value(pr.file) AS prev_file
FROM edition_pairs AS e
JOIN releases AS r ON r.release_id = e.release_id
JOIN releases AS pr ON pr.release_id = e.prev_release_id
LEFT JOIN revisions AS v ON v.release_id = e.release_id AND v.prev_release_id = e.prev_release_id
WHERE e.source_id = $source_id
GROUP BY ALL
ORDER BY e.edition

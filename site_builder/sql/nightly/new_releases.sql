-- One row per release a night added ($ids): how many numbers it holds and how many of them
-- concern child safety ($child: policy areas). A row of data/changes.csv of kind new_release.
SELECT
    r.source_id,
    r.release_id,
    'new_release' AS kind,
    count(o.release_id) AS count,
    count(o.release_id) FILTER (WHERE list_contains($child, o.policy_area)) AS child_safety,
    'Read from ' || r.title AS detail,
    coalesce(r.doc_url, '') AS link
FROM releases AS r
LEFT JOIN fct_observations AS o ON o.release_id = r.release_id
WHERE list_contains($ids, r.release_id)
GROUP BY ALL
ORDER BY r.source_id, r.release_id

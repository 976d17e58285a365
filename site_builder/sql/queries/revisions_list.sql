-- Every revision of a source with the names and document links needed to show it,
-- largest relative change first; `round_trip` says the figure later returned to a value
-- it had before.
SELECT
    v.*,
    coalesce(p.name, v.platform_label) AS platform_name,
    pa.name AS policy_area_name,
    r.doc_number_url AS doc_url, r.doc_label,
    pr.doc_number_url AS prev_doc_url, pr.doc_label AS prev_doc_label,
    coalesce(h.round_trip, false) AS round_trip
FROM revisions AS v
JOIN releases AS r ON r.release_id = v.release_id
JOIN releases AS pr ON pr.release_id = v.prev_release_id
LEFT JOIN platforms AS p ON p.platform_id = v.platform_id
LEFT JOIN policy_areas AS pa ON pa.policy_area = v.policy_area
LEFT JOIN revision_histories AS h
  ON h.source_id = v.source_id AND h.platform_label = v.platform_label AND h.policy_key = v.policy_key
 AND h.metric_key = v.metric_key AND h.period_start = v.period_start AND h.period_end = v.period_end
 AND h.geo_code = v.geo_code
WHERE v.source_id = $source_id
ORDER BY abs(v.change_ratio) DESC NULLS LAST, v.platform_label, v.policy_key, v.metric_label, v.period_start, v.edition

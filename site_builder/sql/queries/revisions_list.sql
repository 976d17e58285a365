-- Every revision of a source (mart revisions_named) with the names and links to show it,
-- largest relative change first; `round_trip` says the figure later returned to a value
-- it had before.
SELECT
    v.*,
    coalesce(h.round_trip, false) AS round_trip
FROM revisions_named AS v
LEFT JOIN revision_histories AS h
  ON h.source_id = v.source_id AND h.platform_label = v.platform_label AND h.policy_key = v.policy_key
 AND h.metric_key = v.metric_key AND h.period_start = v.period_start AND h.period_end = v.period_end
 AND h.geo_code = v.geo_code
WHERE v.source_id = $source_id
ORDER BY abs(v.change_ratio) DESC NULLS LAST, v.platform_label, v.policy_key, v.metric_label, v.period_start, v.edition,
         v.period_end, v.geo_code, v.geography, v.metric_key, v.release_id, v.prev_release_id, v.locator

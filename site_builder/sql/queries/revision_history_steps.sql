-- The edition-by-edition values of revised figures that returned to an earlier value,
-- for the given policy areas and metrics, one row per (figure, edition).
SELECT
    h.source_id, h.platform_label, coalesce(p.name, h.platform_label) AS platform_name, h.policy_key,
    h.policy_label, h.metric_label, h.period_start, h.period_end, h.max_value, h.min_value,
    s.edition, s.release_id, s.value, s.value_status, s.value_as_published, s.locator, r.doc_number_url AS doc_url, r.doc_label,
    r.edition_end
FROM revision_histories AS h, unnest(h.steps) AS u(s)
JOIN releases AS r ON r.release_id = s.release_id
LEFT JOIN platforms AS p ON p.platform_id = h.platform_id
WHERE h.round_trip
  AND h.source_id = $source_id
  AND list_contains(CAST($policy_areas AS VARCHAR[]), h.policy_area)
  AND list_contains(CAST($metrics AS VARCHAR[]), h.metric_id)
ORDER BY h.platform_label, h.policy_key, h.period_start, r.edition_end

-- Series points for a chart or table: one row per current value (mart `series`), with
-- the release and the document it was read from. Every filter is optional (NULL = all).
SELECT
    s.source_id,
    src.title AS source_title_catalog,
    src.publisher,
    src.licence,
    src.citation,
    s.release_id,
    r.edition,
    r.kind AS release_kind,
    r.title AS release_title,
    r.url AS release_url,
    s.platform_label,
    s.platform_id,
    coalesce(p.name, s.platform_label) AS platform_name,
    s.policy_key,
    s.policy_label,
    s.policy_area,
    pa.name AS policy_area_name,
    s.metric_id,
    m.name AS metric_name,
    s.metric_label,
    s.qualifier,
    s.qualifier_word,
    s.period_start,
    s.period_end,
    s.geography,
    s.value_status,
    s.value,
    s.value_low,
    s.value_high,
    s.value_as_published,
    s.unit,
    s.unit_kind,
    s.unit_display,
    s.locator,
    -- the document the number links to (empty: see doc_text, and the release on the Sources page)
    s.doc_number_url AS doc_url,
    s.doc_url AS doc_link,
    s.doc_kind,
    s.doc_label,
    s.doc_text,
    coalesce(s.source_title, r.title) AS doc_title,
    s.note
FROM series AS s
JOIN releases AS r USING (release_id)
JOIN sources AS src ON src.source_id = s.source_id
LEFT JOIN platforms AS p ON p.platform_id = s.platform_id
LEFT JOIN policy_areas AS pa ON pa.policy_area = s.policy_area
LEFT JOIN metrics AS m ON m.metric_id = s.metric_id
WHERE NOT s.conflict
  AND ($source_id IS NULL OR s.source_id = $source_id)
  AND ($platforms IS NULL OR list_contains(CAST($platforms AS VARCHAR[]), s.platform_id))
  AND ($policy_areas IS NULL OR list_contains(CAST($policy_areas AS VARCHAR[]), s.policy_area))
  AND ($policy_keys IS NULL OR list_contains(CAST($policy_keys AS VARCHAR[]), s.policy_key))
  AND ($metrics IS NULL OR list_contains(CAST($metrics AS VARCHAR[]), s.metric_id))
  AND ($geography IS NULL OR s.geography = $geography)
ORDER BY s.platform_id, s.policy_key, s.metric_id, s.qualifier, s.period_start, s.period_end, s.platform_label, s.metric_label, s.geography, s.locator

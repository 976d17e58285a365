-- The statements-of-reasons counts (mart sor_figures) a page shows: of one platform
-- ($platform_id, or every platform and aggregate when NULL), of the subjects whose policy area
-- is one of $areas (data/taxonomy/sor_subjects.csv; NULL = all), from the sources $sources
-- (NULL = both), without conflicting keys, in the shape of series_points (plus subject,
-- measure and the month's completeness). Ordered by a full key.
SELECT
    f.source_id,
    f.release_id,
    r.edition,
    r.kind AS release_kind,
    r.title AS release_title,
    f.platform_label,
    f.platform_id,
    coalesce(p.name, f.platform_label) AS platform_name,
    coalesce(p.kind, '') AS platform_kind,
    f.policy_key,
    f.policy_label,
    f.policy_area,
    f.metric_id,
    m.name AS metric_name,
    f.metric_label,
    f.metric_key,
    f.qualifier,
    f.qualifier_word,
    f.period_start,
    f.period_end,
    f.geography,
    f.value_status,
    f.value,
    f.value_low,
    f.value_high,
    f.value_as_published,
    f.unit,
    f.unit_kind,
    f.unit_display,
    f.locator,
    f.doc_number_url AS doc_url,
    f.doc_url AS doc_link,
    f.doc_kind,
    f.doc_label,
    f.doc_text,
    coalesce(f.source_title, r.title) AS doc_title,
    f.note,
    f.subject,
    s.name AS subject_name,
    s.phrase AS subject_phrase,
    s.policy_area AS subject_area,
    TRY_CAST(s.rank AS INTEGER) AS subject_rank,
    f.measure,
    f.dumps_read,
    f.days_in_month,
    f.complete
FROM sor_figures AS f
JOIN releases AS r USING (release_id)
JOIN tax_sor_subjects AS s ON s.subject = f.subject
LEFT JOIN platforms AS p ON p.platform_id = f.platform_id
LEFT JOIN metrics AS m ON m.metric_id = f.metric_id
WHERE NOT f.conflict
  AND ($platform_id IS NULL OR f.platform_id = $platform_id)
  AND ($areas IS NULL OR list_contains(CAST($areas AS VARCHAR[]), s.policy_area))
  AND ($sources IS NULL OR list_contains(CAST($sources AS VARCHAR[]), f.source_id))
ORDER BY f.platform_id NULLS LAST, f.platform_label, TRY_CAST(s.rank AS INTEGER), f.measure, f.period_start, f.period_end,
         f.source_id, f.metric_key, f.geography, f.locator

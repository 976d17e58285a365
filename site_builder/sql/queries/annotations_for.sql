-- Annotations touching any of the given sources (and platforms / policy areas when
-- given; NULL = any), optionally within a date window, oldest first.
SELECT date, date_precision, kind, label, text, source_url, source_label, source_text, platforms, policy_areas
FROM annotations
WHERE (list_has_any(sources, CAST($sources AS VARCHAR[])) OR list_contains(sources, '*'))
  AND ($platforms IS NULL OR list_has_any(platforms, CAST($platforms AS VARCHAR[])) OR list_contains(platforms, '*'))
  AND ($areas IS NULL OR list_has_any(policy_areas, CAST($areas AS VARCHAR[])) OR list_contains(policy_areas, '*'))
  AND ($start IS NULL OR date >= CAST($start AS DATE))
  AND ($end IS NULL OR date <= CAST($end AS DATE))
ORDER BY date, label

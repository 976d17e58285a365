-- The dated changes of the DSA Transparency Database and of how platforms file in it: the
-- annotations naming one of $sources (not those for every source), of the platforms $platforms
-- (NULL = any; '*' rows always) and the policy areas $areas (NULL = any), oldest first.
SELECT date, date_precision, kind, label, text, source_url, source_label, source_text, platforms, policy_areas
FROM annotations
WHERE list_has_any(sources, CAST($sources AS VARCHAR[]))
  AND ($platforms IS NULL OR list_has_any(platforms, CAST($platforms AS VARCHAR[])) OR list_contains(platforms, '*'))
  AND ($areas IS NULL OR list_has_any(policy_areas, CAST($areas AS VARCHAR[])) OR list_contains(policy_areas, '*'))
ORDER BY date, label, kind, text, source_url, platforms, policy_areas

-- data/changes.csv: a night written YYYY-MM-DD, a source of the catalog, a known kind of
-- change (data/taxonomy/change_kinds.csv), a count that is a whole number (0 or more), a
-- child-safety count that is a whole number no larger than the count, and a link that is
-- empty or an http or https address.
WITH kinds AS (
    SELECT string_agg(kind, ', ' ORDER BY TRY_CAST(rank AS INTEGER), kind) AS expected FROM tax_change_kinds
)
SELECT obs_file AS file, 'line ' || line AS locator,
       'date ''' || coalesce(date_text, '') || ''' is not a date; expected the night as YYYY-MM-DD' AS problem
FROM stg_changes WHERE night IS NULL
UNION ALL
SELECT obs_file, 'line ' || line,
       'unknown source id ''' || coalesce(source_id, '') || '''; expected a source of data/catalog/sources.yaml'
FROM stg_changes WHERE source_id IS NULL OR source_id NOT IN (SELECT source_id FROM sources)
UNION ALL
SELECT obs_file, 'line ' || line, 'unknown kind ''' || coalesce(kind, '') || '''; expected one of ' || kinds.expected
FROM stg_changes, kinds WHERE kind_name IS NULL
UNION ALL
SELECT obs_file, 'line ' || line,
       'count ''' || count_text || ''' is not a whole number, 0 or more; expected a whole number, 0 or more'
FROM stg_changes WHERE n_items IS NULL OR n_items < 0
UNION ALL
SELECT obs_file, 'line ' || line,
       'child_safety ''' || child_safety_text || ''' is not a whole number from 0 to the count '
       || coalesce(n_items::VARCHAR, '''' || count_text || '''') || '; expected at most the count'
FROM stg_changes WHERE child_safety IS NULL OR child_safety < 0 OR child_safety > n_items
UNION ALL
SELECT obs_file, 'line ' || line, 'link ''' || link || ''' is not an http or https address; expected one, or nothing'
FROM stg_changes WHERE link <> '' AND NOT regexp_full_match(link, 'https?://[^\s<>"]+')

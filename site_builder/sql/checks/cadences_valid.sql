-- data/taxonomy/cadences.csv knows every cadence of data/catalog/sources.yaml, once; its day
-- counts are whole numbers (both given, the overdue limit no shorter than the cadence, or both
-- empty for a source without a schedule); the outcomes of data/taxonomy/fetch_outcomes.csv
-- say whether they succeeded (yes or no).
SELECT 'data/catalog/sources.yaml' AS file, 'source ' || s.source_id AS locator,
       'cadence ''' || s.cadence || ''' is not in data/taxonomy/cadences.csv; expected a row for it there' AS problem
FROM sources AS s WHERE s.cadence NOT IN (SELECT cadence FROM cadences)
UNION ALL
SELECT obs_file, 'cadence ' || cadence, 'listed ' || count(*) || ' times; expected once'
FROM cadences GROUP BY obs_file, cadence HAVING count(*) > 1
UNION ALL
SELECT obs_file, 'cadence ' || cadence,
       'every_days ''' || every_days_text || ''' and overdue_after_days ''' || overdue_after_days_text
       || ''' must both be whole numbers (the limit no shorter than the cadence), or both empty'
FROM cadences
WHERE NOT ((every_days_text = '' AND overdue_after_days_text = '')
        OR (every_days > 0 AND overdue_after_days >= every_days
            AND regexp_full_match(every_days_text, '[0-9]+') AND regexp_full_match(overdue_after_days_text, '[0-9]+')))
UNION ALL
SELECT obs_file, 'outcome ' || outcome, 'succeeded is ''' || coalesce(succeeded, '') || '''; expected yes or no'
FROM tax_fetch_outcomes WHERE coalesce(succeeded, '') NOT IN ('yes', 'no')

-- data/catalog/fetches.csv (the fetch log): a UTC time written YYYY-MM-DDTHH:MM:SSZ, a source
-- of the catalog, a known outcome (data/taxonomy/fetch_outcomes.csv), and an HTTP status and
-- a size that are whole numbers where given.
WITH outcomes AS (SELECT string_agg(outcome, ', ' ORDER BY outcome) AS expected FROM tax_fetch_outcomes)
SELECT obs_file AS file, 'line ' || line AS locator,
       'fetched_at ''' || coalesce(fetched_at_text, '') || ''' is not a UTC time; expected YYYY-MM-DDTHH:MM:SSZ' AS problem
FROM stg_fetches WHERE fetched_at IS NULL
UNION ALL
SELECT obs_file, 'line ' || line,
       'unknown source id ''' || coalesce(source_id, '') || '''; expected a source of data/catalog/sources.yaml'
FROM stg_fetches WHERE source_id IS NULL OR source_id NOT IN (SELECT source_id FROM sources)
UNION ALL
SELECT obs_file, 'line ' || line, 'unknown outcome ''' || coalesce(outcome, '') || '''; expected one of ' || outcomes.expected
FROM stg_fetches, outcomes WHERE outcome_name IS NULL
UNION ALL
SELECT obs_file, 'line ' || line, 'status ''' || status_text || ''' is not an HTTP status; expected three digits, or nothing'
FROM stg_fetches WHERE trim(status_text) <> '' AND status IS NULL
UNION ALL
SELECT obs_file, 'line ' || line, 'bytes ''' || bytes_text || ''' is not a whole number; expected one, or nothing'
FROM stg_fetches WHERE trim(bytes_text) <> '' AND bytes IS NULL

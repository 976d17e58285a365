-- Dates and numbers in the committed observations must parse, and the value columns must
-- agree with value_status: 'reported' has a value, 'range' a low and high end (low <= high),
-- 'not_reported' (published as N/A) neither, 'not_numeric' (a number the publisher qualified,
-- such as 'approximately 4%', kept as published) neither but its text as published.
SELECT obs_file AS file, locator, 'unreadable period ' || coalesce(period_start_text, '') || ' to '
       || coalesce(period_end_text, '') || '; expected YYYY-MM-DD dates, start <= end' AS problem
FROM stg_observations
WHERE period_start IS NULL OR period_end IS NULL OR period_end < period_start
UNION ALL
SELECT obs_file, locator, 'unreadable number ''' || value_text || ''' in column value'
FROM stg_observations WHERE value_text IS NOT NULL AND value_text <> '' AND TRY_CAST(value_text AS DOUBLE) IS NULL
UNION ALL
SELECT obs_file, locator, 'value_status ''' || coalesce(value_status, '') || ''' does not match its values'
       || ' (value=' || coalesce(value_text, '') || ', low=' || coalesce(value_low_text, '')
       || ', high=' || coalesce(value_high_text, '') || ')'
FROM stg_observations
WHERE NOT (
       (value_status = 'reported' AND value IS NOT NULL AND value_low IS NULL AND value_high IS NULL)
    OR (value_status = 'range' AND value IS NULL AND value_low IS NOT NULL AND value_high IS NOT NULL
        AND value_low <= value_high)
    OR (value_status = 'not_reported' AND value IS NULL AND value_low IS NULL AND value_high IS NULL)
    OR (value_status = 'not_numeric' AND value IS NULL AND value_low IS NULL AND value_high IS NULL
        AND coalesce(value_as_published, '') <> '')
)

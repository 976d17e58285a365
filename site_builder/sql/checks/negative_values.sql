-- Counts, shares and durations are never negative.
SELECT obs_file AS file, locator,
       'negative value ' || coalesce(value_text, value_low_text) || ' (published as ''' || value_as_published
       || ''') for ''' || metric_label || ''' (' || unit || ')' AS problem
FROM stg_observations
WHERE value < 0 OR value_low < 0 OR value_high < 0

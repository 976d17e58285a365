-- Percentages lie between 0 and 100 once shares published as 0-1 are scaled.
SELECT obs_file AS file, locator,
       'percentage ' || value_as_published || ' (' || unit || ') is outside 0-100' AS problem
FROM stg_observations
WHERE unit_kind = 'percent' AND (value > 100 OR value_high > 100)

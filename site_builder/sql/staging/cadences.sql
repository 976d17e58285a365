-- One row per cadence as data/catalog/sources.yaml words it (data/taxonomy/cadences.csv): the
-- days between two releases (`every_days`) and the days without a new or changed file after
-- which a source is overdue (`overdue_after_days`: the cadence and the publisher's usual delay);
-- both NULL for a source without a regular schedule, which is never called overdue. `in_words`
-- is what the Source health page says. Values that do not parse are refused by
-- checks/cadences_valid.sql.
SELECT
    cadence,
    TRY_CAST(every_days AS INTEGER) AS every_days,
    TRY_CAST(overdue_after_days AS INTEGER) AS overdue_after_days,
    coalesce(every_days, '') AS every_days_text,
    coalesce(overdue_after_days, '') AS overdue_after_days_text,
    coalesce(in_words, '') AS in_words,
    obs_file
FROM tax_cadences

-- One row per case file (data/cases.csv): a documented case where a platform's stated rule met
-- a test, with its title, the month (or day, by `date_precision`) it became known, the
-- platforms it concerns and a one-sentence lead; its pieces are in stg_case_items.
SELECT line, obs_file, case_id, title, TRY_CAST(date AS DATE) AS date, date AS date_as_published, date_precision,
       string_split(platform_ids, ';') AS platform_ids, lead
FROM raw_cases

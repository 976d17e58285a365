-- One row per check in data/coverage_checks.csv: what is known about periods for which this
-- site holds no figure. For a platform, a source, a policy area and a metric ('*': every area
-- or every metric) and the periods from `period_start` to `period_end`: `state` 'published'
-- (the publisher did publish it; `where_url` / `where_title` say where, when known) or
-- 'not_published' (checked and not published; `checked_on` is the date of the check when it
-- was recorded, `checked_by` who or what established it). `evidence` names the file, line or
-- page that shows it. A period no check covers is "not collected here": whether it was
-- published is not known. Dates that do not parse are NULL here and refused by
-- checks/coverage_checks_valid.sql.
SELECT
    obs_file,
    line,
    platform_id,
    source_id,
    coalesce(policy_area, '*') AS policy_area,
    coalesce(metric_id, '*') AS metric_id,
    TRY_CAST(period_start AS DATE) AS period_start,
    TRY_CAST(period_end AS DATE) AS period_end,
    state,
    coalesce(where_url, '') AS where_url,
    coalesce(where_title, '') AS where_title,
    TRY_CAST(checked_on AS DATE) AS checked_on,
    coalesce(checked_by, '') AS checked_by,
    coalesce(evidence, '') AS evidence,
    coalesce(note, '') AS note,
    period_start AS period_start_text,
    period_end AS period_end_text,
    checked_on AS checked_on_text
FROM raw_coverage_checks

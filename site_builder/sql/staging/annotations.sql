-- One row per dated event that breaks or qualifies a series (data/annotations.csv): a
-- policy change, a change of method, a data issue or a reporting break. `sources`,
-- `platforms` and `policy_areas` are lists; ['*'] means all.
SELECT
    TRY_CAST(date AS DATE) AS date,
    string_split(sources, ';') AS sources,
    string_split(platforms, ';') AS platforms,
    string_split(policy_areas, ';') AS policy_areas,
    kind,
    label,
    text,
    source_url,
    obs_file
FROM raw_annotations

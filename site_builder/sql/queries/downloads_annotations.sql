-- Bulk download annotations.csv: one row per dated event drawn on the charts it affects:
-- the events of data/annotations.csv (a policy change, a change of method, a data issue or
-- a reporting break) and the policy changes on the say side (data/claims.csv). `sources`,
-- `platforms` and `policy_areas` are ';'-separated lists, '*' meaning all; `obs_file` says
-- which file the event was read from.
SELECT
    date,
    array_to_string(sources, ';') AS sources,
    array_to_string(platforms, ';') AS platforms,
    array_to_string(policy_areas, ';') AS policy_areas,
    kind,
    label,
    text,
    source_url,
    obs_file
FROM annotations
ORDER BY date, sources, label, text, kind, platforms, policy_areas, source_url, obs_file

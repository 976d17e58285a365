-- One row per (bulk file, catalog source the file draws on): which sources' licences and
-- citations the data package must carry for each file. Observations and releases name
-- their source; annotations name theirs in a ';'-separated list ('*' meaning all); the
-- sources file describes every source.
SELECT DISTINCT 'observations' AS resource, source_id FROM fct_observations
UNION
SELECT DISTINCT 'releases' AS resource, source_id FROM releases
UNION
SELECT DISTINCT 'annotations' AS resource, s.source_id
FROM raw_annotations AS a
CROSS JOIN unnest(string_split(a.sources, ';')) AS u(name)
JOIN sources AS s ON trim(u.name) IN (s.source_id, '*')
UNION
SELECT 'sources' AS resource, source_id FROM sources
ORDER BY resource, source_id

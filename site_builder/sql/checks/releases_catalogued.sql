-- Every observation belongs to a release in data/catalog/releases.csv, every release to a
-- source in data/catalog/sources.yaml, and every release carries the sha256 and size of
-- the file it was read from.
SELECT o.obs_file AS file, o.locator, 'release ''' || o.release_id || ''' is not in data/catalog/releases.csv' AS problem
FROM stg_observations AS o WHERE o.release_kind IS NULL
UNION ALL
SELECT obs_file, release_id, 'release names unknown source ''' || source_id || ''''
FROM releases WHERE source_id NOT IN (SELECT source_id FROM sources)
UNION ALL
SELECT obs_file, release_id, 'release lacks a sha256 (64 hex digits) or a positive size'
FROM releases WHERE NOT regexp_full_match(coalesce(sha256, ''), '[0-9a-f]{64}') OR coalesce(bytes, 0) <= 0
UNION ALL
SELECT o.obs_file, o.locator, 'observation source ''' || o.source_id || ''' differs from its release''s source ''' || r.source_id || ''''
FROM stg_observations AS o JOIN releases AS r USING (release_id) WHERE o.source_id <> r.source_id

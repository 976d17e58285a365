-- Generated test dumps (site_builder.dsa_sor.generate) never reach the site: no release may be a
-- generated one, and no observation may belong to one.
SELECT obs_file AS file, release_id AS locator, 'release is generated test data, which is never published' AS problem
FROM releases
WHERE release_id LIKE '%-generated-%' OR obtained_via ILIKE '%generated test%'
UNION ALL
SELECT o.obs_file, o.locator, 'observation of generated test release ''' || o.release_id || ''' (never published)'
FROM stg_observations AS o
WHERE o.release_id LIKE '%-generated-%'
